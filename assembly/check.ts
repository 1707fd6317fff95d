// The heap walk: verifies every invariant the allocator relies on, in O(heap) time.
// Tests call it after every operation (like emmalloc's emmalloc_validate_memory_regions()).
// Returns OK, or a fault code with the block it concerns in faultAddr (see layout.ts).

import {
  FREE, LEFTFREE, TAGS, HEADER, GRANULE, MIN_BLOCK, B_PREV, B_NEXT, SL_BITS, SL_COUNT, FL_COUNT,
  R_MAGIC, R_MAGIC_VALUE, R_HEAP_START, R_TAIL, R_USED, R_PEAK, R_LIVE, R_FL_MAP, R_SL_MAP, R_HEADS, ROOT, OK, E_POISON,
  C_BAD_CHECK, C_BAD_SIZE, C_LEFTFREE, C_ADJACENT_FREE, C_BACK, C_TAIL, C_LIST, C_BITMAP,
  C_COUNTS, C_ROOT, rootGet, infoOf, sizeOf, setInfo, headerValid, fault,
} from "./layout";
import { classOf } from "./freelist";
import { firstPoisonFault, canaryValid } from "./debug";

/** Bit 2 of a header is never set outside check(): it marks free blocks the walk has seen. */
// @ts-ignore: decorator
@inline const SEEN: u32 = 4;

export function check(): u32 {
  const code = walk();
  // A fault part-way through can leave SEEN marks behind; clear them so the heap stays usable.
  if (code) unmark();
  return code;
}

function walk(): u32 {
  const start = rootGet(R_HEAP_START);
  const tail = rootGet(R_TAIL);
  if (
    rootGet(R_MAGIC) != R_MAGIC_VALUE || <u64>tail + HEADER != <u64>memory.size() << 16 ||
    start > tail || (start & (GRANULE - 1))
  ) return fault(C_ROOT, tail, 0);

  // 1. Walk the blocks in address order.
  let usedBytes: u32 = 0, liveBlocks: u32 = 0, freeBytes: u32 = 0, freeBlocks: u32 = 0;
  let leftFree = false;
  let b = start;
  while (b < tail) {
    if (!headerValid(b)) return fault(C_BAD_CHECK, b, 0);
    const info = infoOf(b);
    const size = info & ~TAGS;
    if (size < MIN_BLOCK || (info & SEEN) || size > tail - b) return fault(C_BAD_SIZE, b, size);
    if (((info & LEFTFREE) != 0) != leftFree) return fault(C_LEFTFREE, b, info);
    if (info & FREE) {
      if (leftFree) return fault(C_ADJACENT_FREE, b, 0);
      if (load<u32>(b + size - 4) != b) return fault(C_BACK, b, load<u32>(b + size - 4));
      if (DEBUG) {
        const bad = firstPoisonFault(b + 16, b + size - 4);
        if (bad) return fault(E_POISON, b + HEADER, bad - b - HEADER);
      }
      setInfo(b, info | SEEN);
      freeBytes += size;
      freeBlocks++;
    } else {
      if (DEBUG) {
        const c = canaryValid(b, size);
        if (c) return c;
      }
      usedBytes += size;
      liveBlocks++;
    }
    leftFree = (info & FREE) != 0;
    b += size;
  }
  if (b != tail || !headerValid(tail) || infoOf(tail) != (leftFree ? LEFTFREE : 0)) {
    return fault(C_TAIL, b, tail);
  }

  // 2. Every list entry must be a free block the walk saw, in the right class, linked both ways;
  //    every bitmap bit must say whether its list is empty. SEEN is cleared as entries are met,
  //    so a block listed twice (or a stale header) is caught.
  const flMap = rootGet(R_FL_MAP);
  let listed: u32 = 0;
  for (let fl: u32 = 0; fl < FL_COUNT; fl++) {
    const slMap = load<u32>(ROOT + R_SL_MAP + (fl << 2));
    if ((slMap != 0) != (((flMap >> fl) & 1) != 0)) return fault(C_BITMAP, fl, slMap);
    for (let sl: u32 = 0; sl < SL_COUNT; sl++) {
      const cls = (fl << SL_BITS) | sl;
      let n = load<u32>(ROOT + R_HEADS + (cls << 2));
      if ((n != 0) != (((slMap >> sl) & 1) != 0)) return fault(C_BITMAP, cls, n);
      let prev: u32 = 0;
      while (n) {
        if (
          listed >= freeBlocks || n < start || n >= tail || (n & (GRANULE - 1)) ||
          (infoOf(n) & (FREE | SEEN)) != (FREE | SEEN) || classOf(sizeOf(n)) != cls ||
          load<u32>(n, B_PREV) != prev
        ) return fault(C_LIST, n, cls);
        setInfo(n, infoOf(n) & ~SEEN);
        listed++;
        prev = n;
        n = load<u32>(n, B_NEXT);
      }
    }
  }
  if (listed != freeBlocks) return fault(C_LIST, 0, listed);

  // 3. The running totals agree with the walk.
  if (
    usedBytes != rootGet(R_USED) || liveBlocks != rootGet(R_LIVE) ||
    rootGet(R_PEAK) < usedBytes || usedBytes + freeBytes != tail - start
  ) return fault(C_COUNTS, usedBytes, liveBlocks);
  return OK;
}

/** Clears every SEEN mark (the walk stops at the first unreadable header). */
function unmark(): void {
  const tail = rootGet(R_TAIL);
  let b = rootGet(R_HEAP_START);
  while (b < tail) {
    const info = infoOf(b);
    const size = info & ~TAGS;
    if (info & SEEN) setInfo(b, info & ~SEEN);
    if (size < MIN_BLOCK || size > tail - b) break;
    b += size;
  }
}
