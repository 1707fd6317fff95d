// The profiler's heap walk: every block in address order, bounded and read-only, like check()'s.

import * as L from '../layout.js';
import { kindAt, rootWord } from '../inspect.js';

export { rootWord };

/**
 * True for the kind of a block the program holds: not free, not parked in a cache, not the
 * header of a block merged into a free neighbour (STALE: those stay behind inside free blocks),
 * and a kind at all.
 */
export const isHeld = (kind: number): boolean =>
  kind !== L.KIND_FREE && kind !== L.KIND_CACHED && kind !== L.KIND_STALE && kind < L.KIND_COUNT;

/**
 * Calls `visit(b, size, kind)` for every block from the first to the tail sentinel, in address
 * order, and returns where it stopped: the tail sentinel's address when it went through, else the
 * first header that does not check out (damage: heap.check() says what). Every step moves at
 * least MIN_BLOCK bytes forward, so a walk takes at most heap bytes / MIN_BLOCK steps.
 */
export function walkBlocks(m: Uint32Array, secret: number, visit: (b: number, size: number, kind: number) => void): number {
  const tail = m.byteLength - L.HEADER;
  let b = m[rootWord(L.ROOT_HEAP_START)];
  if (b < L.MEMORY_BASE || b & 7) return b;
  while (b < tail) {
    const size = (m[b >>> 2] & ~L.TAGS) >>> 0;
    const kind = kindAt(m, b, secret);
    if (kind === L.KIND_COUNT || kind === L.KIND_STALE || size < L.MIN_BLOCK || size > tail - b) return b;
    visit(b, size, kind);
    b += size;
  }
  return b;
}

/** The tag id in the trailer of the held block b of `size` bytes. */
export const trailerTag = (m: Uint32Array, b: number, size: number): number => m[(b + size - L.TRAILER_BYTES) >>> 2];
/** The serial number in the trailer of the held block b of `size` bytes. */
export const trailerSerial = (m: Uint32Array, b: number, size: number): number => m[(b + size - L.TRAILER_BYTES + 4) >>> 2];

/** True when a held block starts at user pointer `u` and its trailer carries `serial` (a call-site sample is current). */
export function carries(m: Uint32Array, secret: number, u: number, serial: number): boolean {
  const b = u - L.HEADER;
  if (b < L.MEMORY_BASE || u >= m.byteLength || b & 7) return false;
  const size = (m[b >>> 2] & ~L.TAGS) >>> 0;
  return size >= L.MIN_BLOCK && size <= m.byteLength - b && isHeld(kindAt(m, b, secret)) && trailerSerial(m, b, size) === serial;
}
