// Behaviour of the general heap, one describe per rule.
import { describe, expect, it } from 'vitest';
import { Heap, OutOfMemoryError } from '../src/index.js';

const ALL_KINDS = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
] as const;

describe.each([
  ['release', {}],
  ['debug', { debug: true }],
  ['shared', { shared: true, maximumBytes: 64 << 20 }],
] as const)('%s build', (_name, options) => {
  it('alloc returns distinct 8-aligned addresses that hold what is written', () => {
    const heap = new Heap(options);
    const ps = Array.from({ length: 100 }, (_, i) => heap.alloc(i * 3));
    expect(new Set(ps).size).toBe(100);
    for (const p of ps) expect(p % 8).toBe(0);
    ps.forEach((p, i) => heap.u8.fill(i, p, p + i * 3));
    ps.forEach((p, i) => expect(heap.u8.subarray(p, p + i * 3).every((v) => v === i)).toBe(true));
    heap.check();
  });

  it('alloc(0) returns a unique, freeable address', () => {
    const heap = new Heap(options);
    const a = heap.alloc(0);
    const b = heap.alloc(0);
    expect(a).not.toBe(b);
    heap.free(a);
    heap.free(b);
    heap.check();
  });

  it('free coalesces with both neighbours: freeing everything leaves one free block', () => {
    const heap = new Heap(options);
    const ps = Array.from({ length: 50 }, (_, i) => heap.alloc(16 + i * 8));
    for (let i = 0; i < 50; i += 2) heap.free(ps[i]);
    heap.check();
    for (let i = 1; i < 50; i += 2) heap.free(ps[i]);
    heap.check();
    const s = heap.stats();
    expect(s.freeBlocks).toBe(1);
    expect(s.liveBlocks).toBe(0);
    expect(s.usedBytes).toBe(0);
    expect(s.largestFreeBlock).toBe(s.heapBytes - 8);
  });

  it('a freed block is reused by the next request of its size (exact small classes)', () => {
    const heap = new Heap(options);
    heap.alloc(64);
    const p = heap.alloc(100);
    heap.alloc(64); // keeps p from merging with the top of the heap
    heap.free(p);
    expect(heap.alloc(100)).toBe(p);
  });

  it.each([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 65536])('honours alignment %i', (align) => {
    const heap = new Heap(options);
    const ps = [];
    for (let i = 0; i < 20; i++) {
      const p = heap.alloc(1 + i * 13, align);
      expect(p % align).toBe(0);
      ps.push(p);
    }
    heap.check();
    ps.forEach((p) => heap.free(p));
    heap.check();
    expect(heap.stats().freeBlocks).toBe(1);
  });

  it('calloc returns zeroed memory even where freed data was', () => {
    const heap = new Heap(options);
    const p = heap.alloc(256);
    heap.u8.fill(0xff, p, p + 256);
    heap.free(p);
    const q = heap.calloc(256);
    expect(heap.u8.subarray(q, q + 256).every((v) => v === 0)).toBe(true);
  });

  it('usableSize is at least the request and at most one size class above it', () => {
    const heap = new Heap(options);
    for (const n of [0, 1, 7, 8, 9, 100, 255, 256, 1000, 5000, 100_000]) {
      const p = heap.alloc(n);
      expect(heap.usableSize(p)).toBeGreaterThanOrEqual(n);
      expect(heap.usableSize(p)).toBeLessThanOrEqual(Math.max(n * 1.04 + 32, 32));
    }
  });

  describe('realloc', () => {
    it('shrinks in place and keeps the prefix', () => {
      const heap = new Heap(options);
      const p = heap.alloc(1000);
      heap.u8.fill(7, p, p + 1000);
      expect(heap.realloc(p, 100)).toBe(p);
      expect(heap.u8.subarray(p, p + 100).every((v) => v === 7)).toBe(true);
      heap.check();
    });
    it('grows in place when the next block is free', () => {
      const heap = new Heap(options);
      const p = heap.alloc(100);
      const q = heap.alloc(400);
      heap.alloc(16);
      heap.free(q);
      heap.u8.fill(9, p, p + 100);
      expect(heap.realloc(p, 450)).toBe(p);
      expect(heap.u8.subarray(p, p + 100).every((v) => v === 9)).toBe(true);
      heap.check();
    });
    it('moves when it must, preserving contents, and frees the old block', () => {
      const heap = new Heap(options);
      const p = heap.alloc(100);
      heap.alloc(16); // the next block is used: no room in place
      heap.u8.fill(3, p, p + 100);
      const live = heap.stats().liveBlocks;
      const q = heap.realloc(p, 5000);
      expect(q).not.toBe(p);
      expect(heap.u8.subarray(q, q + 100).every((v) => v === 3)).toBe(true);
      expect(heap.stats().liveBlocks).toBe(live);
      heap.check();
    });
    it('realloc(0, n) allocates', () => {
      const heap = new Heap(options);
      expect(heap.realloc(0, 10)).toBeGreaterThan(0);
    });
  });

  describe('allocArray', () => {
    it.each(ALL_KINDS.map((C) => [C.name, C] as const))('%s: a view of the right type and length that owns its block', (_n, C) => {
      const heap = new Heap(options);
      const v = heap.allocArray(C, 33);
      expect(v).toBeInstanceOf(C);
      expect(v.length).toBe(33);
      expect(v.byteOffset % Math.max(8, C.BYTES_PER_ELEMENT)).toBe(0);
      expect(heap.usableSize(v)).toBeGreaterThanOrEqual(33 * C.BYTES_PER_ELEMENT);
      const live = heap.stats().liveBlocks;
      heap.free(v);
      expect(heap.stats().liveBlocks).toBe(live - 1);
      heap.check();
    });
    it('views alias the whole-memory views', () => {
      const heap = new Heap(options);
      const v = heap.allocArray(Float32Array, 4);
      v[2] = 1.5;
      expect(heap.f32[(v.byteOffset >> 2) + 2]).toBe(1.5);
      const w = heap.allocArray(BigInt64Array, 2);
      heap.i64[(w.byteOffset >> 3) + 1] = -5n;
      expect(w[1]).toBe(-5n);
    });
  });

  it('aligned blocks leave no extra free fragments', () => {
    const heap = new Heap(options);
    for (let i = 0; i < 20; i++) heap.alloc(40, 16);
    expect(heap.stats().freeBlocks).toBe(1);
    heap.check();
  });

  it('stats(into) fills the given object and returns it', () => {
    const heap = new Heap(options);
    const into = heap.stats();
    heap.alloc(10);
    expect(heap.stats(into)).toBe(into);
    expect(into.liveBlocks).toBe(1);
  });

  it('stats count blocks, bytes and the peak', () => {
    const heap = new Heap(options);
    const s0 = heap.stats();
    expect(s0.liveBlocks).toBe(0);
    const p = heap.alloc(1000);
    const s1 = heap.stats();
    expect(s1.liveBlocks).toBe(1);
    expect(s1.usedBytes).toBe(heap.usableSize(p) + 8 + (heap.debug ? 8 : 0));
    heap.free(p);
    const s2 = heap.stats();
    expect(s2.usedBytes).toBe(0);
    expect(s2.peakUsedBytes).toBe(s1.usedBytes);
    expect(s2.usedBytes + s2.freeBytes + 8).toBe(s2.heapBytes);
    expect(s2.debug).toBe(!!(options as { debug?: boolean }).debug);
  });

  it('grows memory on demand up to maximumBytes, then throws OutOfMemoryError', () => {
    const heap = new Heap({ ...options, initialBytes: 64 * 1024, maximumBytes: 4 << 20 });
    const ps: number[] = [];
    expect(() => {
      for (;;) ps.push(heap.alloc(100_000));
    }).toThrow(OutOfMemoryError);
    expect(ps.length).toBeGreaterThan(35);
    expect(heap.stats().memoryBytes).toBeLessThanOrEqual(4 << 20);
    heap.check();
    expect(heap.tryAlloc(100_000)).toBe(0);
    heap.free(ps.pop()!);
    expect(heap.alloc(100_000)).toBeGreaterThan(0);
    heap.check();
  });
});

describe('Heap construction', () => {
  it('Heap.create resolves to a working heap', async () => {
    const heap = await Heap.create({ initialBytes: 128 * 1024 });
    heap.free(heap.alloc(10));
    expect(heap.stats().memoryBytes).toBe(128 * 1024);
  });
  it('Heap.compile + Heap.fromModule instantiate synchronously from a module', async () => {
    const mod = await Heap.compile();
    expect(mod).toBeInstanceOf(WebAssembly.Module);
    const heap = Heap.fromModule(mod, { initialBytes: 64 * 1024 });
    heap.free(heap.alloc(10));
    heap.check();
    const shared = Heap.fromModule(await Heap.compile({ shared: true }), { maximumBytes: 1 << 24 });
    expect(shared.shared).toBe(true);
    expect(shared.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
  it('fromModule refuses what is not a module', () => {
    expect(() => Heap.fromModule({} as WebAssembly.Module)).toThrow(TypeError);
  });
  it('two heaps are independent', () => {
    const a = new Heap();
    const b = new Heap();
    const p = a.alloc(100);
    expect(() => b.free(p)).toThrow(); // not a block of b (its secret differs)
    a.free(p);
    a.check();
    b.check();
  });
  it('rejects bad options', () => {
    expect(() => new Heap({ initialBytes: -1 })).toThrow(RangeError);
    expect(() => new Heap({ maximumBytes: NaN })).toThrow(RangeError);
    expect(() => new Heap({ initialBytes: 1 << 24, maximumBytes: 1 << 20 })).toThrow(RangeError);
    expect(() => new Heap({ shared: true, debug: true })).toThrow(TypeError);
  });
  it('a heap attaches to a shared memory that already holds one', () => {
    const a = new Heap({ shared: true, maximumBytes: 1 << 24 });
    const p = a.alloc(100);
    const b = new Heap({ shared: true, memory: a.memory });
    expect(b.stats().liveBlocks).toBe(1);
    b.free(p);
    expect(a.stats().liveBlocks).toBe(0);
    a.check();
  });
});
