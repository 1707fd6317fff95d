// The heap's lock (shared build only; the other builds compile it away).
//
// Only the slow paths take it: refills and flushes of a cache, allocations the caches do not
// serve, frees of large blocks, growth, stats. The JavaScript fast paths never do. It is a futex
// mutex ("Futexes Are Tricky", mutex 2): 0 free, 1 taken, 2 taken with sleepers. A thread that may
// block (a Worker, Node's threads) spins briefly, then sleeps in memory.atomic.wait32; a thread
// that may not (a browser's main thread) keeps spinning; a realtime cache (an AudioWorklet) tries
// a bounded number of times and gives up: its caller then returns 0 or defers the free.

import { Root, ROOT, ROOT_LOCK, CACHE_REALTIME, CACHE_CAN_WAIT } from "./layout";
import { cacheAt, current } from "./block";

// @ts-ignore: decorator
@inline const LOCK: u32 = ROOT + ROOT_LOCK;
/** Tries before a thread that may sleep goes to sleep, or a realtime thread gives up. */
// @ts-ignore: decorator
@inline const SPINS: u32 = 256;

/** Takes the lock; false when the caller is realtime and the lock stayed taken. */
// @ts-ignore: decorator
@inline export function lock(): bool {
  if (!SHARED) return true;
  return atomic.cmpxchg<u32>(LOCK, 0, 1) == 0 || lockSlow();
}

export function unlock(): void {
  if (!SHARED) return;
  if (atomic.xchg<u32>(LOCK, 0) == 2) atomic.notify(LOCK, 1);
}

function lockSlow(): bool {
  atomic.add<u32>(ROOT + offsetof<Root>("contended"), 1);
  const flags = cacheAt(current()).flags;
  for (let i: u32 = 0; i < SPINS; i++) {
    if (atomic.load<u32>(LOCK) == 0 && atomic.cmpxchg<u32>(LOCK, 0, 1) == 0) return true;
  }
  if (flags & CACHE_REALTIME) return false;
  if (flags & CACHE_CAN_WAIT) {
    while (atomic.xchg<u32>(LOCK, 2) != 0) memory.atomic.wait32(LOCK, 2, -1);
    return true;
  }
  while (atomic.cmpxchg<u32>(LOCK, 0, 1) != 0) {}
  return true;
}
