// Per-thread caches of small free blocks (glibc's tcache, moved to the JavaScript side of the
// boundary): JavaScript pops and pushes the bins; this file registers caches, moves blocks between
// bins and free lists in batches (refill, flush), and measures (stats).
// Layout of a cache and its bins: see layout.ts.

import {
  Cache, LEFTFREE, TAGS, HEADER, MIN_BLOCK, EXACT_LIMIT, KIND_CACHED, KIND_CACHE, OK, E_ARGUMENT,
  E_CORRUPT, C_CACHE, CACHE_BINS_AT, CACHE_BINS, CACHE_SIZE, BIN_HEAD, BIN_COUNT, BIN_LIMIT,
  BIN_REFILLS, BIN_SIZE, BIN_BYTES, BIN_MIN, BIN_MAX, BIN_CAP, CACHE_ACTIVE, CACHE_IDLE,
  LOCK_TIMEOUT_MS,
} from "./layout";
import {
  heapStart, blockAt, cacheAt, sizeOf, isKind, setHeader, inHeap, tailOf, root, current, fault,
  corrupt, tagOf,
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
    cacheAt(c).next = r.caches;
    r.caches = c;
  }
  // The debug build checks every block at every alloc and free: its bins stay empty (limit 0).
  // A reused cache loses the limits an earlier owner's prefill() raised.
  if (!DEBUG) for (let cls = MIN_BLOCK >> 3; cls < CACHE_BINS; cls++) store<u32>(binAt(c, cls) + BIN_LIMIT, binLimit(cls << 3));
  const cache = cacheAt(c);
  cache.flags = flags;
  cache.tag = 0;
  cache.faultCode = OK;
  cache.contended = 0;
  cache.waits = 0;
  cache.busy = 0;
  cache.timeout = LOCK_TIMEOUT_MS;
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
  const half = min<u32>(load<u32>(bin + BIN_LIMIT), BIN_MAX) >> 1;
  const count = load<u32>(bin + BIN_COUNT);
  return fill(cls, half > count ? half - count : 1, false);
}

/**
 * Raises the limit of bin `cls` to `count` blocks (at most BIN_CAP) and fills it to `count`,
 * growing memory if it must (without flushing this cache first, unlike refill: that would undo
 * other prefilled bins). For a thread that must not wait later: its frees and allocations of this
 * size stay in the cache. OK, or the fault (E_ARGUMENT, out of memory, damage).
 */
export function prefill(cls: u32, count: u32): u32 {
  if (cls < MIN_BLOCK >> 3 || cls >= CACHE_BINS) return fault(E_ARGUMENT, 0, cls);
  if (count > BIN_CAP) return fault(E_ARGUMENT, 0, count);
  if (DEBUG) return OK; // the debug build keeps no caches (every free is checked at once)
  const bin = binAt(current(), cls);
  if (load<u32>(bin + BIN_LIMIT) < count) store<u32>(bin + BIN_LIMIT, count);
  const have = load<u32>(bin + BIN_COUNT);
  return have >= count ? OK : fill(cls, count - have, true);
}

/**
 * Moves `want` blocks of class `cls` from the free lists into the current cache's bin. Refill
 * (`ahead` false) grows, after flushing this cache, for its first block only; prefill (`ahead`)
 * grows whenever the free lists run short, by what is still missing.
 */
function fill(cls: u32, want: u32, ahead: bool): u32 {
  const bin = binAt(current(), cls);
  const s = cls << 3;
  let got: u32 = 0;
  while (got < want) {
    let b: u32 = s < EXACT_LIMIT ? load<u32>(headAt(cls)) : 0;
    if (!b) {
      if (ahead) {
        b = search(s + MIN_BLOCK);
        if (!b) b = find((want - got) * s + MIN_BLOCK, false);
      } else {
        // Growing (and flushing this cache first: find) is for the first block only.
        b = got ? search(s + MIN_BLOCK) : find(s + MIN_BLOCK, true);
      }
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
  return got == want || (got && !ahead) ? OK : cacheAt(current()).faultCode;
}

/**
 * Returns blocks of bin `cls` to the free lists until `keep` are left. A bin entry that is not a
 * CACHED block of the bin's size stops the flush (E_CORRUPT; the bin still starts at it).
 */
export function flush(cls: u32, keep: u32): u32 {
  if (cls >= CACHE_BINS) return fault(E_ARGUMENT, 0, cls);
  const bin = binAt(current(), cls);
  return release(bin + BIN_HEAD, bin + BIN_COUNT, keep, cls << 3);
}

/**
 * Returns CACHED blocks of a chain (its first block's address at `headAt`, its length at
 * `countAt`, linked through Block.prev) to the free lists until `keep` are left; `s`: the size
 * every block must have (0: any). An entry that is not a CACHED block (of size s) stops it
 * (E_CORRUPT; the chain then starts at that entry).
 */
function release(headAt: u32, countAt: u32, keep: u32, s: u32): u32 {
  let n = load<u32>(countAt);
  let head = load<u32>(headAt);
  let code = OK;
  while (n > keep) {
    if (!head || !inHeap(head) || !isKind(head, KIND_CACHED) || (s && sizeOf(head) != s)) {
      code = fault(E_CORRUPT, head, C_CACHE);
      break;
    }
    const next = blockAt(head).prev;
    const info = blockAt(head).info;
    const size = info & ~TAGS;
    if (!canRelease(head, size, info)) {
      code = E_CORRUPT;
      break;
    }
    subUsed(size, 1);
    doRelease(head, size, info);
    head = next;
    n--;
  }
  store<u32>(headAt, head);
  store<u32>(countAt, n);
  return code;
}

// ── Deferred frees (realtime) ───────────────────────────────────────────────────────────────────

/**
 * Parks the held block b (validated by the caller, of any kind) on the current cache's deferred
 * list, without the lock: a realtime thread's free while another thread holds it. Only its tag
 * changes (to CACHED: freeing it again is a double free), like a push on a bin. O(1).
 */
export function defer(b: u32): u32 {
  const cache = cacheAt(current());
  const size = sizeOf(b);
  blockAt(b).tag = tagOf(b, size, KIND_CACHED);
  blockAt(b).prev = cache.deferred;
  cache.deferred = b;
  cache.deferredCount++;
  cache.deferredBytes += size;
  return OK;
}

/** Returns the current cache's deferred blocks to the free lists (caller holds the lock). */
export function drainDeferred(): u32 {
  const c = current();
  const code = release(c + offsetof<Cache>("deferred"), c + offsetof<Cache>("deferredCount"), 0, 0);
  if (!code) cacheAt(c).deferredBytes = 0;
  return code;
}

/** Flushes every bin and the deferred list of the current cache; OK or the first fault. */
export function flushAll(): u32 {
  const c = current();
  if (!c) return OK;
  if (SHARED && cacheAt(c).deferred) {
    const code = drainDeferred();
    if (code) return code;
  }
  for (let cls = MIN_BLOCK >> 3; cls < CACHE_BINS; cls++) {
    if (load<u32>(binAt(c, cls) + BIN_COUNT)) {
      const code = flush(cls, 0);
      if (code) return code;
    }
  }
  return OK;
}
