// Turns a status code from the wasm module (plus the fault details it left in the control
// block) into a typed error whose message names the call, the value and what was wrong.

import * as abi from './abi.js';
import { HeapCorruptionError, InvalidPointerError, OutOfMemoryError } from './errors.js';

export const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

/** Details the module recorded with the fault. */
export interface Fault {
  code: number;
  addr: number;
  info: number;
}

/** The error for `call` (e.g. "free(0x1230)") that failed with `fault`. */
export function errorFor(call: string, f: Fault): Error {
  const at = hex(f.addr);
  switch (f.code) {
    case abi.E_RANGE:
      return new InvalidPointerError(
        `${call}: ${at} is not a pointer of this heap (out of its range or not 8-byte aligned)`, f.addr);
    case abi.E_NOT_A_BLOCK:
      return new InvalidPointerError(
        `${call}: no live block starts at ${at} (an interior pointer, a pointer from another heap, ` +
          `a block freed and reused since, or a header overwritten by a stray write)`, f.addr);
    case abi.E_DOUBLE_FREE:
      return new InvalidPointerError(`${call}: double free: the block at ${at} is already free`, f.addr);
    case abi.E_NEIGHBOUR:
      return new HeapCorruptionError(
        `${call}: the block next to ${at} has a damaged header at ${hex(f.info)} ` +
          `(did a write run past the end of ${at}, or before it?); nothing was changed`, f.addr);
    case abi.E_CANARY:
      return new HeapCorruptionError(
        `${call}: write past the end of the block at ${at}: its canary at +${f.info} was overwritten`, f.addr);
    case abi.E_POISON:
      return new HeapCorruptionError(
        `${call}: use after free: the free block at ${at} was written at +${f.info} after it was freed`, f.addr);
    case abi.E_ARGUMENT:
      return new RangeError(`${call}: invalid argument (${f.info})`);
    case abi.E_OOM:
      return new OutOfMemoryError(`${call}: out of memory`);
    default:
      return new HeapCorruptionError(`${call}: ${describeCheck(f)}`, f.addr);
  }
}

/** What check() found, in words. */
function describeCheck(f: Fault): string {
  const at = hex(f.addr);
  switch (f.code) {
    case abi.C_ROOT: return `the control block is damaged or the heap end ${at} does not match memory`;
    case abi.C_BAD_CHECK: return `block at ${at}: header check word does not match (header overwritten)`;
    case abi.C_BAD_SIZE: return `block at ${at}: impossible size ${f.info}`;
    case abi.C_LEFTFREE: return `block at ${at}: its LEFTFREE tag disagrees with its left neighbour`;
    case abi.C_ADJACENT_FREE: return `block at ${at}: two adjacent free blocks (missed coalescing)`;
    case abi.C_BACK: return `free block at ${at}: back word holds ${hex(f.info)}, not its own address`;
    case abi.C_TAIL: return `the walk ended at ${at}, not at the tail sentinel ${hex(f.info)}`;
    case abi.C_LIST: return `free list ${f.info}: entry ${at} is not a free block of that class, or the lists and the walk disagree`;
    case abi.C_BITMAP: return `bitmap for list/level ${f.addr} disagrees with its list (${hex(f.info)})`;
    case abi.C_COUNTS: return `running totals disagree with the walk (${f.addr} used bytes, ${f.info} live blocks)`;
    default: return `unknown fault ${f.code} at ${at}`;
  }
}

