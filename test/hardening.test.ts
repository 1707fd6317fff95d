// The hardening rules of the heap, one per test, in the release and the debug build: requests no
// heap can hold, read-only inspection, bounded walks, damaged roots and arenas, attaching to a
// damaged memory, and reserve in payload terms. (The stray-write fuzzer, test/stray.test.ts,
// checks the same rules at random.)
import { describe, expect, it } from 'vitest';
import { Heap, HeapCorruptionError, OutOfMemoryError } from '../src/index.js';
import * as L from '../src/layout.js';

const HEADS = (L.ROOT + L.ROOT_HEADS) >>> 2; // word index of the free lists' heads

/** Frees `p` all the way to its free list (out of the small-size cache). */
function freeToList(heap: Heap, p: number): void {
  heap.free(p);
  heap.trim();
}

const BUILDS = [
  ['release', {}],
  ['debug', { debug: true }],
] as const;

describe.each(BUILDS)('%s build', (_name, options) => {
  it('a request near 4 GiB is OutOfMemoryError (tryAlloc: 0) even next to a large free block, never a block or a RuntimeError', () => {
    // 80 MiB: a free block large enough for a request whose size class rounding wraps past 2^32.
    const heap = new Heap({ ...options, initialBytes: 80 << 20, maximumBytes: 128 << 20 });
    const p = heap.alloc(2 << 20);
    for (const [bytes, align] of [[0xfff00000, 8], [0xfc000000, 8], [0xfff00000, 65536], [0xffeffff0, 16], [0xffff0000, 4096]]) {
      expect(() => heap.alloc(bytes, align)).toThrow(OutOfMemoryError);
      expect(heap.tryAlloc(bytes, align)).toBe(0);
      expect(() => heap.realloc(p, bytes, align)).toThrow(OutOfMemoryError);
    }
    expect(() => heap.arena(0xffe00000)).toThrow(OutOfMemoryError);
    heap.check();
    expect(heap.stats().liveBlocks).toBe(1);
  });

  it('a free block\'s address written into the head of a larger size class is HeapCorruptionError at the next alloc, never a block carved past its end', () => {
    const heap = new Heap({ ...options, initialBytes: 1 << 20, maximumBytes: 1 << 20 });
    // Live neighbours on both sides (the cache hands blocks out downwards, the debug build upwards).
    heap.alloc(40);
    const small = heap.alloc(40);
    heap.alloc(40);
    freeToList(heap, small);
    // The stray write: the head of the class holding the rest of the heap now names `small`.
    const m = heap.u32;
    let cls = L.CLASS_COUNT - 1;
    while (m[HEADS + cls] === 0 || m[HEADS + cls] === small - L.HEADER) cls--;
    m[HEADS + cls] = small - L.HEADER;
    expect(() => heap.alloc(13589)).toThrow(HeapCorruptionError);
    expect(() => heap.alloc(13589)).toThrow(HeapCorruptionError);
    expect(() => heap.check()).toThrow(HeapCorruptionError);
  });
});
