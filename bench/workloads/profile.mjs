// Workload — profile: what profiling costs. The churn loop of the churn workload (16–512 B,
// 1,000 live, a random slot freed and refilled each step) on a profile heap (new Heap({
// profile: true }): every block gets a trailer, every pair updates its tags' tallies), and in
// the same process, alternating repetition by repetition with its own copy of the loop, on a
// plain heap. Reports ns per pair on the profile heap and the paired ratio to the plain heap.

import { env } from '../lib/env.mjs';
import { makeAllocator, MAX_WASM_BYTES } from '../lib/peers.mjs';
import { sizeSequence, slotSequence, meanSize } from '../lib/prng.mjs';
import { warm, calibrate, alternate, pairedMetrics, retryInfo } from '../lib/timing.mjs';
import { churnRunner, freshChurnLoop, warmOps } from './churn.mjs';

export const LIVE = 1000;

/** A profile heap with room for the live set, under two tags; or why this build has none. */
async function profileHeap(bytes) {
  const { Heap } = await env.loadWasmArena();
  try {
    await env.loadWasmArena('profile');
  } catch (e) {
    return `no 'wasm-arena/profile' entry point in this build (${e.message})`;
  }
  const heap = new Heap({ initialBytes: Math.max(1 << 20, Math.ceil(bytes)), maximumBytes: MAX_WASM_BYTES, profile: true });
  if (typeof heap.report !== 'function') return 'this build has no profiler';
  heap.tag('churn');
  return heap;
}

export async function run(job, ctx) {
  const sizes = sizeSequence('small');
  const idx = slotSequence(LIVE);
  const hint = LIVE * meanSize(sizes) * 1.5;
  const heap = await profileHeap(hint);
  if (typeof heap === 'string') return { unavailable: heap, metrics: {}, extra: {} };
  const main = await churnRunner({ alloc: (n) => heap.alloc(n), free: (p) => heap.free(p) }, LIVE, sizes, idx);
  warm(main, ctx.warmMs, warmOps(LIVE));
  const n = calibrate(main, ctx.repMs);
  const plain = await churnRunner(await makeAllocator('wasm-arena-heap', hint), LIVE, sizes, idx, freshChurnLoop());
  warm(plain, ctx.warmMs, warmOps(LIVE));
  const reps = alternate([main, plain], n, ctx);
  // After timing: the tallies still agree with a walk of the trailers, and count every pair.
  heap.check();
  const churn = heap.report().tags.find((t) => t.tag === 'churn');
  return {
    metrics: pairedMetrics(reps, ['wasm-arena-heap']),
    extra: { opsPerRep: n, totalOps: main.k, allocsCounted: churn?.allocs ?? 0, ...retryInfo(reps[0]) },
  };
}
