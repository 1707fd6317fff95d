// Workload — churn: a live set of N blocks; each step picks a random slot, frees its block and
// allocates a new random size into it. Reports ns per alloc+free pair. Every peer runs the same
// loop over the same pre-generated sizes and slot indices.

import { makeAllocator } from '../lib/peers.mjs';
import { sizeSequence, slotSequence, SEQ_MASK, meanSize } from '../lib/prng.mjs';
import { warm, calibrate, alternate, pairedMetrics, retryInfo, fresh } from '../lib/timing.mjs';

/** The measured loop: identical source for every peer (one peer per process keeps it monomorphic). */
function churnLoop(a, slots, idx, sizes, from, count) {
  const end = from + count;
  for (let k = from; k < end; k++) {
    const m = k & SEQ_MASK;
    const j = idx[m];
    a.free(slots[j]);
    slots[j] = a.alloc(sizes[m]);
  }
  return end;
}

/** One allocator's live set and position in the sequences, driven by its own loop function. */
export async function churnRunner(a, live, sizes, idx, loop = churnLoop) {
  const slots = new Array(live).fill(0);
  for (let i = 0; i < live; i++) slots[i] = a.alloc(sizes[(i * 7919) & SEQ_MASK]);
  const r = {
    k: 0,
    step(n) {
      r.k = loop(a, slots, idx, sizes, r.k, n);
    },
  };
  return r;
}

/** A copy of the churn loop with its own type feedback, for a partner in the same process. */
export const freshChurnLoop = () => fresh(churnLoop, { SEQ_MASK });

/** Warm-up (excluded): the live set turns over twice and the loop is optimised, or time runs out. */
export const warmOps = (live) => Math.max(2 * live, 50_000);

export async function run(job, ctx) {
  const { peer, variant, live } = job;
  const sizes = sizeSequence(variant);
  const idx = slotSequence(live);
  const hint = live * meanSize(sizes);
  const main = await churnRunner(await makeAllocator(peer, hint), live, sizes, idx);
  warm(main, ctx.warmMs, warmOps(live));
  const n = calibrate(main, ctx.repMs);
  // wasm-arena's process also times the floor and AS TLSF, alternating repetition by repetition,
  // each with its own copy of the loop. Neither makes garbage.
  const partners = peer === 'wasm-arena' ? ['floor', 'as-tlsf'] : [];
  const runners = [main];
  for (const p of partners) {
    const r = await churnRunner(await makeAllocator(p, hint), live, sizes, idx, freshChurnLoop());
    warm(r, ctx.warmMs, warmOps(live));
    runners.push(r);
  }
  const reps = alternate(runners, n, ctx);
  return { metrics: pairedMetrics(reps, partners), extra: { opsPerRep: n, totalOps: main.k, ...retryInfo(reps[0]) } };
}
