// The heap's lock (shared build only; the other builds compile it away).
//
// Only the slow paths take it: refills and flushes of a cache, allocations the caches do not
// serve, frees of large blocks, growth, walks (check()). The JavaScript fast paths never do. It is
// a futex mutex ("Futexes Are Tricky", mutex 2): 0 free, 1 taken, 2 taken with sleepers. Every
// thread first spins a few times. Then a realtime cache (an AudioWorklet) gives up: its
// caller returns 0 or defers the free, and nothing waited. A thread that may block (a Worker,
// Node's threads) sleeps in memory.atomic.wait32; one that may not (a browser's main thread) keeps
// spinning. Both give up with E_BUSY / C_LOCK once nobody has released the lock for the cache's
// timeout (see layout.ts, LOCK_*): a thread that died holding it cannot hang the others forever.
// A lock word that holds no lock state at all (a stray write) is E_CORRUPT (C_LOCK), never waited on.
//
// What the lock guards: the root's counters, the free lists and bitmaps, the cache registry, and
// every block's FREE state and size. What it does not: the tag of a held block (only the thread
// that holds the block, or whose cache holds it, rewrites it: USER ⇄ CACHED) and the words of a
// cache (only its own thread writes them). See layout.ts, Block and Cache.
//
// After taking the lock a thread catches up with what others did under it: when the heap grew,
// `memory.grow(0)` makes the engine refresh this instance's view of the memory's size (V8 may
// report another thread's growth late otherwise), and this cache's deferred frees go back.

import { Root, ROOT, ROOT_LOCK, ROOT_EPOCH, CACHE_REALTIME, CACHE_CAN_WAIT, OK, E_BUSY, E_CORRUPT, C_LOCK,
  LOCK_SPINS, LOCK_REALTIME_SPINS, LOCK_SLICE_MS, LOCK_SPINS_PER_MS, LOCK_TIMEOUT_MS } from "./layout";
import { cacheAt, current, fault } from "./block";
import { drainDeferred } from "./cache";

// @ts-ignore: decorator
@inline const LOCK: u32 = ROOT + ROOT_LOCK;
// @ts-ignore: decorator
@inline const EPOCH: u32 = ROOT + ROOT_EPOCH;

/** The heap's generation this instance has caught up with (per instance: per thread). */
let gGeneration: u32 = 0;
/** How attach() (which has no cache yet) waits: this thread's CACHE_CAN_WAIT, never realtime. */
let gBareFlags: u32 = 0;

/** attach(): the flags of the cache to be, for the lock it takes before the cache exists. */
export function setBareFlags(flags: u32): void {
  gBareFlags = flags & ~CACHE_REALTIME;
}

/**
 * Takes the lock: OK, or the code recorded in the caller's cache: E_BUSY for a realtime caller and
 * a taken lock, or (with C_LOCK) a lock nobody released for the caller's timeout; E_CORRUPT (C_LOCK)
 * for a lock word that holds no lock state.
 */
// @ts-ignore: decorator
@inline export function lock(): u32 {
  if (!SHARED) return OK;
  if (atomic.cmpxchg<u32>(LOCK, 0, 1) != 0) {
    const code = lockSlow();
    if (code) return code;
  }
  caughtUp();
  return OK;
}

export function unlock(): void {
  if (!SHARED) return;
  // A plain store: only lock holders write the epoch, and the exchange below publishes it to
  // whoever next sees the lock free (a reader that finds LOCK 0 also finds the new epoch).
  store<u32>(EPOCH, load<u32>(EPOCH) + 1);
  if (atomic.xchg<u32>(LOCK, 0) == 2) atomic.notify(LOCK, 1);
}

/**
 * Makes this instance see the memory as it is now: after another thread grew it, the engine may
 * still report the old size to this instance until `memory.grow(0)` refreshes it. Called under
 * the lock, and before trusting a bound outside it (validate).
 */
export function catchUp(): void {
  if (!SHARED) return;
  const g = atomic.load<u32>(ROOT + offsetof<Root>("generation"));
  if (g != gGeneration) {
    memory.grow(0);
    gGeneration = g;
  }
}

/** Under the lock: the memory's current size, and this cache's deferred frees returned. */
function caughtUp(): void {
  catchUp();
  const c = current();
  if (c && cacheAt(c).deferred) drainDeferred();
}

function lockSlow(): u32 {
  atomic.add<u32>(ROOT + offsetof<Root>("contended"), 1);
  const c = current();
  const cache = cacheAt(c);
  // attach() takes the lock before its cache exists: it counts nothing, and it waits or spins
  // (a setup step: even a realtime thread may spin there, boundedly).
  if (c) cache.contended++;
  const flags = c ? cache.flags : gBareFlags;
  const tries = flags & CACHE_REALTIME ? LOCK_REALTIME_SPINS : LOCK_SPINS;
  for (let i: u32 = 0; i < tries; i++) {
    const v = atomic.load<u32>(LOCK);
    if (v > 2) return damaged();
    if (v == 0 && atomic.cmpxchg<u32>(LOCK, 0, 1) == 0) return OK;
  }
  if (flags & CACHE_REALTIME) {
    if (c) cache.busy++;
    return fault(E_BUSY, 0, 0);
  }
  if (c) cache.waits++;
  const timeout: u32 = c ? cache.timeout : LOCK_TIMEOUT_MS;
  let epoch = atomic.load<u32>(EPOCH);
  // Milliseconds (or their spin equivalent) since the last unlock anyone made.
  let idle: u32 = 0;
  if (flags & CACHE_CAN_WAIT) {
    const slice: u32 = timeout && timeout < LOCK_SLICE_MS ? timeout : LOCK_SLICE_MS;
    for (;;) {
      if (atomic.load<u32>(LOCK) > 2) return damaged();
      if (atomic.xchg<u32>(LOCK, 2) == 0) break;
      const woke = memory.atomic.wait32(LOCK, 2, <i64>slice * 1000000);
      const now = atomic.load<u32>(EPOCH);
      if (now != epoch) {
        epoch = now;
        idle = 0;
      } else if (woke == 2 && timeout && (idle += slice) >= timeout) {
        return stuck();
      }
    }
    return OK;
  }
  let spins: u32 = 0;
  for (;;) {
    const v = atomic.load<u32>(LOCK);
    if (v > 2) return damaged();
    if (v == 0 && atomic.cmpxchg<u32>(LOCK, 0, 1) == 0) return OK;
    if (++spins == LOCK_SPINS_PER_MS) {
      spins = 0;
      const now = atomic.load<u32>(EPOCH);
      if (now != epoch) {
        epoch = now;
        idle = 0;
      } else if (timeout && ++idle >= timeout) {
        return stuck();
      }
    }
  }
  return unreachable(); // the loop above only ends by returning
}

/** The lock stayed taken with no unlock by anyone for the caller's timeout. */
function stuck(): u32 {
  return fault(E_BUSY, 0, C_LOCK);
}

/** The lock word holds no lock state (0 free, 1 taken, 2 taken with sleepers): a stray write. */
function damaged(): u32 {
  return fault(E_CORRUPT, LOCK, C_LOCK);
}
