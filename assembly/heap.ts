// The general heap: blocks with boundary tags, immediate coalescing, growth. The free lists are in
// freelist.ts, the per-thread caches in cache.ts.
//
// Every entry point is O(1): no loop depends on the number of live or free blocks. Every change
// follows the same pattern: a read-only phase checks everything the change will touch (the block,
// its neighbours, the lists it leaves and joins: `canRelease`, `canSplit`, `listed`, `headOK`),
// then a write phase that cannot fail. Damage found by the first phase fails the call with
// E_CORRUPT and leaves the heap as it was.

import {
  FREE, LEFTFREE, TAGS, HEADER, GRANULE, MIN_BLOCK, MAX_REQUEST, MAX_ALIGN, SL_BITS, SMALL_LIMIT,
  OVERHEAD, CANARY, KIND_USER, KIND_FREE, KIND_STALE, KIND_CACHED, KIND_COUNT,
  OK, E_OOM, E_NOT_A_BLOCK, E_DOUBLE_FREE, E_KIND, E_RANGE, E_ARGUMENT, E_CORRUPT,
  C_HEADER, C_NEIGHBOUR, C_LINK, C_POISON, POISON32, CACHE_REALTIME,
} from "./layout";
import {
  heapStart, blockAt, sizeOf, kindOf, isKind, tagOf, setHeader, inHeap, tailOf, root, fault,
  corrupt, maxPages, msb, current, cacheAt,
} from "./block";
import { classOf, listed, headOK, link, unlink, search, BITMAP_FAULT } from "./freelist";
import { poison, poisonIntact, writeCanary, canaryIntact, writeTrailer, dropTrailer } from "./debug";
import { flushAll } from "./cache";
import { catchUp } from "./lock";

// ── Sizes and counters ──────────────────────────────────────────────────────────────────────────

/** Block size for a request of `size` bytes: header, canary or trailer, rounded to the granule. */
// @ts-ignore: decorator
@inline export function blockSizeFor(size: u32): u32 {
  const need = (size + OVERHEAD + GRANULE - 1) & ~(GRANULE - 1);
  return need < MIN_BLOCK ? MIN_BLOCK : need;
}

/** `bytes` in `blocks` blocks left the free lists. */
export function addUsed(bytes: u32, blocks: u32): void {
  const r = root();
  const used = r.usedBytes + bytes;
  r.usedBytes = used;
  r.liveBlocks += blocks;
  if (used > r.peakUsedBytes) r.peakUsedBytes = used;
}

/** `bytes` in `blocks` blocks went back to the free lists. */
export function subUsed(bytes: u32, blocks: u32): void {
  const r = root();
  r.usedBytes -= bytes;
  r.liveBlocks -= blocks;
}

/**
 * Writes the back word of the free block b (`size` bytes). Debug build: the word before it may
 * be the first half of a STALE header whose second half this overwrites; it becomes poison again.
 */
function setBack(b: u32, size: u32): void {
  store<u32>(b + size - 4, b);
  if (DEBUG) store<u32>(b + size - 8, POISON32);
}

/** A held (not free, not merged away) header: what may sit next to a block being freed or taken. */
function heldHeader(b: u32): bool {
  const k = kindOf(b);
  return k != KIND_FREE && k != KIND_STALE && k < KIND_COUNT && !(blockAt(b).info & FREE);
}

// ── Returning a block to the free lists ─────────────────────────────────────────────────────────

// What canRelease decided to merge with (0: nothing), for doRelease.
let mergeLeft: u32 = 0;
let mergeRight: u32 = 0;

/**
 * True when the block at b (`size` bytes, info word `info`, whether or not it is written yet) can
 * go back to the free lists: its right neighbour is a sound header (a listed free block, to be
 * merged, or a held one), its left neighbour (when LEFTFREE says it is free) is a listed free
 * block that ends at b, and the list the merged block joins is sound. Reads only.
 */
export function canRelease(b: u32, size: u32, info: u32): bool {
  mergeLeft = 0;
  mergeRight = 0;
  const right = b + size;
  if (!inHeap(right)) return corrupt(b, C_HEADER);
  let total = size;
  if (isKind(right, KIND_FREE)) {
    const rsize = sizeOf(right);
    const after = right + rsize;
    if (!listed(right, classOf(rsize))) return false;
    if (!inHeap(after) || !heldHeader(after)) return corrupt(after, C_NEIGHBOUR);
    mergeRight = right;
    total += rsize;
  } else if (!heldHeader(right)) {
    return corrupt(right, C_NEIGHBOUR);
  }
  if (info & LEFTFREE) {
    const left = load<u32>(b - 4);
    if (left >= b || !inHeap(left) || left + sizeOf(left) != b || (blockAt(left).info & LEFTFREE)) {
      return corrupt(b, C_NEIGHBOUR);
    }
    if (!listed(left, classOf(b - left))) return false;
    mergeLeft = left;
    total += b - left;
  }
  return headOK(classOf(total), mergeLeft, mergeRight);
}

/** Returns the block at b to the free lists, merged as canRelease (just called) planned. */
export function doRelease(b: u32, size: u32, info: u32): void {
  let start = b;
  let total = size;
  let tags = info & LEFTFREE;
  const right = mergeRight;
  if (right) {
    const rsize = sizeOf(right);
    unlink(right, classOf(rsize));
    blockAt(right).tag = tagOf(right, rsize, KIND_STALE);
    total += rsize;
  }
  const left = mergeLeft;
  if (left) {
    const lsize = b - left;
    unlink(left, classOf(lsize));
    // The header left behind says STALE: freeing b again is reported as a double free.
    blockAt(b).tag = tagOf(b, size, KIND_STALE);
    start = left;
    total += lsize;
    tags = 0;
  }
  if (DEBUG) {
    // Everything but the merged block's header, links and back word becomes poison, except the
    // STALE headers left inside it: freeing them again must still say "double free".
    if (start == b) poison(b + 16, b + size);
    else {
      poison(b - 4, b);
      poison(b + 8, b + size);
    }
    if (right) poison(right + 8, right + 16);
  }
  setHeader(start, total, FREE | tags, KIND_FREE);
  setBack(start, total);
  blockAt(start + total).info |= LEFTFREE;
  link(start, classOf(total));
}

// ── Taking blocks from the free lists ───────────────────────────────────────────────────────────

/**
 * True when the first `used` bytes of the listed free block b (`bsize` bytes) can be taken: the
 * rest can be filed (its class's list is sound) or, too small to be a block, joins the taken part
 * and the header after it is sound. Debug build: the block's poison is intact (else it is
 * restored: a use after free is reported once, and the heap goes on).
 */
export function canSplit(b: u32, bsize: u32, used: u32): bool {
  if (DEBUG) {
    const bad = poisonIntact(b, bsize);
    if (bad) {
      poison(b + 16, b + bsize - 4);
      fault(E_CORRUPT, b + HEADER, C_POISON | ((bad - b - HEADER) << 8));
      return false;
    }
  }
  const rest = bsize - used;
  if (rest >= MIN_BLOCK) return headOK(classOf(rest), b, 0);
  const after = b + bsize;
  return inHeap(after) && heldHeader(after) ? true : corrupt(after, C_NEIGHBOUR);
}

/**
 * Unlinks b (`bsize` bytes) and files what is left after its first `used` bytes as a free block;
 * returns the bytes taken (`used`, or all of b when the rest is too small to be a block). The
 * caller writes the taken block's header (b's LEFTFREE bit is still in its info word).
 */
export function split(b: u32, bsize: u32, used: u32): u32 {
  unlink(b, classOf(bsize));
  const rest = bsize - used;
  if (rest >= MIN_BLOCK) {
    const r = b + used;
    setHeader(r, rest, FREE, KIND_FREE);
    setBack(r, rest);
    link(r, classOf(rest));
    return used;
  }
  blockAt(b + bsize).info &= ~LEFTFREE;
  return bsize;
}

/** Makes the taken block at b (`size` bytes) a held block of `kind`; returns its user pointer. */
function hold(b: u32, size: u32, tags: u32, kind: u32): u32 {
  setHeader(b, size, tags, kind);
  addUsed(size, 1);
  if (DEBUG) writeCanary(b, size);
  if (PROFILE) writeTrailer(b, size, kind);
  return b + HEADER;
}

/**
 * A listed free block of at least `need` bytes, or 0: out of memory (E_OOM recorded) or damage
 * (E_CORRUPT recorded). Before growing memory, the caller's own cache is flushed: blocks parked
 * there may merge into what is needed. Not when `flushFirst` is false (prefill), nor for a
 * realtime cache: its bins are its reserve for the times it cannot get the lock.
 */
export function find(need: u32, flushFirst: bool = true): u32 {
  let b = search(need);
  if (!b) {
    if (SHARED && current() && (cacheAt(current()).flags & CACHE_REALTIME)) flushFirst = false;
    if (flushFirst && flushAll()) return 0;
    if (flushFirst) b = search(need);
    if (!b) {
      if (!grow(need)) return 0;
      b = search(need);
    }
  }
  if (b == BITMAP_FAULT) return 0;
  // `listed` vouches for b in the list of its own size: a free block's address written into the
  // head of a larger class (a stray write) passes it, so its size is checked against the need too.
  const size = sizeOf(b);
  if (!listed(b, classOf(size))) return 0;
  return size >= need ? b : <u32>corrupt(b, C_LINK);
}

/** Allocates a block of `need` bytes (a block size) of `kind`; 0 when it fails (fault recorded). */
export function allocBlock(need: u32, kind: u32): u32 {
  const b = find(need);
  if (!b) return 0;
  const bsize = sizeOf(b);
  if (!canSplit(b, bsize, need)) return 0;
  const tags = blockAt(b).info & LEFTFREE;
  return hold(b, split(b, bsize, need), tags, kind);
}

/**
 * Allocates a block of `need` bytes whose user pointer is a multiple of `align` (a power of two
 * from 16 to MAX_ALIGN). The block is placed as high in a free block as alignment allows: the
 * part in front (≥ MIN_BLOCK) stays free, and only the gap behind it (< align) may be split off.
 */
export function allocAligned(need: u32, align: u32, kind: u32): u32 {
  const room = need + MIN_BLOCK + align - GRANULE;
  if (room < need) { // wrapped past 4 GiB: larger than any memory
    fault(E_OOM, 0, need);
    return 0;
  }
  const b = find(room);
  if (!b) return 0;
  const bsize = sizeOf(b);
  const u = (b + bsize - need + HEADER) & ~(align - 1);
  const at = u - HEADER;
  const lead = at - b;
  const part = bsize - lead;
  if (!canSplit(at, part, need) || !headOK(classOf(lead), b, 0)) return 0;
  const info = blockAt(b).info;
  unlink(b, classOf(bsize));
  setHeader(b, lead, FREE | (info & LEFTFREE), KIND_FREE);
  setBack(b, lead);
  link(b, classOf(lead));
  const rest = part - need;
  let size = part;
  if (rest >= MIN_BLOCK) {
    const r = at + need;
    setHeader(r, rest, FREE, KIND_FREE);
    setBack(r, rest);
    link(r, classOf(rest));
    size = need;
  } else {
    blockAt(b + bsize).info &= ~LEFTFREE;
  }
  return hold(at, size, LEFTFREE, kind);
}

// ── Growth ──────────────────────────────────────────────────────────────────────────────────────

/**
 * Grows memory so that a block of `need` bytes can be found; false when the page limit or the
 * engine forbids it (E_OOM recorded) or the heap's end is damaged (E_CORRUPT recorded).
 */
function grow(need: u32): bool {
  const tail = tailOf();
  const tailInfo = blockAt(tail).info;
  if (!isKind(tail, KIND_USER) || (tailInfo & ~LEFTFREE)) return corrupt(tail, C_HEADER);
  // Room for the block, the class round-up of search(need) and the new tail sentinel; at least
  // 1/8 of the heap (fewer growth events, footprint within 1.125×).
  const cur = <u32>memory.size();
  const round: u32 = need >= SMALL_LIMIT ? 1 << (msb(need) - SL_BITS) : 0;
  const needed = <u32>((<u64>tail + need + round + 2 * HEADER + 0xFFFF) >> 16) - cur;
  const limit = maxPages();
  if (<u64>cur + needed > limit) {
    fault(E_OOM, 0, need);
    return false;
  }
  let add = max<u32>(needed, cur >> 3);
  if (cur + add > limit) add = limit - cur;
  if (memory.grow(add) < 0) {
    fault(E_OOM, 0, need);
    return false;
  }
  const newTail = tailOf();
  setHeader(newTail, 0, 0, KIND_USER);
  const size = newTail - tail;
  setHeader(tail, size, tailInfo, KIND_USER);
  root().generation++;
  if (!canRelease(tail, size, tailInfo)) return false; // the new space stays a held block: lost, never reused
  doRelease(tail, size, tailInfo);
  return true;
}

// ── Checking user pointers ──────────────────────────────────────────────────────────────────────

/**
 * OK when u is the user pointer of a held block of `kind` (debug build: with its canary intact);
 * else the status code, recorded: out of range, not a block, already free, another kind.
 */
export function validate(u: u32, kind: u32): u32 {
  const b = u - HEADER;
  if ((u & (GRANULE - 1)) || u < heapStart() + HEADER) return fault(E_RANGE, u, 0);
  if (b >= tailOf()) {
    // Shared: another thread may have grown the heap (and handed us a block in the new memory)
    // before this instance saw the new size.
    catchUp();
    if (b >= tailOf()) return fault(E_RANGE, u, 0);
  }
  const k = kindOf(b);
  if (k == kind && !(blockAt(b).info & FREE)) {
    if (DEBUG && !canaryIntact(b, sizeOf(b))) return E_CORRUPT;
    return OK;
  }
  if (k >= KIND_COUNT) return fault(E_NOT_A_BLOCK, u, 0);
  if (k == KIND_FREE || k == KIND_STALE || k == KIND_CACHED) return fault(E_DOUBLE_FREE, u, k);
  return fault(k == kind ? E_CORRUPT : E_KIND, u, k);
}

/** Frees the held block at b (validated) back to the free lists; OK or E_CORRUPT. */
export function freeBlock(b: u32): u32 {
  const info = blockAt(b).info;
  const size = info & ~TAGS;
  if (!canRelease(b, size, info)) return E_CORRUPT;
  if (PROFILE) dropTrailer(b, size);
  subUsed(size, 1);
  doRelease(b, size, info);
  return OK;
}

// ── Resizing ────────────────────────────────────────────────────────────────────────────────────

/**
 * Resizes the held block at b to `need` bytes (a block size) keeping its user pointer aligned to
 * `align`: in place when it shrinks or when the free right neighbour has room, else by moving
 * (contents copied). Returns the user pointer, or 0 (fault recorded; the block is unchanged).
 */
export function resize(b: u32, need: u32, align: u32, size: u32): u32 {
  const u = b + HEADER;
  const info = blockAt(b).info;
  const cur = info & ~TAGS;
  if (!(u & (align - 1))) {
    // Profile build: a resize counts as a free of the old block and an allocation of the new
    // one, which carries the caller's current tag and a new serial (in place or moved).
    if (need <= cur) {
      const rest = cur - need;
      if (rest >= MIN_BLOCK) {
        if (!canRelease(b + need, rest, 0)) return 0;
        if (PROFILE) dropTrailer(b, cur);
        setHeader(b, need, info & LEFTFREE, KIND_USER);
        subUsed(rest, 0);
        doRelease(b + need, rest, 0);
        if (DEBUG) writeCanary(b, need);
        if (PROFILE) writeTrailer(b, need, KIND_USER);
      } else if (PROFILE) {
        dropTrailer(b, cur);
        writeTrailer(b, cur, KIND_USER);
      }
      return u;
    }
    const right = b + cur;
    if (isKind(right, KIND_FREE) && (blockAt(right).info & FREE)) {
      const rsize = sizeOf(right);
      const total = cur + rsize;
      if (total >= need) {
        if (!listed(right, classOf(rsize)) || !canSplit(right, rsize, need - cur)) return 0;
        if (PROFILE) dropTrailer(b, cur);
        blockAt(right).tag = tagOf(right, rsize, KIND_STALE);
        const taken = split(right, rsize, need - cur);
        setHeader(b, cur + taken, info & LEFTFREE, KIND_USER);
        addUsed(taken, 0);
        if (DEBUG) writeCanary(b, cur + taken);
        if (PROFILE) writeTrailer(b, cur + taken, KIND_USER);
        return u;
      }
    }
  }
  // Move: check that the old block can be freed before taking the new one.
  if (!canRelease(b, cur, info)) return 0;
  const nu = align > GRANULE ? allocAligned(need, align, KIND_USER) : allocBlock(need, KIND_USER);
  if (!nu) return 0;
  memory.copy(nu, u, min<u32>(cur - OVERHEAD, size));
  // Taking the new block may have changed the old one's neighbours: plan again.
  const now = blockAt(b).info;
  if (!canRelease(b, cur, now)) {
    freeBlock(nu - HEADER);
    return 0;
  }
  if (PROFILE) dropTrailer(b, cur);
  subUsed(cur, 1);
  doRelease(b, cur, now);
  return nu;
}

/** Checks an allocation request; OK, or E_ARGUMENT / E_OOM recorded. */
export function checkRequest(size: u32, align: u32): u32 {
  if (align > GRANULE && ((align & (align - 1)) || align > MAX_ALIGN)) return fault(E_ARGUMENT, 0, align);
  if (size > MAX_REQUEST) return fault(E_OOM, 0, size);
  return OK;
}

/** Bytes the user may use in the held block at b. */
// @ts-ignore: decorator
@inline export function usable(b: u32): u32 { return sizeOf(b) - OVERHEAD; }
