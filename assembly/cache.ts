// Per-thread caches of small free blocks (glibc's tcache, moved to the JavaScript side of the
// boundary): JavaScript pops and pushes the bins; this file registers caches, moves blocks between
// bins and free lists in batches (refill, flush), and measures (stats).
// Layout of a cache and its bins: see layout.ts.

import {
  LEFTFREE, HEADER, MIN_BLOCK, EXACT_LIMIT, KIND_CACHED, KIND_CACHE, OK, E_ARGUMENT, E_CORRUPT,
  C_CACHE, CACHE_BINS_AT, CACHE_BINS, CACHE_SIZE, CACHE_OUT, BIN_HEAD, BIN_COUNT, BIN_LIMIT,
  BIN_REFILLS, BIN_SIZE, BIN_BYTES, BIN_MIN, BIN_MAX, CACHE_ACTIVE, CACHE_IDLE, SL_BITS,
  FL_COUNT, ROOT, ROOT_SL_MAP, STAT_HEAP_BYTES, STAT_USED_BYTES, STAT_CACHED_BYTES,
  STAT_FREE_BYTES, STAT_PEAK_USED_BYTES, STAT_LIVE_BLOCKS, STAT_CACHED_BLOCKS, STAT_FREE_BLOCKS,
  STAT_LARGEST_FREE, STAT_GENERATION,
} from "./layout";
import {
  heapStart, blockAt, cacheAt, sizeOf, isKind, setHeader, inHeap, tailOf, root, current, fault,
  corrupt, msb,
} from "./block";
import { classOf, headAt, listed, search, BITMAP_FAULT } from "./freelist";
import { find, canSplit, split, canRelease, doRelease, addUsed, subUsed, allocBlock, blockSizeFor } from "./heap";

// @ts-ignore: decorator
@inline function binAt(c: u32, cls: u32): u32 { return c + CACHE_BINS_AT + cls * BIN_SIZE; }

/** How many blocks of `size` bytes a bin keeps at most. */
// @ts-ignore: decorator
@inline function binLimit(size: u32): u32 { return min<u32>(BIN_MAX, max<u32>(BIN_MIN, BIN_BYTES / size)); }

// ── Registration ────────────────────────────────────────────────────────────────────────────────

/**
 * A cache for a new Heap object: an idle one from the registry, or a new KIND_CACHE block linked
 * into it. Returns its address, or 0 (out of memory). Caller holds the lock.
 */
export function openCache(flags: u32): u32 {
  const r = root();
  let c = r.caches;
  let guard = (tailOf() - heapStart()) / CACHE_SIZE + 1;
  while (c && guard--) {
    if (!inHeap(c - HEADER) || !isKind(c - HEADER, KIND_CACHE)) { c = 0; break; }
    if (cacheAt(c).state == CACHE_IDLE) break;
    c = cacheAt(c).next;
  }
  if (!c) {
    c = allocBlock(blockSizeFor(CACHE_SIZE), KIND_CACHE);
    if (!c) return 0;
    memory.fill(c, 0, CACHE_SIZE);
    // The debug build checks every block at every alloc and free: its bins stay empty (limit 0).
    if (!DEBUG) for (let cls = MIN_BLOCK >> 3; cls < CACHE_BINS; cls++) store<u32>(binAt(c, cls) + BIN_LIMIT, binLimit(cls << 3));
    cacheAt(c).next = r.caches;
    r.caches = c;
  }
  const cache = cacheAt(c);
  cache.flags = flags;
  cache.tag = 0;
  cache.faultCode = OK;
  cache.state = CACHE_ACTIVE;
  return c;
}

/** Flushes the current cache and leaves it idle for the next Heap object that attaches. */
export function closeCache(): u32 {
  const code = flushAll();
  if (!code) cacheAt(current()).state = CACHE_IDLE;
  return code;
}

// ── Refill and flush ────────────────────────────────────────────────────────────────────────────

/**
 * Puts blocks of class `cls` (block size cls · 8) into the current cache's bin until it holds half
 * its limit (at least one block): whole blocks from the exact class when it has some, else blocks
 * carved side by side out of one larger free block. OK, or the fault (out of memory, damage).
 */
export function refill(cls: u32): u32 {
  if (cls < MIN_BLOCK >> 3 || cls >= CACHE_BINS) return fault(E_ARGUMENT, 0, cls);
  const bin = binAt(current(), cls);
  const s = cls << 3;
  const half = min<u32>(load<u32>(bin + BIN_LIMIT), BIN_MAX) >> 1;
  const count = load<u32>(bin + BIN_COUNT);
  const want = half > count ? half - count : 1;
  let got: u32 = 0;
  while (got < want) {
    let b: u32 = s < EXACT_LIMIT ? load<u32>(headAt(cls)) : 0;
    if (!b) {
      // Growing (and flushing this cache first: find) is for the first block only.
      b = got ? search(s + MIN_BLOCK) : find(s + MIN_BLOCK);
      if (!b || b == BITMAP_FAULT) break;
    } else if (!inHeap(b)) {
      corrupt(headAt(cls), C_CACHE);
      break;
    }
    const bsize = sizeOf(b);
    if (!listed(b, classOf(bsize))) break;
    // Blocks come whole from the exact class, or at least s + MIN_BLOCK bytes from search: k
    // blocks of s bytes leave nothing, or a rest that can be a free block.
    let k = min<u32>(want - got, bsize / s);
    if (bsize != k * s && bsize - k * s < MIN_BLOCK) k--;
    if (!k) {
      corrupt(b, C_CACHE); // a list head copied into a class it does not belong to
      break;
    }
    if (!canSplit(b, bsize, k * s)) break;
    let tags = blockAt(b).info & LEFTFREE;
    split(b, bsize, k * s);
    let head = load<u32>(bin + BIN_HEAD);
    for (let i: u32 = 0; i < k; i++) {
      const x = b + i * s;
      setHeader(x, s, tags, KIND_CACHED);
      blockAt(x).prev = head;
      head = x;
      tags = 0;
    }
    store<u32>(bin + BIN_HEAD, head);
    store<u32>(bin + BIN_COUNT, load<u32>(bin + BIN_COUNT) + k);
    addUsed(k * s, k);
    got += k;
  }
  store<u32>(bin + BIN_REFILLS, load<u32>(bin + BIN_REFILLS) + 1);
  return got ? OK : cacheAt(current()).faultCode;
}

/**
 * Returns blocks of bin `cls` to the free lists until `keep` are left. A bin entry that is not a
 * CACHED block of the bin's size stops the flush (E_CORRUPT; the bin still starts at it).
 */
export function flush(cls: u32, keep: u32): u32 {
  if (cls >= CACHE_BINS) return fault(E_ARGUMENT, 0, cls);
  const bin = binAt(current(), cls);
  const s = cls << 3;
  let n = load<u32>(bin + BIN_COUNT);
  let head = load<u32>(bin + BIN_HEAD);
  let code = OK;
  while (n > keep) {
    if (!head || !inHeap(head) || !isKind(head, KIND_CACHED) || sizeOf(head) != s) {
      code = fault(E_CORRUPT, head, C_CACHE);
      break;
    }
    const next = blockAt(head).prev;
    const info = blockAt(head).info;
    if (!canRelease(head, s, info)) {
      code = E_CORRUPT;
      break;
    }
    subUsed(s, 1);
    doRelease(head, s, info);
    head = next;
    n--;
  }
  store<u32>(bin + BIN_HEAD, head);
  store<u32>(bin + BIN_COUNT, n);
  return code;
}

/** Flushes every bin of the current cache; OK or the first fault. */
export function flushAll(): u32 {
  const c = current();
  if (!c) return OK;
  for (let cls = MIN_BLOCK >> 3; cls < CACHE_BINS; cls++) {
    if (load<u32>(binAt(c, cls) + BIN_COUNT)) {
      const code = flush(cls, 0);
      if (code) return code;
    }
  }
  return OK;
}
