// Bump arenas: O(1) alloc from a region of the heap, mark/reset, dispose.
import { describe, expect, it } from 'vitest';
import { Heap } from '../src/index.js';

describe('Arena', () => {
  it('hands out consecutive, aligned, non-overlapping blocks inside its region', () => {
    const heap = new Heap();
    const ar = heap.arena(4096);
    expect(ar.capacity).toBeGreaterThanOrEqual(4096);
    const a = ar.alloc(10);
    const b = ar.alloc(10);
    const c = ar.alloc(100, 64);
    expect(b).toBe(a + 16); // 10 rounded up to the default 8-byte alignment
    expect(c % 64).toBe(0);
    expect(c).toBeGreaterThanOrEqual(b + 10);
    const d = ar.alloc(3, 1);
    expect(d).toBe(c + 100);
    expect(ar.used).toBe(d + 3 - a);
    heap.check();
  });

  it('mark/reset drop everything after the mark; reset() drops everything', () => {
    const heap = new Heap();
    const ar = heap.arena(1024);
    ar.alloc(100);
    const m = ar.mark();
    const x = ar.alloc(200);
    ar.reset(m);
    expect(ar.alloc(200)).toBe(x);
    ar.reset();
    expect(ar.used).toBe(0);
    expect(ar.mark()).toBe(m - 100);
  });

  it('allocArray returns typed views over arena memory, for every TypedArray kind', () => {
    const heap = new Heap();
    const ar = heap.arena(4096);
    for (const C of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array]) {
      const v = ar.allocArray(C, 5);
      expect(v).toBeInstanceOf(C);
      expect(v.length).toBe(5);
      expect(v.byteOffset % 8).toBe(0);
    }
  });

  it('is one live block of the heap, returned by dispose (also via Symbol.dispose)', () => {
    const heap = new Heap();
    const before = heap.stats();
    const ar = heap.arena(10_000);
    expect(heap.stats().liveBlocks).toBe(before.liveBlocks + 1);
    ar.alloc(5000);
    ar.dispose();
    expect(ar.disposed).toBe(true);
    expect(heap.stats().liveBlocks).toBe(before.liveBlocks);
    const ar2 = heap.arena(100);
    const dispose = (Symbol as { dispose?: symbol }).dispose;
    if (dispose) (ar2 as unknown as Record<symbol, () => void>)[dispose]();
    else ar2.dispose();
    expect(heap.stats().liveBlocks).toBe(before.liveBlocks);
    heap.check();
  });

  it('a frame loop with reset allocates nothing on the heap per frame', () => {
    const heap = new Heap();
    const frame = heap.arena(64 * 1024);
    const s0 = heap.stats();
    for (let f = 0; f < 1000; f++) {
      for (let i = 0; i < 50; i++) frame.alloc(512);
      frame.reset();
    }
    const s1 = heap.stats();
    expect(s1.liveBlocks).toBe(s0.liveBlocks);
    expect(s1.usedBytes).toBe(s0.usedBytes);
  });
});
