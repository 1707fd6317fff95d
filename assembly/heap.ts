// The general heap: blocks with boundary tags, immediate coalescing, growth; the free lists are
// in freelist.ts.
// Every public entry point is O(1): no loop depends on the number of live or free blocks.
// Layout, size classes and status codes: see layout.ts.

import {
  FREE, LEFTFREE, TAGS, HEADER, GRANULE, MIN_BLOCK, B_PREV, B_NEXT, MAX_REQUEST, MAX_ALIGN,
  SL_BITS, SMALL_LIMIT, EXACT_LIMIT, CANARY,
  R_MAGIC, R_MAGIC_VALUE, R_SECRET, R_HEAP_START, R_TAIL, R_MAX_PAGES, R_USED, R_PEAK, R_LIVE,
  R_GENERATION, R_FLAGS, ROOT, ROOT_SIZE,
  OK, E_NOT_A_BLOCK, E_DOUBLE_FREE, E_NEIGHBOUR, E_RANGE, E_ARGUMENT, E_POISON,
  rootGet, rootSet, infoOf, sizeOf, setInfo, setHeader, headerValid, msb, fault,
} from "./layout";
import { poison, firstPoisonFault, writeCanary, canaryValid } from "./debug";
import { insert, remove, search, emptied, headAt } from "./freelist";

// ── Block sizes ──────────────────────────────────────────────────────────────────────────────────

/** Block size for a request of `size` bytes: header, canary (debug), rounded to the granule. */
// @ts-ignore: decorator
@inline function blockSizeFor(size: u32): u32 {
  const need = (size + HEADER + CANARY + GRANULE - 1) & ~(GRANULE - 1);
  return need < MIN_BLOCK ? MIN_BLOCK : need;
}

// ── Faults ──────────────────────────────────────────────────────────────────────────────────────

/** Records a failed allocation (code OK means: out of memory) and returns the null pointer. */
function failed(code: u32, addr: u32, info: u32): u32 {
  fault(code, addr, info);
  return 0;
}

// ── Turning free blocks into used ones and back ─────────────────────────────────────────────────

function addUsed(size: u32): void {
  const used = rootGet(R_USED) + size;
  rootSet(R_USED, used);
  rootSet(R_PEAK, max<u32>(used, rootGet(R_PEAK)));
}

/**
 * Makes the first `need` bytes of the (already unlinked) free block `b` a used block and files
 * the rest as a new free block when it is big enough to be one.
 */
function carve(b: u32, need: u32): void {
  const info = infoOf(b);
  let size = info & ~TAGS;
  if (DEBUG) assert(need <= size, "carve: request larger than the block");
  const rest = size - need;
  if (rest >= MIN_BLOCK) {
    setHeader(b, need, info & LEFTFREE);
    const r = b + need;
    setHeader(r, rest, FREE);
    store<u32>(r + rest - 4, r);
    insert(r, rest);
    size = need; // the block after r keeps LEFTFREE: its left neighbour (now r) is still free
  } else {
    setInfo(b, info & ~FREE);
    const after = b + size;
    setInfo(after, infoOf(after) & ~LEFTFREE);
  }
  addUsed(size);
  rootSet(R_LIVE, rootGet(R_LIVE) + 1);
  if (DEBUG) writeCanary(b, size);
}

/**
 * Takes the free block `b` for a request of `need` bytes. Debug builds first verify that nobody
 * wrote into the block since it was freed; a fault re-poisons it (the heap stays usable).
 */
function take(b: u32, need: u32): u32 {
  if (DEBUG) {
    const size = sizeOf(b);
    const end = need + MIN_BLOCK <= size ? b + need : b + size - 4;
    const bad = firstPoisonFault(b + 16, end);
    if (bad) {
      poison(b + 16, b + size - 4);
      return failed(E_POISON, b + HEADER, bad - b - HEADER);
    }
  }
  remove(b, sizeOf(b));
  carve(b, need);
  return b + HEADER;
}

/**
 * Returns the block `b` of `size` bytes (not counted as used any more) to the free lists,
 * merging it with a free right and left neighbour. Callers have validated the neighbours.
 */
export function release(b: u32, size: u32): void {
  let info = infoOf(b);
  let start = b;
  let total = size;
  const right = b + size;
  const rinfo = infoOf(right);
  if (rinfo & FREE) {
    const rsize = rinfo & ~TAGS;
    remove(right, rsize);
    total += rsize;
  }
  if (info & LEFTFREE) {
    const left = load<u32>(b - 4);
    const lsize = sizeOf(left);
    remove(left, lsize);
    setInfo(b, info | FREE); // the stale header now reads "free": a later free(b) is a double free
    start = left;
    total += lsize;
    info = infoOf(left);
    if (DEBUG) assert(!(info & LEFTFREE), "release: two free blocks were adjacent");
  }
  if (DEBUG) {
    // Everything but the merged block's own header, links and back word becomes poison.
    poison(start == b ? b + 16 : b - 4, right); // b - 4: the left block's old back word
    if (rinfo & FREE) poison(right, right + 16);
  }
  setHeader(start, total, FREE | (info & LEFTFREE));
  store<u32>(start + total - 4, start);
  const after = start + total;
  setInfo(after, infoOf(after) | LEFTFREE);
  insert(start, total);
}

/**
 * Validates a user pointer: in range, aligned, a live block of this heap, canary intact.
 * Returns OK or a status code (and records the fault).
 */
export function validate(u: u32): u32 {
  const b = u - HEADER;
  if ((u & (GRANULE - 1)) || u < rootGet(R_HEAP_START) + HEADER || b >= rootGet(R_TAIL)) {
    return fault(E_RANGE, u, 0);
  }
  if (!headerValid(b)) return fault(E_NOT_A_BLOCK, u, 0);
  const info = infoOf(b);
  if (info & FREE) return fault(E_DOUBLE_FREE, u, 0);
  if (DEBUG) {
    const c = canaryValid(b, info & ~TAGS);
    if (c) return c;
  }
  return OK;
}

/**
 * Checks what freeing the used block `b` will touch: the right neighbour's header (an overflow
 * out of `b` lands there first) and, when LEFTFREE says so, the left neighbour.
 */
function neighboursValid(b: u32, size: u32, info: u32): u32 {
  const right = b + size;
  if (!headerValid(right)) return fault(E_NEIGHBOUR, b + HEADER, right);
  if (info & LEFTFREE) {
    // `left < b` keeps the loads in bounds; the check word and the size must then both fit.
    const left = load<u32>(b - 4);
    if (left >= b || !headerValid(left) || left + sizeOf(left) != b) return fault(E_NEIGHBOUR, b + HEADER, left);
  }
  return OK;
}

// ── Growth ──────────────────────────────────────────────────────────────────────────────────────

/** Extends the heap to `pages` pages of memory: the new space becomes (or joins) a free block. */
function extend(pages: u32): void {
  const tail = rootGet(R_TAIL);
  const newTail = (pages << 16) - HEADER;
  setHeader(newTail, 0, 0);
  const size = newTail - tail;
  setHeader(tail, size, infoOf(tail) & LEFTFREE);
  rootSet(R_TAIL, newTail);
  rootSet(R_GENERATION, rootGet(R_GENERATION) + 1);
  release(tail, size);
}

/** Grows memory so that a block of `need` bytes can be found; false when the limit forbids it. */
function grow(need: u32): bool {
  const tail = rootGet(R_TAIL);
  // A block of this size is always found by search(need) (it rounds the class up).
  let want = <u64>need + (need >= SMALL_LIMIT ? (1 << (msb(need) - SL_BITS)) : 0);
  const tailInfo = infoOf(tail);
  if (tailInfo & LEFTFREE) {
    const leftSize = sizeOf(load<u32>(tail - 4));
    want = want > leftSize ? want - leftSize : MIN_BLOCK;
  }
  const cur = <u32>memory.size();
  const endNeeded = <u64>tail + HEADER + want + HEADER;
  const pagesNeeded = <u32>((endNeeded + 0xFFFF) >> 16) - cur;
  const limit = rootGet(R_MAX_PAGES);
  if (<u64>cur + pagesNeeded > <u64>limit) return false;
  // Grow by at least 1/8 of the heap: fewer growth events, footprint within 1.125×.
  let add = max<u32>(pagesNeeded, cur >> 3);
  if (cur + add > limit) add = limit - cur;
  if (memory.grow(add) < 0) return false;
  extend(cur + add);
  return true;
}

// ── The entry points (exported from index.ts) ───────────────────────────────────────────────────

/** Allocates `size` bytes aligned to `align` (a power of two); 0 and a fault code on failure. */
export function alloc(size: u32, align: u32): u32 {
  if (size > MAX_REQUEST) return failed(E_ARGUMENT, 0, size);
  const need = blockSizeFor(size);
  if (align <= GRANULE) {
    // Fast path: an exact-fit small class that is not empty.
    if (need < EXACT_LIMIT && !DEBUG) {
      const h = headAt(need >> 3);
      const b = load<u32>(h);
      if (b) {
        // Classes below 512 bytes are exact (class = size >> 3): the block has exactly `need`
        // bytes, nothing to split.
        const next = load<u32>(b, B_NEXT);
        store<u32>(h, next);
        store<u32>(next, 0, B_PREV); // next 0: the null block
        if (!next) emptied(need >> 3);
        setInfo(b, infoOf(b) & ~FREE);
        const after = b + need;
        setInfo(after, infoOf(after) & ~LEFTFREE);
        addUsed(need);
        rootSet(R_LIVE, rootGet(R_LIVE) + 1);
        return b + HEADER;
      }
    }
    return allocSlow(need);
  }
  return allocAligned(need, align);
}

function allocSlow(need: u32): u32 {
  let b = search(need);
  if (!b) {
    if (!grow(need)) return failed(OK, 0, need);
    b = search(need);
  }
  return take(b, need);
}

function allocAligned(need: u32, align: u32): u32 {
  if ((align & (align - 1)) || align > MAX_ALIGN) return failed(E_ARGUMENT, 0, align);
  // Room for the block, a whole free block in front of it, and up to align - 8 bytes of slack.
  const want = need + MIN_BLOCK + align - GRANULE;
  let b = search(want);
  if (!b) {
    if (!grow(want)) return failed(OK, 0, want);
    b = search(want);
  }
  const info = infoOf(b);
  const size = info & ~TAGS;
  if (DEBUG) {
    const bad = firstPoisonFault(b + 16, b + size - 4);
    if (bad) {
      poison(b + 16, b + size - 4);
      return failed(E_POISON, b + HEADER, bad - b - HEADER);
    }
  }
  remove(b, size);
  // Place the block as high in `b` as alignment allows: the part in front (≥ MIN_BLOCK, since
  // size ≥ want) is the one free remainder, and the gap behind it (< align) is split off only if
  // it can be a block. Placing it low would leave a free fragment in front and a remainder behind.
  const u = (b + size - need + HEADER) & ~(align - 1);
  const b1 = u - HEADER;
  if (b1 != b) {
    const lead = b1 - b;
    setHeader(b, lead, FREE | (info & LEFTFREE));
    store<u32>(b1 - 4, b);
    insert(b, lead);
    setHeader(b1, size - lead, LEFTFREE);
  }
  carve(b1, need);
  return u;
}

/** Frees the block at user pointer `u`; returns OK or a status code (nothing changed then). */
export function free(u: u32): u32 {
  const r = validate(u);
  if (r) return r;
  const b = u - HEADER;
  const info = infoOf(b);
  const size = info & ~TAGS;
  const n = neighboursValid(b, size, info);
  if (n) return n;
  rootSet(R_USED, rootGet(R_USED) - size);
  rootSet(R_LIVE, rootGet(R_LIVE) - 1);
  release(b, size);
  return OK;
}

/**
 * Resizes the block at `u` to hold `size` bytes: in place when shrinking or when the right
 * neighbour is free and big enough, else by moving (8-aligned). Returns the pointer, 0 when out of
 * memory, or a status code 1…7 (nothing changed then).
 */
export function realloc(u: u32, size: u32): u32 {
  if (size > MAX_REQUEST) return fault(E_ARGUMENT, u, size);
  const r = validate(u);
  if (r) return r;
  const b = u - HEADER;
  const info = infoOf(b);
  const cur = info & ~TAGS;
  const need = blockSizeFor(size);
  const n = neighboursValid(b, cur, info);
  if (n) return n;
  if (need <= cur) {
    if (cur - need >= MIN_BLOCK) {
      setHeader(b, need, info & LEFTFREE);
      const t = b + need;
      setHeader(t, cur - need, 0);
      rootSet(R_USED, rootGet(R_USED) - (cur - need));
      release(t, cur - need);
      if (DEBUG) writeCanary(b, need);
    }
    return u;
  }
  const right = b + cur;
  const rinfo = infoOf(right);
  const total = cur + (rinfo & ~TAGS);
  if ((rinfo & FREE) && total >= need) {
    if (DEBUG) {
      const bad = firstPoisonFault(right + 16, right + (rinfo & ~TAGS) - 4);
      if (bad) {
        poison(right + 16, right + (rinfo & ~TAGS) - 4);
        return fault(E_POISON, right + HEADER, bad - right - HEADER);
      }
    }
    // Absorb the right neighbour, then carve the request out of the union like a fresh block.
    remove(right, rinfo & ~TAGS);
    rootSet(R_USED, rootGet(R_USED) - cur);
    rootSet(R_LIVE, rootGet(R_LIVE) - 1);
    setHeader(b, total, info & LEFTFREE);
    carve(b, need);
    return u;
  }
  const nu = alloc(size, GRANULE);
  if (!nu) return 0;
  memory.copy(nu, u, min<u32>(cur - HEADER - CANARY, size));
  // free() cannot fail here: u and its neighbours were validated and nothing touched them since.
  free(u);
  return nu;
}

/** Bytes usable at `u` (≥ the requested size), or a status code 1…7. */
export function usableSize(u: u32): u32 {
  const r = validate(u);
  if (r) return r;
  return sizeOf(u - HEADER) - HEADER - CANARY;
}

/**
 * Initialises a heap in this memory, or attaches to the one already there (returns 1).
 * `secret` seeds the header check words; `maxPages` caps growth (≤ 65535).
 */
export function init(initialPages: u32, maxPages: u32, secret: u32, flags: u32): u32 {
  if (rootGet(R_MAGIC) == R_MAGIC_VALUE) return 1;
  memory.fill(ROOT, 0, ROOT_SIZE);
  if (maxPages > 65535) maxPages = 65535;
  const have = <u32>memory.size();
  if (initialPages > maxPages) initialPages = maxPages;
  if (initialPages > have && memory.grow(initialPages - have) < 0) return E_ARGUMENT;
  rootSet(R_SECRET, secret | 1);
  rootSet(R_MAX_PAGES, maxPages);
  rootSet(R_FLAGS, flags | (DEBUG ? 1 : 0)); // bit 0: the debug build made this heap
  const start = (<u32>__heap_base + GRANULE - 1) & ~(GRANULE - 1);
  rootSet(R_HEAP_START, start);
  // Start as one zero-size "used" block, then extend() turns all memory after it into free space.
  rootSet(R_TAIL, start);
  setHeader(start, 0, 0);
  extend(<u32>memory.size());
  rootSet(R_GENERATION, 0);
  rootSet(R_MAGIC, R_MAGIC_VALUE);
  return OK;
}
