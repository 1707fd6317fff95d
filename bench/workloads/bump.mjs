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

/** Calibrated repetitions of `loop(k, n) → k`; returns ns per iteration for each repetition. */
async function measure(loop, ctx, label) {
  let k = 0;
  const warmEnd = performance.now() + ctx.warmMs;
  while (performance.now() < warmEnd) k = loop(k, 4096);
  const t0 = performance.now();
  let n = 1024;
  let done = 0;
  for (;;) {
    k = loop(k, n);
    done += n;
    const dt = performance.now() - t0;
    if (dt > ctx.repMs / 8) {
      n = Math.max(BATCH, Math.round((done * ctx.repMs) / dt / BATCH) * BATCH);
      break;
    }
    n *= 2;
  }
  const reps = [];
  for (let r = 0; r < ctx.reps; r++) {
    ctx.progress(`${label} rep ${r + 1}/${ctx.reps}`);
    reps.push(timeRep(() => (k = loop(k, n)), n));
  }
  return reps;
}

export async function run(job, ctx) {
  const a = await makeBump(job.peer);
  const sizes = sizeSequence('small', 21);
  const out = new Array(BATCH).fill(0);
  const alloc = await measure((k, n) => bumpLoop(a, out, sizes, k, n), ctx, 'alloc');
  const metrics = { allocNs: summarize(alloc.map((r) => r.ns), 'ns') };
  let all = alloc;
  if (job.peer !== 'js-gc') {
    a.alloc(64);
    const reset = await measure((k, n) => resetLoop(a, k, n), ctx, 'reset');
    metrics.resetNs = summarize(reset.map((r) => r.ns), 'ns');
    all = all.concat(reset);
  }
  return { metrics, extra: { resetEvery: BATCH, ...retryInfo(all) } };
}
