// TLSF free lists: size classes, the two-level bitmaps, insert / remove / search, all O(1).
// Which class a size falls in and how the bitmaps mirror the lists: see layout.ts.

import {
  FREE, MIN_BLOCK, B_PREV, B_NEXT, SL_BITS, SL_COUNT, SMALL_LIMIT, FL_SHIFT, FL_COUNT, R_FL_MAP, R_SL_MAP, R_HEADS,
  ROOT, rootGet, rootSet, msb,
} from "./layout";

// ── Size classes ────────────────────────────────────────────────────────────────────────────────

/** The class (fl << SL_BITS | sl) a free block of `size` bytes is filed under. */
// @ts-ignore: decorator
@inline export function classOf(size: u32): u32 {
  if (size < SMALL_LIMIT) return size >> 3;
  const m = msb(size);
  return ((m - FL_SHIFT) << SL_BITS) | ((size >> (m - SL_BITS)) & (SL_COUNT - 1));
}

/** The smallest class whose every block holds `size` bytes (TLSF rounds the request up). */
// @ts-ignore: decorator
@inline function searchClassOf(size: u32): u32 {
  if (size < SMALL_LIMIT) return size >> 3;
  return classOf(size + (1 << (msb(size) - SL_BITS)) - 1);
}

// @ts-ignore: decorator
@inline export function headAt(cls: u32): u32 { return ROOT + R_HEADS + (cls << 2); }
// @ts-ignore: decorator
@inline function slMapAt(fl: u32): u32 { return ROOT + R_SL_MAP + (fl << 2); }

// ── Free lists ──────────────────────────────────────────────────────────────────────────────────

/** Files the free block `b` (header already written) at the head of its class list. */
export function insert(b: u32, size: u32): void {
  if (DEBUG) assert(size >= MIN_BLOCK && !(size & 7) && (load<u32>(b) & FREE), "insert: not a free block of a valid size");
  const cls = classOf(size);
  const h = headAt(cls);
  const head = load<u32>(h);
  store<u32>(b, 0, B_PREV);
  store<u32>(b, head, B_NEXT);
  store<u32>(head, b, B_PREV); // head 0: a harmless write to the null block (see layout.ts)
  store<u32>(h, b);
  // Setting bits that may already be set costs less than the branch it would take to skip them.
  const fl = cls >> SL_BITS;
  rootSet(R_FL_MAP, rootGet(R_FL_MAP) | (1 << fl));
  store<u32>(slMapAt(fl), load<u32>(slMapAt(fl)) | (1 << (cls & (SL_COUNT - 1))));
}

/** Unlinks the free block `b` of `size` bytes from its class list. */
export function remove(b: u32, size: u32): void {
  if (DEBUG) assert((load<u32>(b) & FREE) && (load<u32>(b) & ~7) == size, "remove: not a free block of that size");
  const cls = classOf(size);
  const prev = load<u32>(b, B_PREV);
  const next = load<u32>(b, B_NEXT);
  store<u32>(next, prev, B_PREV); // next 0: a harmless write to the null block
  store<u32>(select<u32>(prev + B_NEXT, headAt(cls), prev != 0), next);
  if (!(prev | next)) emptied(cls);
}

/** Clears the bitmap bits of class `cls`, whose list just became empty. */
export function emptied(cls: u32): void {
  const fl = cls >> SL_BITS;
  const sl = load<u32>(slMapAt(fl)) & ~(1 << (cls & (SL_COUNT - 1)));
  store<u32>(slMapAt(fl), sl);
  if (!sl) rootSet(R_FL_MAP, rootGet(R_FL_MAP) & ~(1 << fl));
}

/** A free block of at least `size` bytes, or 0: two bitmap scans, no list walk. */
export function search(size: u32): u32 {
  const cls = searchClassOf(size);
  let fl = cls >> SL_BITS;
  if (fl >= FL_COUNT) return 0;
  let slMap = load<u32>(slMapAt(fl)) & (<u32>-1 << (cls & (SL_COUNT - 1)));
  if (!slMap) {
    const flMap = rootGet(R_FL_MAP) & (<u32>-1 << (fl + 1));
    if (!flMap) return 0;
    fl = ctz<u32>(flMap);
    slMap = load<u32>(slMapAt(fl));
  }
  const b = load<u32>(headAt((fl << SL_BITS) | ctz<u32>(slMap)));
  if (DEBUG) assert((load<u32>(b) & ~7) >= size, "search: the class holds a block that is too small");
  return b;
}
