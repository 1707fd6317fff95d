// Behaviour of the general heap, one describe per rule, in every build.
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
  ['profile', { profile: true }],
] as const)('%s build', (_name, options) => {
  it('alloc returns distinct 8-aligned addresses that hold what is written', () => {
    const heap = new Heap(options);
    const ps = Array.from({ length: 200 }, (_, i) => heap.alloc(1 + ((i * 37) % 3000)));
    ps.forEach((p, i) => heap.u32.fill(i, p >>> 2, (p >>> 2) + 1));
    expect(new Set(ps).size).toBe(ps.length);
    ps.forEach((p, i) => {
      expect(p % 8).toBe(0);
      expect(heap.u32[p >>> 2]).toBe(i);
    });
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

  it('free coalesces with both neighbours: after trim(), freeing everything leaves one free block', () => {
    const heap = new Heap(options);
    const ps = Array.from({ length: 50 }, (_, i) => heap.alloc(16 + i * 40));
    for (let i = 0; i < 50; i += 2) heap.free(ps[i]);
    heap.check();
    for (let i = 1; i < 50; i += 2) heap.free(ps[i]);
    heap.trim();
    heap.check();
    const s = heap.stats();
    expect(s.freeBlocks).toBe(1);
    expect(s.liveBlocks).toBe(0);
    expect(s.usedBytes).toBe(0);
    expect(s.cachedBytes).toBe(0);
    expect(s.largestFreeBlock).toBe(s.heapBytes - 8 - s.overheadBytes);
  });

  it('a freed block is reused by the next request of its size', () => {
    const heap = new Heap(options);
    heap.alloc(64);
    const p = heap.alloc(100);
    heap.alloc(64);
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
    heap.trim();
    heap.check();
    expect(heap.stats().freeBlocks).toBe(1);
  });

  it('calloc returns zeroed memory even where freed data was', () => {
    const heap = new Heap(options);
    const p = heap.alloc(256);
    heap.u8.fill(0xff, p, p + 256);
    heap.free(p);
    const q = heap.calloc(256);
    expect(heap.u8.subarray(q, q + 256).every((b) => b === 0)).toBe(true);
    heap.check();
  });

  it('usableSize is at least the request and less than a size class above it', () => {
    const heap = new Heap(options);
    for (const n of [0, 1, 7, 8, 9, 100, 511, 1023, 1024, 5000, 70_000]) {
      const p = heap.alloc(n);
      expect(heap.usableSize(p)).toBeGreaterThanOrEqual(n);
      expect(heap.usableSize(p)).toBeLessThan(Math.max(n * 1.07, n + 40));
    }
  });

  describe('realloc', () => {
    it('shrinks in place and keeps the prefix', () => {
      const heap = new Heap(options);
      const p = heap.alloc(4000);
      heap.u8.fill(7, p, p + 4000);
      expect(heap.realloc(p, 100)).toBe(p);
      expect(heap.u8.subarray(p, p + 100).every((b) => b === 7)).toBe(true);
      heap.check();
    });
    it('grows in place when the next block is free', () => {
      const heap = new Heap(options);
      const p = heap.alloc(2000);
      const q = heap.alloc(2000);
      heap.alloc(2000);
      heap.free(q);
      heap.u8.fill(9, p, p + 2000);
      expect(heap.realloc(p, 3500)).toBe(p);
      expect(heap.u8.subarray(p, p + 2000).every((b) => b === 9)).toBe(true);
      heap.check();
    });
    it('moves when it must, preserving contents, and frees the old block', () => {
      const heap = new Heap(options);
      const p = heap.alloc(5000);
      heap.alloc(5000); // right after p: it cannot grow in place
      heap.u8.fill(5, p, p + 5000);
      const q = heap.realloc(p, 20_000);
      expect(q).not.toBe(p);
      expect(heap.u8.subarray(q, q + 5000).every((b) => b === 5)).toBe(true);
      expect(() => heap.free(p)).toThrow(/double free/);
      heap.check();
    });
    it('keeps the alignment it is given when it moves', () => {
      const heap = new Heap(options);
      const p = heap.alloc(100, 64);
      heap.alloc(100);
      const q = heap.realloc(p, 5000, 64);
      expect(q % 64).toBe(0);
      heap.check();
    });
    it('realloc(0, n) allocates', () => {
      const heap = new Heap(options);
      const p = heap.realloc(0, 50);
      expect(heap.usableSize(p)).toBeGreaterThanOrEqual(50);
    });
  });

  describe('allocArray', () => {
    it.each(ALL_KINDS.map((C) => [C.name, C] as const))('%s: a view of the right type and length that owns its block', (_n, C) => {
      const heap = new Heap(options);
      const v = heap.allocArray(C, 33);
      expect(v).toBeInstanceOf(C);
      expect(v.length).toBe(33);
      expect(v.byteOffset % 8).toBe(0);
      expect(heap.usableSize(v)).toBeGreaterThanOrEqual(33 * C.BYTES_PER_ELEMENT);
      heap.free(v);
      heap.check();
    });
    it('views alias the whole-memory views', () => {
      const heap = new Heap(options);
      const v = heap.allocArray(Float32Array, 4);
      v[2] = 2.5;
      expect(heap.f32[(v.byteOffset >>> 2) + 2]).toBe(2.5);
      heap.free(v);
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

  it('stats count blocks and bytes; every byte of the heap is used, cached, free, overhead or the tail', () => {
    const heap = new Heap(options);
    expect(heap.stats().liveBlocks).toBe(0);
    const p = heap.alloc(1000);
    const q = heap.alloc(5000);
    const s1 = heap.stats();
    expect(s1.liveBlocks).toBe(2);
    const overhead = 8 + (heap.debug || heap.profile ? 8 : 0);
    expect(s1.usedBytes).toBe(heap.usableSize(p) + heap.usableSize(q) + 2 * overhead);
    heap.free(p);
    heap.free(q);
    const s2 = heap.stats();
    expect(s2.usedBytes).toBe(0);
    expect(s2.liveBlocks).toBe(0);
    expect(s2.peakUsedBytes).toBeGreaterThanOrEqual(s1.usedBytes);
    expect(s2.usedBytes + s2.cachedBytes + s2.freeBytes + s2.overheadBytes + 8).toBe(s2.heapBytes);
    expect(s2.debug).toBe(heap.debug);
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

  it('small blocks parked in the cache are flushed, not lost, when the heap is full', () => {
    const heap = new Heap({ ...options, initialBytes: 1 << 20, maximumBytes: 1 << 20 });
    const small: number[] = [];
    for (let p = heap.tryAlloc(200); p !== 0; p = heap.tryAlloc(200)) small.push(p);
    small.forEach((p) => heap.free(p));
    // Every small block is now free or cached: a large block must still fit.
    expect(heap.alloc(512 * 1024)).toBeGreaterThan(0);
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
  it('maximumBytes is never exceeded: it is rounded down to whole pages', () => {
    const heap = new Heap({ initialBytes: 65536, maximumBytes: 3 * 65536 + 1000 });
    expect(heap.maximumBytes).toBe(3 * 65536);
    while (heap.tryAlloc(10_000) !== 0);
    expect(heap.memory.buffer.byteLength).toBe(3 * 65536);
  });
  it('a heap attaches to a shared memory that already holds one; both see the same blocks', () => {
    const a = new Heap({ shared: true, maximumBytes: 1 << 24 });
    const p = a.alloc(100);
    const b = new Heap({ shared: true, memory: a.memory });
    expect(b.stats().liveBlocks).toBe(1);
    b.free(p);
    expect(a.stats().liveBlocks).toBe(0);
    a.check();
    b.check();
  });
  it('dispose() returns a Heap object\'s cache; the other objects on the memory keep working', () => {
    const a = new Heap({ shared: true, maximumBytes: 1 << 24 });
    const b = new Heap({ shared: true, memory: a.memory });
    b.free(b.alloc(100));
    expect(a.stats().overheadBytes).toBeGreaterThan(0);
    b.dispose();
    expect(() => b.alloc(100)).toThrow(/disposed/);
    a.free(a.alloc(100));
    a.check();
    // The idle cache is reused by the next object that attaches.
    const before = a.stats().overheadBytes;
    const c = new Heap({ shared: true, memory: a.memory });
    expect(a.stats().overheadBytes).toBe(before);
    c.check();
  });
});
