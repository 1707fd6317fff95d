// Workload — pool: fixed-size 64-byte blocks, 1 000 live; each step frees the block in a random
// slot and allocates a new one into it (so blocks come back in random order). wasm-arena's
// `heap.pool(64)` against a hand-written JS pool of Uint8Array(64), `new Uint8Array(64)`, the
// heap itself and the floor. Reports ns per alloc+free pair and the GC events seen while timing.

import { env } from '../lib/env.mjs';
import { makeHeap } from '../lib/peers.mjs';
import { slotSequence, SEQ_LEN } from '../lib/prng.mjs';
import { summarize } from '../lib/stats.mjs';
import { warm, calibrate, alternateCountingGc, pairedMetrics, retryInfo } from '../lib/timing.mjs';
import { churnRunner, freshChurnLoop, warmOps } from './churn.mjs';

export const BLOCK = 64;
export const LIVE = 1000;

/** `{ alloc, free }` for the peer, or a string saying why this build cannot run it. */
async function makeFixed(peer) {
  switch (peer) {
    case 'wasm-arena': {
      const heap = await makeHeap(1 << 20);
      if (typeof heap.pool !== 'function') return 'heap.pool() is not in this build';
      const pool = heap.pool(BLOCK, { capacity: LIVE + 24 });
      return { alloc: (_n) => pool.alloc(), free: (p) => pool.free(p) };
    }
    case 'wasm-arena-heap': {
      const heap = await makeHeap(1 << 20);
      return { alloc: (n) => heap.alloc(n), free: (p) => heap.free(p) };
    }
    case 'js-pool': {
      const free = [];
      return { alloc: (_n) => (free.length > 0 ? free.pop() : new Uint8Array(BLOCK)), free: (v) => void free.push(v) };
    }
    case 'js-gc':
      return { alloc: (n) => new Uint8Array(n), free: (_v) => {} };
    case 'floor': {
      const ex = await env.loadPeer('floor');
      return { alloc: (n) => ex.alloc(n), free: (p) => ex.free(p) };
    }
    default:
      throw new Error(`pool: no ${peer} variant`);
  }
}

export async function run(job, ctx) {
  const sizes = new Uint32Array(SEQ_LEN).fill(BLOCK);
  const idx = slotSequence(LIVE, 5);
  const a = await makeFixed(job.peer);
  if (typeof a === 'string') return { unavailable: a, metrics: {}, extra: {} };
  const main = await churnRunner(a, LIVE, sizes, idx);
  warm(main, ctx.warmMs, warmOps(LIVE));
  const n = calibrate(main, ctx.repMs);
  // The pool's own process also times the JS pool and the floor, alternating repetitions.
  const partners = job.peer === 'wasm-arena' ? ['js-pool', 'floor'] : [];
  const runners = [main];
  for (const p of partners) {
    const r = await churnRunner(await makeFixed(p), LIVE, sizes, idx, freshChurnLoop());
    warm(r, ctx.warmMs, warmOps(LIVE));
    runners.push(r);
  }
  const { reps, gc, gcMethod } = await alternateCountingGc(runners, n, ctx);
  const metrics = pairedMetrics(reps, partners);
  metrics.gcEvents = summarize([gc.count], 'events');
  return { metrics, extra: { opsPerRep: n, gcMethod, ...retryInfo(reps[0]) } };
}
