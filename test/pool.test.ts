// Pools: fixed-size blocks whose alloc and free run in JavaScript over linear memory.
import { describe, expect, it } from 'vitest';
import { Heap, HeapCorruptionError, InvalidPointerError } from '../src/index.js';

describe.each([
  ['release', {}],
  ['debug', { debug: true }],
  ['shared', { shared: true, maximumBytes: 64 << 20 }],
] as const)('pools, %s build', (_n, options) => {
  it('hands out distinct blocks of blockBytes at the asked alignment, and reuses freed ones', () => {
    const heap = new Heap(options);
    const pool = heap.pool(48, { align: 16 });
    const ps = Array.from({ length: 500 }, () => pool.alloc());
    expect(new Set(ps).size).toBe(500);
    for (const p of ps) expect(p % 16).toBe(0);
    const sorted = [...ps].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i] - sorted[i - 1]).toBeGreaterThanOrEqual(48);
    pool.free(ps[7]);
    expect(pool.alloc()).toBe(ps[7]);
    heap.check();
  });
  it('live and capacity count blocks; capacity grows by whole slabs', () => {
    const heap = new Heap(options);
    const pool = heap.pool(64, { capacity: 10 });
    expect(pool.capacity).toBeGreaterThanOrEqual(10);
    expect(pool.live).toBe(0);
    const cap = pool.capacity;
    const ps = Array.from({ length: cap + 1 }, () => pool.alloc());
    expect(pool.live).toBe(cap + 1);
    expect(pool.capacity).toBeGreaterThan(cap);
    ps.forEach((p) => pool.free(p));
    expect(pool.live).toBe(0);
    heap.check();
  });
  it('tryAlloc returns 0 when the heap cannot grow; the pool and heap stay valid', () => {
    const heap = new Heap({ ...options, initialBytes: 1 << 20, maximumBytes: 1 << 20 });
    const pool = heap.pool(1000);
    let n = 0;
    while (pool.tryAlloc() !== 0) n++;
    expect(n).toBeGreaterThan(100);
    expect(() => pool.alloc()).toThrow(/out of memory/);
    heap.check();
  });
  it('dispose returns every slab to the heap', () => {
    const heap = new Heap(options);
    const before = heap.stats().usedBytes;
    const pool = heap.pool(32, { capacity: 1000 });
    pool.alloc();
    pool.dispose();
    expect(heap.stats().usedBytes).toBe(before);
    heap.check();
  });
  it('a write into a freed pool block is refused at its next alloc in the debug build, and check() sees it', () => {
    const heap = new Heap(options);
    const pool = heap.pool(64);
    const p = pool.alloc();
    pool.free(p);
    heap.u8[p + 20] = 1; // use after free
    if (heap.debug) {
      expect(() => heap.check()).toThrow(HeapCorruptionError);
      expect(() => pool.alloc()).toThrow(new RegExp(`use after free: the free block at 0x${p.toString(16)} was written at \\+20`));
      heap.check(); // reported once; re-poisoned
    } else {
      heap.check(); // the release build does not watch the contents of free blocks
    }
    expect(pool.alloc()).toBeGreaterThan(0);
  });
  it('an overwritten position word (a write into a freed block\'s first word) is refused as damage', () => {
    const heap = new Heap(options);
    const pool = heap.pool(64);
    const p = pool.alloc();
    pool.alloc();
    pool.free(p);
    heap.u32[p >>> 2] ^= 1;
    expect(() => heap.check()).toThrow(/does not name its position/);
    expect(() => pool.alloc()).toThrow(HeapCorruptionError);
    heap.u32[p >>> 2] ^= 1;
    heap.check();
    expect(pool.alloc()).toBe(p);
  });
  it('a double free is refused even after the block was handed out and freed again', () => {
    const heap = new Heap(options);
    const pool = heap.pool(24);
    const p = pool.alloc();
    pool.free(p);
    expect(() => pool.free(p)).toThrow(InvalidPointerError);
    expect(pool.alloc()).toBe(p);
    pool.free(p);
    expect(() => pool.free(p)).toThrow(/double free/);
    heap.check();
  });
});
