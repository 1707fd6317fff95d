// Workload — bump: arena allocation of random 16–512 B sizes (reset every 1 024 allocations)
// against the floor (a wasm export with the same signature, in the same loop), a JS bump pointer
// over an ArrayBuffer and `new Uint8Array` (V8's young generation is a bump allocator too).
// Also the cost of a reset on its own, against one empty wasm call.

import { env } from '../lib/env.mjs';
import { makeHeap, JsBump } from '../lib/peers.mjs';
import { sizeSequence, SEQ_MASK } from '../lib/prng.mjs';
import { warm, calibrate, alternate, pairedMetrics, retryInfo, fresh } from '../lib/timing.mjs';

export const BATCH = 1024; // allocations between resets: ≤ 1024 × 520 B fits in the 1 MiB arena

export function bumpLoop(a, out, sizes, from, count) {
  const end = from + count;
  for (let k = from; k < end; k++) {
    if ((k & (BATCH - 1)) === 0) a.reset();
    out[k & (BATCH - 1)] = a.alloc(sizes[k & SEQ_MASK]);
  }
  return end;
}

function resetLoop(a, from, count) {
  const end = from + count;
  for (let k = from; k < end; k++) a.reset();
  return end;
}

async function makeBump(peer) {
  switch (peer) {
    case 'floor': {
      const ex = await env.loadPeer('floor');
      return { alloc: (n) => ex.alloc(n), reset: () => ex.nop() };
    }
    case 'wasm-arena': {
      const heap = await makeHeap(4 << 20);
      const arena = heap.arena(1 << 20);
      return { alloc: (n) => arena.alloc(n), reset: () => arena.reset() };
    }
    case 'js-pool': {
      const b = new JsBump(1 << 20);
      return { alloc: (n) => b.alloc(n), reset: () => b.reset() };
    }
    case 'js-gc':
      return { alloc: (n) => new Uint8Array(n), reset: () => {} };
    default:
      throw new Error(`bump: no ${peer} variant`);
  }
}

const SCOPE = { BATCH, SEQ_MASK };

/** Runners for the alloc loop and the reset loop of one allocator, each loop its own copy. */
function runners(a, sizes) {
  const out = new Array(BATCH).fill(0);
  const allocLoop = fresh(bumpLoop, SCOPE);
  const resetOnly = fresh(resetLoop, SCOPE);
  const alloc = { k: 0, step: (n) => (alloc.k = allocLoop(a, out, sizes, alloc.k, n)) };
  const reset = { k: 0, step: (n) => (reset.k = resetOnly(a, reset.k, n)) };
  return { alloc, reset };
}

/** Warms, calibrates and times `list[0]` alternating with its partners (same n for all). */
function measure(list, ctx, label) {
  for (const r of list) warm(r, ctx.warmMs, 200_000);
  const n = calibrate(list[0], ctx.repMs, BATCH);
  return alternate(list, n, ctx, label);
}

export async function run(job, ctx) {
  const sizes = sizeSequence('small', 21);
  const mine = runners(await makeBump(job.peer), sizes);
  // wasm-arena's process also times the floor, alternating repetitions: the ratio of
  // neighbouring repetitions survives the load swings of a shared machine.
  const partners = job.peer === 'wasm-arena' ? ['floor'] : [];
  const theirs = await Promise.all(partners.map(async (p) => runners(await makeBump(p), sizes)));
  const alloc = measure([mine.alloc, ...theirs.map((t) => t.alloc)], ctx, 'alloc ');
  const metrics = pairedMetrics(alloc, partners, 'allocNs');
  let all = alloc[0];
  if (job.peer !== 'js-gc') {
    const reset = measure([mine.reset, ...theirs.map((t) => t.reset)], ctx, 'reset ');
    const m = pairedMetrics(reset, partners, 'resetNs');
    metrics.resetNs = m.resetNs;
    for (const p of partners) metrics[`reset vs:${p}`] = m[`vs:${p}`];
    all = all.concat(reset[0]);
  }
  return { metrics, extra: { resetEvery: BATCH, ...retryInfo(all) } };
}
