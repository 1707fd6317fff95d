// The debug build (new Heap({ debug: true })): canaries after every block, poison in free
// memory, use-after-free detection at the next reuse of the block; messages name the block.
import { describe, expect, it } from 'vitest';
import { Heap, HeapCorruptionError } from '../src/index.js';

describe('debug build', () => {
  it('a write past the end of a block is reported at free, naming the block; nothing is freed', () => {
    const heap = new Heap({ debug: true });
    const p = heap.alloc(40);
    heap.u8[p + heap.usableSize(p)] = 1; // one byte too far: into the canary
    expect(() => heap.free(p)).toThrow(new RegExp(`^free\\(0x${p.toString(16)}\\): heap corruption at 0x${p.toString(16)}: write past the end of the block: its canary at \\+\\d+ was overwritten`));
    expect(() => heap.check()).toThrow(HeapCorruptionError);
    expect(heap.stats().liveBlocks).toBe(1);
  });

  it('freed memory is poisoned', () => {
    const heap = new Heap({ debug: true });
    const p = heap.alloc(256);
    heap.alloc(8); // keep p from merging into the top block
    heap.u8.fill(1, p, p + 256);
    heap.free(p);
    expect(heap.u8.subarray(p + 8, p + 200).every((v) => v === 0xdb)).toBe(true);
  });

  it('a write into a freed block is detected when the block is next allocated, and the heap recovers', () => {
    const heap = new Heap({ debug: true });
    const p = heap.alloc(256);
    heap.alloc(8);
    heap.free(p);
    heap.u8[p + 100] = 42; // use after free
    expect(() => heap.check()).toThrow(/use after free/);
    expect(() => heap.alloc(256)).toThrow(new RegExp(`^alloc\\(256\\): heap corruption at 0x${p.toString(16)}: use after free: the free block was written at \\+100`));
    // Detected once; the block was re-poisoned and is usable again.
    heap.check();
    expect(heap.alloc(256)).toBe(p);
    heap.check();
  });

  it('a write into a freed block\'s list links (not poisoned) fails the next alloc with HeapCorruptionError, never a RuntimeError', () => {
    const heap = new Heap({ debug: true });
    const p = heap.alloc(256);
    heap.alloc(8);
    heap.free(p);
    heap.u32[p >>> 2] = 0x12345678; // the free block's prev link
    heap.u32[(p >>> 2) + 1] = 0; // and its next link
    for (let i = 0; i < 3; i++) expect(() => heap.alloc(256)).toThrow(HeapCorruptionError);
    expect(() => heap.check()).toThrow(HeapCorruptionError);
    // Other sizes still work.
    heap.free(heap.alloc(5000));
  });

  it('a double free after merging says "double free" (merged headers stay visible)', () => {
    const heap = new Heap({ debug: true });
    const x = heap.alloc(500);
    const y = heap.alloc(500);
    heap.alloc(8);
    heap.free(x);
    heap.free(y);
    heap.check();
    expect(() => heap.free(y)).toThrow(/double free/);
  });

  it('realloc keeps the canary at the new end', () => {
    const heap = new Heap({ debug: true });
    let p = heap.alloc(100);
    p = heap.realloc(p, 40);
    heap.check();
    p = heap.realloc(p, 400);
    heap.check();
    heap.u8[p + heap.usableSize(p)] ^= 0xff;
    expect(() => heap.realloc(p, 10)).toThrow(/write past the end/);
  });

  it('the canary costs 8 bytes per block; the release build has none', () => {
    const d = new Heap({ debug: true });
    const r = new Heap();
    d.alloc(4000);
    r.alloc(4000);
    expect(d.stats().usedBytes - r.stats().usedBytes).toBe(8);
  });

  it('the cache is bypassed: every small free is checked at once', () => {
    const heap = new Heap({ debug: true });
    const p = heap.alloc(40);
    heap.free(p);
    expect(heap.stats().cachedBytes).toBe(0);
  });
});
