// The exported ABI: plain numbers in, plain numbers out. src/wasm.ts mirrors these signatures.
//
// `c` is the calling Heap object's cache (from init or attach): where its fault is recorded and
// whose bins refill/flush work on. Calls that return a pointer return 0 when they fail; calls
// that return a status return OK (0) or an E_* code; either way the details are in the cache's
// faultCode / faultAddr / faultInfo (see layout.ts). Pointers are byte addresses: `>>> 0` in JS.

import {
  Root, ROOT, HEAP_MAGIC, ROOT_SIZE, MAX_PAGES, HEADER, GRANULE, OVERHEAD, KIND_USER, KIND_FREE,
  KIND_STALE, KIND_CACHED, KIND_COUNT, BUILD_DEBUG, BUILD_SHARED, BUILD_PROFILE, GOLDEN,
  OK, E_ARGUMENT, E_OOM, E_BUSY, E_CORRUPT, C_ROOT, C_LOCK,
} from "./layout";
import {
  heapStart, enter, setIdentity, setHeader, root, tailOf, fault, sizeOf, cacheAt,
} from "./block";
import {
  blockSizeFor, allocBlock, allocAligned, validate, freeBlock, resize, checkRequest, usable,
  canRelease, doRelease,
} from "./heap";
import { openCache, closeCache, refill as refillBin, prefill as prefillBin, flush as flushBin, flushAll, defer } from "./cache";
import { lock, unlock, catchUp, setBareFlags } from "./lock";
import { openProfile, findProfile } from "./debug";

// @ts-ignore: decorator
@inline const BUILD: u32 = (DEBUG ? BUILD_DEBUG : 0) | (SHARED ? BUILD_SHARED : 0) | (PROFILE ? BUILD_PROFILE : 0);

/** Hash of the root words that never change after init (the magic, secret … maxPages). */
function rootCheckOf(r: Root): u32 {
  let h: u32 = HEAP_MAGIC;
  h = (h ^ r.secret) * GOLDEN;
  h = (h ^ r.build) * GOLDEN;
  h = (h ^ r.overhead) * GOLDEN;
  h = (h ^ r.heapStart) * GOLDEN;
  h = (h ^ r.maxPages) * GOLDEN;
  return h ^ (h >> 15);
}

/**
 * Makes a heap in this memory: grows it to `initialPages`, caps growth at `maxPages`, seeds the
 * check words with `secret`, and opens the first cache (`flags`: CACHE_*). Returns the cache's
 * address, or a code below 16: E_ARGUMENT (memory already holds a heap: attach instead), E_OOM,
 * C_ROOT (memory holds a heap whose magic word was overwritten with 0).
 */
export function init(initialPages: u32, maxPages: u32, secret: u32, flags: u32): u32 {
  enter(0);
  const r = root();
  if (SHARED) {
    if (atomic.cmpxchg<u32>(ROOT, 0, 1) != 0) return E_ARGUMENT; // another thread is making it
  } else if (r.magic == HEAP_MAGIC) {
    return E_ARGUMENT;
  }
  // A memory no heap was made in has an all-zero root; here the magic word reads "none" but the
  // words init writes with it do not: a stray write zeroed the magic of a heap in use. Making a
  // second heap over its live blocks would hand them out again: refuse it as a damaged root.
  if (r.secret | r.overhead | r.heapStart | r.maxPages | r.check) {
    if (SHARED) atomic.store<u32>(ROOT, 0); // as it was
    return C_ROOT;
  }
  if (maxPages > MAX_PAGES) maxPages = MAX_PAGES;
  if (initialPages > maxPages) initialPages = maxPages;
  const have = <u32>memory.size();
  if (initialPages > have && memory.grow(initialPages - have) < 0) {
    if (SHARED) atomic.store<u32>(ROOT, 0);
    return E_OOM;
  }
  memory.fill(ROOT + 4, 0, ROOT_SIZE - 4);
  secret |= 1;
  setIdentity(secret, maxPages);
  r.secret = secret;
  r.build = BUILD;
  r.overhead = OVERHEAD;
  r.heapStart = heapStart();
  r.maxPages = maxPages;
  // All of memory after the static data is one free block, ended by the tail sentinel.
  const tail = tailOf();
  setHeader(tail, 0, 0, KIND_USER);
  const size = tail - heapStart();
  setHeader(heapStart(), size, 0, KIND_USER);
  canRelease(heapStart(), size, 0);
  doRelease(heapStart(), size, 0);
  // Profile build: the per-tag tallies come first, so that every later block is counted.
  if (PROFILE && !openProfile()) return E_OOM;
  const c = openCache(flags);
  r.check = rootCheckOf(r);
  if (SHARED) atomic.store<u32>(ROOT, HEAP_MAGIC); // last: attach() waits for it
  else r.magic = HEAP_MAGIC;
  return c ? c : E_OOM;
}

/**
 * Attaches to the heap this memory already holds (another instance or thread made it): checks
 * the root (magic, the hash of its fixed words, this build, bounds), then opens a cache. Returns
 * the cache's address or a code below 16 (E_ARGUMENT: no heap, or one of another build;
 * E_CORRUPT via C_ROOT: the root is damaged).
 */
export function attach(flags: u32): u32 {
  enter(0);
  const r = root();
  // Wait (boundedly) for a thread that is still making the heap.
  if (SHARED) for (let i = 0; i < 1 << 24 && atomic.load<u32>(ROOT) == 1; i++) {}
  if (r.magic != HEAP_MAGIC) return E_ARGUMENT;
  if (r.check != rootCheckOf(r) || r.heapStart != heapStart() || r.maxPages > MAX_PAGES ||
      r.maxPages < <u32>memory.size() || r.overhead != OVERHEAD) return C_ROOT;
  if (r.build != BUILD) return E_ARGUMENT;
  setIdentity(r.secret, r.maxPages);
  catchUp();
  if (PROFILE) findProfile();
  setBareFlags(flags);
  const code = lock();
  if (code) return code == E_CORRUPT ? C_ROOT : code; // the lock word is part of the root
  const c = openCache(flags);
  unlock();
  return c ? c : E_OOM;
}

/** Flushes cache `c` and leaves it for the next attach. */
export function detach(c: u32): u32 {
  enter(c);
  const locked = lock();
  if (locked) return locked;
  const code = closeCache();
  unlock();
  return code;
}

/** Allocates `size` bytes aligned to `align` (a power of two) as a block of `kind`; 0 on failure. */
export function alloc(c: u32, size: u32, align: u32, kind: u32): u32 {
  enter(c);
  if (kind == KIND_FREE || kind == KIND_STALE || kind == KIND_CACHED || kind >= KIND_COUNT) {
    fault(E_ARGUMENT, 0, kind);
    return 0;
  }
  if (checkRequest(size, align)) return 0;
  if (lock()) return 0;
  const need = blockSizeFor(size);
  const u = align > GRANULE ? allocAligned(need, align, kind) : allocBlock(need, kind);
  unlock();
  return u;
}

/**
 * Frees the block of `kind` at user pointer `u`; OK or a status code (nothing changed then).
 * Shared build: a realtime cache that finds the lock taken parks the block on its deferred list
 * (OK); the next call of this cache that takes the lock returns it to the free lists.
 */
export function free(c: u32, u: u32, kind: u32): u32 {
  enter(c);
  const v = validate(u, kind);
  if (v) return v;
  const locked = lock();
  // A realtime caller that found the lock taken parks the block (O(1)); its next locked call frees it.
  if (locked) return locked == E_BUSY && cacheAt(c).faultInfo != C_LOCK ? defer(u - HEADER) : locked;
  // Validated again under the lock: the same block freed by two threads at once is one free
  // and one double free, never two.
  const code = SHARED ? validate(u, kind) || freeBlock(u - HEADER) : freeBlock(u - HEADER);
  unlock();
  return code;
}

/**
 * Resizes the user block at `u` to `size` bytes, keeping it aligned to `align`: in place when it
 * can, else moved (contents kept). Returns the pointer, or 0 (nothing changed then).
 */
export function realloc(c: u32, u: u32, size: u32, align: u32): u32 {
  enter(c);
  if (validate(u, KIND_USER) || checkRequest(size, align) || lock()) return 0;
  // Validated again under the lock (another thread may have freed it meanwhile).
  const p = SHARED && validate(u, KIND_USER) ? 0 : resize(u - HEADER, blockSizeFor(size), align < GRANULE ? GRANULE : align, size);
  unlock();
  return p;
}

/** Bytes usable at user pointer `u` (≥ what was asked), or 0 (fault recorded). */
export function usableSize(c: u32, u: u32): u32 {
  enter(c);
  return validate(u, KIND_USER) ? 0 : usable(u - HEADER);
}

/** Fills bin `cls` of cache `c` from the free lists (see cache.ts). */
export function refill(c: u32, cls: u32): u32 {
  enter(c);
  const locked = lock();
  if (locked) return locked;
  const code = refillBin(cls);
  unlock();
  return code;
}

/** Returns blocks of bin `cls` of cache `c` to the free lists until `keep` are left. */
export function flush(c: u32, cls: u32, keep: u32): u32 {
  enter(c);
  const locked = lock();
  if (locked) return locked;
  const code = flushBin(cls, keep);
  unlock();
  return code;
}

/**
 * Raises the limit of bin `cls` of cache `c` to `count` blocks and fills it that far (see
 * cache.ts), so that a thread that must not wait later finds them there.
 */
export function prefill(c: u32, cls: u32, count: u32): u32 {
  enter(c);
  const locked = lock();
  if (locked) return locked;
  const code = prefillBin(cls, count);
  unlock();
  return code;
}

/** Returns every block of cache `c` (its bins and deferred frees) to the free lists. */
export function trim(c: u32): u32 {
  enter(c);
  const locked = lock();
  if (locked) return locked;
  const code = flushAll();
  unlock();
  return code;
}

/** Takes the heap's lock for a walk from JavaScript (check()); OK, E_BUSY (realtime cache) or E_CORRUPT (damaged lock word). */
export function acquire(c: u32): u32 {
  enter(c);
  return lock();
}

/** Releases the lock taken by acquire(). */
export function release(): void {
  unlock();
}
