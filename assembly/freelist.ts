// TLSF free lists: size classes, the two-level bitmaps, link / unlink / search, all O(1).
// Which class a size falls in and how the bitmaps mirror the lists: see layout.ts.
//
// The lists defend themselves (glibc's "safe unlinking"): before a block is unlinked, `listed`
// checks that its header says FREE and that its neighbours in the list point back at it; before a
// block is linked in front of a class's first block, `headOK` checks that first block. Callers run
// these checks before they change anything, so a damaged list fails the operation with E_CORRUPT
// and leaves the heap as it was.

import {
  Block, FREE, SL_BITS, SL_COUNT, SMALL_LIMIT, FL_SHIFT, FL_COUNT, ROOT, ROOT_SL_MAP, ROOT_HEADS, KIND_FREE,
  C_HEADER, C_LINK, C_BITMAP,
} from "./layout";
import { blockAt, isKind, inHeap, sizeOf, root, corrupt, msb } from "./block";

// ── Size classes ────────────────────────────────────────────────────────────────────────────────

/** The class (fl << SL_BITS | sl) a free block of `size` bytes is filed under. */
export function classOf(size: u32): u32 {
  if (size < SMALL_LIMIT) return size >> 3;
  const m = msb(size);
  return ((m - FL_SHIFT) << SL_BITS) | ((size >> (m - SL_BITS)) & (SL_COUNT - 1));
}

/**
 * The smallest class whose every block holds `size` bytes (TLSF rounds the request up); past the
 * last class (search finds nothing) when the rounded size does not fit in a u32.
 */
function searchClassOf(size: u32): u32 {
  if (size < SMALL_LIMIT) return size >> 3;
  const rounded = size + (1 << (msb(size) - SL_BITS)) - 1;
  return rounded < size ? FL_COUNT << SL_BITS : classOf(rounded);
}

// @ts-ignore: decorator
@inline export function headAt(cls: u32): u32 { return ROOT + ROOT_HEADS + (cls << 2); }
// @ts-ignore: decorator
@inline function slMapAt(fl: u32): u32 { return ROOT + ROOT_SL_MAP + (fl << 2); }

// ── Checks (read only) ──────────────────────────────────────────────────────────────────────────

/** True when `n` (a list neighbour read from b's links) is 0 or a free block whose link points back. */
function pointsBack(n: u32, back: u32, b: u32): bool {
  return !n || (inHeap(n) && isKind(n, KIND_FREE) && load<u32>(n + back) == b);
}

/**
 * True when b (in bounds) is a free block of class `cls` linked where its list says: its header
 * is FREE, its previous block (or the class head) and its next block point back at it.
 */
export function listed(b: u32, cls: u32): bool {
  const blk = blockAt(b);
  if (!(blk.info & FREE) || !isKind(b, KIND_FREE) || classOf(sizeOf(b)) != cls) return corrupt(b, C_HEADER);
  const prev = blk.prev;
  if (!(prev ? pointsBack(prev, offsetof<Block>("next"), b) : load<u32>(headAt(cls)) == b)) return corrupt(b, C_LINK);
  if (!pointsBack(blk.next, offsetof<Block>("prev"), b)) return corrupt(b, C_LINK);
  return true;
}

/**
 * True when a block can be linked in front of class `cls`: its first block is absent, is one of
 * `going1`/`going2` (blocks the caller unlinks first, whose successors `listed` vouched for), or
 * is a free block with no predecessor.
 */
export function headOK(cls: u32, going1: u32, going2: u32): bool {
  const h = load<u32>(headAt(cls));
  if (!h || h == going1 || h == going2) return true;
  if (inHeap(h) && isKind(h, KIND_FREE) && !blockAt(h).prev) return true;
  return corrupt(h, C_LINK);
}

// ── Changes (callers have run the checks) ───────────────────────────────────────────────────────

/** Files the free block `b` (header already written) at the head of class `cls`. */
export function link(b: u32, cls: u32): void {
  const h = headAt(cls);
  const head = load<u32>(h);
  const blk = blockAt(b);
  blk.prev = 0;
  blk.next = head;
  if (head) blockAt(head).prev = b;
  store<u32>(h, b);
  const fl = cls >> SL_BITS;
  const r = root();
  r.flMap |= 1 << fl;
  store<u32>(slMapAt(fl), load<u32>(slMapAt(fl)) | (1 << (cls & (SL_COUNT - 1))));
  r.freeBlocks++;
}

/** Unlinks the free block `b` from class `cls` (`listed(b, cls)` has passed). */
export function unlink(b: u32, cls: u32): void {
  const blk = blockAt(b);
  const prev = blk.prev;
  const next = blk.next;
  if (next) blockAt(next).prev = prev;
  if (prev) blockAt(prev).next = next;
  else {
    store<u32>(headAt(cls), next);
    if (!next) {
      const fl = cls >> SL_BITS;
      const sl = load<u32>(slMapAt(fl)) & ~(1 << (cls & (SL_COUNT - 1)));
      store<u32>(slMapAt(fl), sl);
      if (!sl) root().flMap &= ~(1 << fl);
    }
  }
  root().freeBlocks--;
}

/**
 * The first block of the first non-empty class whose every block holds `size` bytes, or 0 when
 * there is none. A bitmap bit whose list is empty is damage: 0 then, with E_CORRUPT recorded
 * (the caller tells the two apart by BITMAP_FAULT). The block is not yet checked: see `listed`.
 */
export function search(size: u32): u32 {
  const cls = searchClassOf(size);
  let fl = cls >> SL_BITS;
  if (fl >= FL_COUNT) return 0;
  let slMap = load<u32>(slMapAt(fl)) & (<u32>-1 << (cls & (SL_COUNT - 1)));
  if (!slMap) {
    const flMap = root().flMap & (<u32>-1 << (fl + 1));
    if (!flMap) return 0;
    fl = ctz<u32>(flMap);
    if (fl >= FL_COUNT) return corruptSearch(ROOT);
    slMap = load<u32>(slMapAt(fl));
    if (!slMap) return corruptSearch(slMapAt(fl));
  }
  const c = (fl << SL_BITS) | ctz<u32>(slMap);
  const b = load<u32>(headAt(c));
  if (!b || !inHeap(b)) return corruptSearch(headAt(c));
  return b;
}

/** search()'s answer when a bitmap and its list disagree: BITMAP_FAULT, with E_CORRUPT recorded. */
function corruptSearch(at: u32): u32 {
  corrupt(at, C_BITMAP);
  return BITMAP_FAULT;
}

/** Not an address (addresses are multiples of 8 from HEAP_START): search() found damage. */
// @ts-ignore: decorator
@inline export const BITMAP_FAULT: u32 = 1;
