// Workload 1 — churn: a live set of N blocks; each step picks a random slot, frees its block and
// allocates a new random size into it. Reports ns per alloc+free pair. Every peer runs the same
// loop over the same pre-generated sizes and slot indices.

import { makeAllocator } from '../lib/peers.mjs';
import { sizeSequence, slotSequence, SEQ_MASK, meanSize } from '../lib/prng.mjs';
import { summarize } from '../lib/stats.mjs';
import { timeRep, retryInfo } from '../lib/timing.mjs';

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

export async function run(job, ctx) {
  const { peer, variant, live } = job;
  const sizes = sizeSequence(variant);
  const idx = slotSequence(live);
  const a = await makeAllocator(peer, live * meanSize(sizes));
  const slots = new Array(live).fill(0);
  for (let i = 0; i < live; i++) slots[i] = a.alloc(sizes[(i * 7919) & SEQ_MASK]);

  // Warm-up (excluded): until the live set has turned over twice and the loop is optimised,
  // or the time cap is reached (the O(n) peers at large N).
  let k = 0;
  const warmEnd = performance.now() + ctx.warmMs;
  const warmOps = Math.max(2 * live, 50_000);
  let chunk = 16;
  while (k < warmOps && performance.now() < warmEnd) {
    k = churnLoop(a, slots, idx, sizes, k, chunk);
    if (chunk < 16384) chunk *= 2;
  }
  // Calibrate the repetition length to about ctx.repMs.
  const t0 = performance.now();
  let n = 8;
  let done = 0;
  for (;;) {
    k = churnLoop(a, slots, idx, sizes, k, n);
    done += n;
    const dt = performance.now() - t0;
    if (dt > ctx.repMs / 8) {
      n = Math.max(8, Math.round((done * ctx.repMs) / dt));
      break;
    }
    n *= 2;
  }
  const reps = [];
  for (let r = 0; r < ctx.reps; r++) {
    ctx.progress(`rep ${r + 1}/${ctx.reps}`);
    reps.push(timeRep(() => (k = churnLoop(a, slots, idx, sizes, k, n)), n));
  }
  return {
    metrics: { nsPerPair: summarize(reps.map((r) => r.ns), 'ns') },
    extra: { opsPerRep: n, totalOps: k, ...retryInfo(reps) },
  };
}
