// Workload 5 — bump: arena allocation of random 16–512 B sizes (reset every 1 024 allocations)
// against the floor (an empty wasm export with the same signature, in the same loop), a JS bump
// pointer over an ArrayBuffer and `new Uint8Array` (V8's young generation is a bump allocator too).
// Also the cost of a reset on its own, against an empty wasm call.

import { loadAsPeer, loadWasmArena, JsBump } from '../lib/peers.mjs';
import { sizeSequence, SEQ_MASK } from '../lib/prng.mjs';
import { summarize } from '../lib/stats.mjs';
import { timeRep, retryInfo } from '../lib/timing.mjs';

const BATCH = 1024; // allocations between resets: ≤ 1024 × 520 B fits in the 1 MiB arena

function bumpLoop(a, out, sizes, from, count) {
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
      const ex = loadAsPeer('floor');
      return { alloc: (n) => ex.alloc(n), reset: () => ex.nop() };
    }
    case 'wasm-arena': {
      const { Heap } = await loadWasmArena();
      const heap = new Heap({ initialBytes: 4 << 20 });
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

/** A copy of `fn` with its own type feedback, for a second allocator in the same process. */
function fresh(fn) {
  return new Function('BATCH', 'SEQ_MASK', `return ${fn.toString()}`)(BATCH, SEQ_MASK);
}

/**
 * Calibrated repetitions of each `loop(k, n) → k` in `loops`, alternating repetition by
 * repetition (all get the same n); returns, per loop, ns per iteration for each repetition.
 */
async function measure(loops, ctx, label) {
  const ks = loops.map(() => 0);
  const warmEnd = performance.now() + ctx.warmMs;
  while (performance.now() < warmEnd) loops.forEach((loop, i) => (ks[i] = loop(ks[i], 4096)));
  const t0 = performance.now();
  let n = 1024;
  let done = 0;
  for (;;) {
    ks[0] = loops[0](ks[0], n);
    done += n;
    const dt = performance.now() - t0;
    if (dt > ctx.repMs / 8) {
      n = Math.max(BATCH, Math.round((done * ctx.repMs) / dt / BATCH) * BATCH);
      break;
    }
    n *= 2;
  }
  const reps = loops.map(() => []);
  for (let r = 0; r < ctx.reps; r++) {
    ctx.progress(`${label} rep ${r + 1}/${ctx.reps}`);
    loops.forEach((loop, i) => reps[i].push(timeRep(() => (ks[i] = loop(ks[i], n)), n)));
  }
  return reps;
}

export async function run(job, ctx) {
  const a = await makeBump(job.peer);
  const sizes = sizeSequence('small', 21);
  const out = new Array(BATCH).fill(0);
  // wasm-arena's process also times the floor, alternating repetitions, each with its own copy
  // of the loops: the ratio of neighbouring repetitions survives the load swings of a shared machine.
  const floor = job.peer === 'wasm-arena' ? await makeBump('floor') : null;
  const out2 = new Array(BATCH).fill(0);
  const bumpLoop2 = fresh(bumpLoop);
  const resetLoop2 = fresh(resetLoop);
  const allocLoops = [(k, n) => bumpLoop(a, out, sizes, k, n)];
  if (floor) allocLoops.push((k, n) => bumpLoop2(floor, out2, sizes, k, n));
  const [alloc, allocFloor] = await measure(allocLoops, ctx, 'alloc');
  const metrics = { allocNs: summarize(alloc.map((r) => r.ns), 'ns') };
  if (floor) metrics.pairedVsFloor = summarize(alloc.map((r, i) => r.ns / allocFloor[i].ns), '×');
  let all = alloc;
  if (job.peer !== 'js-gc') {
    a.alloc(64);
    const resetLoops = [(k, n) => resetLoop(a, k, n)];
    if (floor) resetLoops.push((k, n) => resetLoop2(floor, k, n));
    const [reset, resetFloor] = await measure(resetLoops, ctx, 'reset');
    metrics.resetNs = summarize(reset.map((r) => r.ns), 'ns');
    if (floor) metrics.resetPairedVsFloor = summarize(reset.map((r, i) => r.ns / resetFloor[i].ns), '×');
    all = all.concat(reset);
  }
  return { metrics, extra: { resetEvery: BATCH, ...retryInfo(all) } };
}
