// The heap's lock (shared build only; the other builds compile it away).
//
// Only the slow paths take it: refills and flushes of a cache, allocations the caches do not
// serve, frees of large blocks, growth, stats. The JavaScript fast paths never do. It is a futex
// mutex ("Futexes Are Tricky", mutex 2): 0 free, 1 taken, 2 taken with sleepers. A thread that may
// block (a Worker, Node's threads) spins briefly, then sleeps in memory.atomic.wait32; a thread
// that may not (a browser's main thread) keeps spinning; a realtime cache (an AudioWorklet) tries
// a bounded number of times and gives up: its caller then returns 0 or defers the free. Every wait
// is bounded too (see MAX_NAPS): a damaged lock word is reported, never waited on forever.

import { Root, ROOT, ROOT_LOCK, CACHE_REALTIME, CACHE_CAN_WAIT, OK, E_BUSY, E_CORRUPT, C_LOCK } from "./layout";
import { cacheAt, current, fault } from "./block";

// @ts-ignore: decorator
@inline const LOCK: u32 = ROOT + ROOT_LOCK;
/** Tries before a thread that may sleep goes to sleep, or a realtime thread gives up. */
// @ts-ignore: decorator
@inline const SPINS: u32 = 256;
// A lock that stays taken for about a second is held by no live thread: its word was damaged by a
// stray write (or a thread was killed holding it). Taking it then fails with E_CORRUPT (C_LOCK)
// instead of waiting forever. No holder keeps it that long: every locked section is O(1).
/** A sleeper wakes this often (nanoseconds) to look again … */
// @ts-ignore: decorator
@inline const NAP: i64 = 10_000_000;
/** … and gives up after this many naps in a row that nobody ended. */
// @ts-ignore: decorator
@inline const MAX_NAPS: u32 = 100;
/** A thread that may not sleep gives up after this many tries. */
// @ts-ignore: decorator
@inline const MAX_TRIES: u32 = 1 << 28;

/**
 * Takes the lock: OK, or (recorded in the caller's cache) E_BUSY when the caller is realtime and
 * the lock stayed taken, E_CORRUPT (C_LOCK) when the lock word is damaged.
 */
// @ts-ignore: decorator
@inline export function lock(): u32 {
  if (!SHARED) return OK;
  return atomic.cmpxchg<u32>(LOCK, 0, 1) == 0 ? OK : lockSlow();
}

export function unlock(): void {
  if (!SHARED) return;
  if (atomic.xchg<u32>(LOCK, 0) == 2) atomic.notify(LOCK, 1);
}

function lockSlow(): u32 {
  atomic.add<u32>(ROOT + offsetof<Root>("contended"), 1);
  const c = current();
  const flags = c ? cacheAt(c).flags : 0; // attach: no cache yet
  for (let i: u32 = 0; i < SPINS; i++) {
    const v = atomic.load<u32>(LOCK);
    if (v > 2) return damaged();
    if (v == 0 && atomic.cmpxchg<u32>(LOCK, 0, 1) == 0) return OK;
  }
  if (flags & CACHE_REALTIME) return fault(E_BUSY, 0, 0);
  if (flags & CACHE_CAN_WAIT) {
    let naps: u32 = 0;
    for (;;) {
      if (atomic.load<u32>(LOCK) > 2) return damaged();
      if (atomic.xchg<u32>(LOCK, 2) == 0) return OK;
      // 2: timed out. Woken (0) or changed (1): a live holder let go; count again.
      if (memory.atomic.wait32(LOCK, 2, NAP) != 2) naps = 0;
      else if (++naps >= MAX_NAPS) return damaged();
    }
  }
  for (let i: u32 = 0; i < MAX_TRIES; i++) {
    const v = atomic.load<u32>(LOCK);
    if (v > 2) return damaged();
    if (v == 0 && atomic.cmpxchg<u32>(LOCK, 0, 1) == 0) return OK;
  }
  return damaged();
}

/** The lock word holds no lock state (0 free, 1 taken, 2 taken with sleepers), or stayed taken too long. */
function damaged(): u32 {
  return fault(E_CORRUPT, LOCK, C_LOCK);
}
