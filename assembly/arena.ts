// Bump arenas: a region carved from the heap as one block, handed out by moving a cursor.
// alloc is a few instructions; mark/reset roll the cursor back; dispose frees the block.
// All arena state lives in the region's first 16 bytes, in linear memory.
//
//  arena handle a (a user pointer of the heap)
//   ▼
//   ┌────────┬────────┬────────┬────────┬──────────────────────────────────────┬─────────┐
//   │ cursor │  end   │  base  │  tag   │ base … cursor: handed out │ free … end │ (block) │
//   └────────┴────────┴────────┴────────┴──────────────────────────────────────┴─────────┘
//   a+0      a+4      a+8      a+12     a+16 = base
//   tag = a ^ secret ^ ARENA_TAG: the JS side never passes a handle that is not an arena.

import { HEADER, CANARY, E_ARGUMENT, OK, R_SECRET, rootGet, sizeOf, fault } from "./layout";
import { alloc } from "./heap";

// @ts-ignore: decorator
@inline const A_CURSOR: u32 = 0;
// @ts-ignore: decorator
@inline const A_END: u32 = 4;
// @ts-ignore: decorator
@inline const A_BASE: u32 = 8;
// @ts-ignore: decorator
@inline const A_TAG: u32 = 12;
// @ts-ignore: decorator
@inline export const ARENA_HEADER: u32 = 16;
// @ts-ignore: decorator
@inline const ARENA_TAG: u32 = 0xA4E4A000;

/** Creates an arena of at least `bytes` bytes; returns its handle, or 0 (see faultCode). */
export function arenaCreate(bytes: u32): u32 {
  // No range check needed: `end` comes from the block actually allocated.
  const a = alloc(bytes + ARENA_HEADER, 16);
  if (!a) return 0;
  const base = a + ARENA_HEADER;
  store<u32>(a, base, A_CURSOR);
  store<u32>(a, a - HEADER + sizeOf(a - HEADER) - CANARY, A_END);
  store<u32>(a, base, A_BASE);
  store<u32>(a, a ^ rootGet(R_SECRET) ^ ARENA_TAG, A_TAG);
  return a;
}

/** Bumps the cursor of arena `a` by `size` bytes aligned to `align`; 0 when the arena is full. */
export function arenaAlloc(a: u32, size: u32, align: u32): u32 {
  const cur = load<u32>(a, A_CURSOR);
  const p = (cur + align - 1) & ~(align - 1);
  const end = p + size;
  if (end > load<u32>(a, A_END) || end < p || p < cur) return 0;
  store<u32>(a, end, A_CURSOR);
  return p;
}

/** Rolls the cursor of arena `a` back to `mark` (0: to the start); E_ARGUMENT for a bad mark. */
export function arenaReset(a: u32, mark: u32): u32 {
  const base = load<u32>(a, A_BASE);
  if (mark == 0) mark = base;
  if (mark < base || mark > load<u32>(a, A_CURSOR)) return fault(E_ARGUMENT, a, mark);
  store<u32>(a, mark, A_CURSOR);
  return OK;
}

/** True when `a` is the handle of a live arena of this heap. */
export function arenaValid(a: u32): bool {
  return load<u32>(a, A_TAG) == (a ^ rootGet(R_SECRET) ^ ARENA_TAG);
}
