// The hardening rules of the heap, one per test, in the release and the debug build: requests no
// heap can hold, read-only inspection, bounded walks, damaged roots and arenas, attaching to a
// damaged memory, and reserve in payload terms. (The stray-write fuzzer, test/stray.test.ts,
// checks the same rules at random.)
import { describe, expect, it } from 'vitest';
import { Heap, OutOfMemoryError } from '../src/index.js';

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
});
