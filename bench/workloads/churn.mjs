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

/** A copy of churnLoop with its own type feedback, for a second allocator in the same process. */
function freshLoop() {
  return new Function('SEQ_MASK', `return ${churnLoop.toString()}`)(SEQ_MASK);
}

/** One allocator's live set and position in the sequences, driven by its own loop function. */
async function makeRunner(peer, live, sizes, idx, loop) {
  const a = await makeAllocator(peer, live * meanSize(sizes));
  const slots = new Array(live).fill(0);
  for (let i = 0; i < live; i++) slots[i] = a.alloc(sizes[(i * 7919) & SEQ_MASK]);
  const r = {
    k: 0,
    run(n) {
      r.k = loop(a, slots, idx, sizes, r.k, n);
    },
    // Warm-up (excluded): until the live set has turned over twice and the loop is optimised,
    // or the time cap is reached (the O(n) peers at large N).
    warm(ms) {
      const end = performance.now() + ms;
      const ops = Math.max(2 * live, 50_000);
      for (let chunk = 16; r.k < ops && performance.now() < end; chunk = Math.min(16384, chunk * 2)) r.run(chunk);
    },
    /** Operations per repetition for about `ms` milliseconds. */
    calibrate(ms) {
      const t0 = performance.now();
      let n = 8;
      let done = 0;
      for (;;) {
        r.run(n);
        done += n;
        const dt = performance.now() - t0;
        if (dt > ms / 8) return Math.max(8, Math.round((done * ms) / dt));
        n *= 2;
      }
    },
  };
  return r;
}

export async function run(job, ctx) {
  const { peer, variant, live } = job;
  const sizes = sizeSequence(variant);
  const idx = slotSequence(live);
  const main = await makeRunner(peer, live, sizes, idx, churnLoop);
  main.warm(ctx.warmMs);
  const n = main.calibrate(ctx.repMs);
  // wasm-arena's process also times the floor and AS TLSF, alternating repetition by repetition
  // (each with its own copy of the loop): ratios of neighbouring repetitions survive the load
  // swings of a shared machine that separate processes, seconds apart, do not. Neither makes garbage.
  const partners = [];
  if (peer === 'wasm-arena') {
    for (const p of ['floor', 'as-tlsf']) {
      const r = await makeRunner(p, live, sizes, idx, freshLoop());
      r.warm(ctx.warmMs);
      r.calibrate(ctx.repMs / 4);
      partners.push([p, r, []]);
    }
  }
  const reps = [];
  for (let i = 0; i < ctx.reps; i++) {
    ctx.progress(`rep ${i + 1}/${ctx.reps}`);
    reps.push(timeRep(() => main.run(n), n));
    for (const [, r, out] of partners) out.push(timeRep(() => r.run(n), n));
  }
  const metrics = { nsPerPair: summarize(reps.map((r) => r.ns), 'ns') };
  for (const [p, , out] of partners) metrics[p === 'floor' ? 'pairedVsFloor' : 'pairedVsAsTlsf'] = summarize(reps.map((r, i) => r.ns / out[i].ns), '×');
  return { metrics, extra: { opsPerRep: n, totalOps: main.k, ...retryInfo(reps) } };
}
