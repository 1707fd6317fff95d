// Turns a status code from the wasm module (plus the details it left in the caller's cache) into
// a typed error whose message names the call, the value and what was wrong.

import * as L from './layout.js';
import { HeapCorruptionError, HeapError, InvalidPointerError, OutOfMemoryError } from './errors.js';

export const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

const KIND_NAMES = ['a heap block', 'free', 'merged into its neighbour', 'cached', "a heap object's cache",
  'an arena (free it with arena.dispose())', "a pool's header (use pool.dispose())", "a pool's stack",
  "a pool's slab (free pool blocks with pool.free())", 'a ring buffer (use ring.dispose())', "the profiler's tables"];

/** What kind of block a KIND_* code names, in words. */
export const kindName = (k: number): string => KIND_NAMES[k] ?? `of unknown kind ${k}`;

/** Words for a C_* detail of E_CORRUPT. */
export function corruptionDetail(info: number): string {
  const at = info >>> 8;
  switch (info & 0xff) {
    case L.C_HEADER: return 'a block header does not match its check word (overwritten)';
    case L.C_NEIGHBOUR: return "a neighbouring block's header or boundary tag is damaged (did a write run past the end of a block?)";
    case L.C_LINK: return "a free block's list links are damaged (a write into freed memory?)";
    case L.C_BITMAP: return "the free lists' bitmaps disagree with the lists (the root was overwritten)";
    case L.C_ROOT: return "the heap's root (control block) is damaged";
    case L.C_CACHE: return 'a cache entry is not a cached block of its size (a write into freed memory?)';
    case L.C_CANARY: return `write past the end of the block: its canary at +${at} was overwritten`;
    case L.C_POISON: return `use after free: the free block was written at +${at} after it was freed`;
    case L.C_LOCK: return "the heap's lock word is damaged (it holds no lock state)";
    default: return `damage of kind ${info}`;
  }
}

/** The error for `call` (e.g. "free(0x1230)") that failed with status `code` and the fault details. */
export function errorFor(call: string, code: number, addr: number, info: number): Error {
  const at = hex(addr);
  switch (code) {
    case L.E_RANGE:
      return new InvalidPointerError(
        `${call}: ${at} is not a pointer of this heap (out of its range or not 8-byte aligned)`, addr);
    case L.E_NOT_A_BLOCK:
      return new InvalidPointerError(
        `${call}: no live block starts at ${at} (an interior pointer, a pointer from another heap, ` +
          `a block freed and reused since, or a header overwritten by a stray write)`, addr);
    case L.E_DOUBLE_FREE:
      return new InvalidPointerError(`${call}: double free: the block at ${at} is already free`, addr);
    case L.E_KIND:
      return new InvalidPointerError(`${call}: the block at ${at} is ${kindName(info)}, not a block this call takes`, addr);
    case L.E_ARGUMENT:
      return new RangeError(`${call}: invalid argument ${info}`);
    case L.E_OOM:
      return new OutOfMemoryError(`${call}: out of memory`);
    case L.E_BUSY:
      if (info === L.C_LOCK) {
        return new HeapError(
          `${call}: the heap's lock was held by another thread for longer than this Heap object's lockTimeoutMs, with no unlock ` +
            'by anyone: a thread probably stopped inside a heap call (a Worker terminated while it allocated?); the heap cannot be used safely any more');
      }
      return new OutOfMemoryError(`${call}: the heap is busy (another thread holds its lock) and this realtime heap never waits; try again later`);
    case L.E_CORRUPT:
      return new HeapCorruptionError(`${call}: heap corruption at ${at}: ${corruptionDetail(info)}; nothing was changed`, addr);
    default:
      return new HeapCorruptionError(`${call}: unexpected status ${code} at ${at}`, addr);
  }
}
