// Workload — scope: entering and leaving an arena scope, in the two zero-garbage forms wasm-arena
// offers: a frame closed in `finally` (`f = arena.frame(); try { … } finally { f.dispose() }`,
// which is what native `using f = arena.frame()` runs) and `arena.scope(fn)` with a function made
// once; each empty, and the frame also with one 16-byte allocation inside. The three loops
// alternate repetition by repetition. Then counts the GC events while ctx.scopes frames, each
// with its allocation, open and close (10,000,000; fewer in a quick run).
//
// Two heaps, a job each: a default one (growable, as the other arena workloads use: in engines
// with toResizableBuffer its memory becomes a resizable buffer, whose views are slower in
// Chromium) and a fixed-size one (a plain buffer everywhere).

import { env } from '../lib/env.mjs';
import { makeHeap } from '../lib/peers.mjs';
import { summarize } from '../lib/stats.mjs';
import { warm, calibrate, alternate, retryInfo } from '../lib/timing.mjs';

const ARENA_BYTES = 64 * 1024;

export async function run(job, ctx) {
  if (job.peer !== 'wasm-arena') throw new Error(`scope: no ${job.peer} variant`);
  const heap = await makeHeap(1 << 20, { fixed: job.params.heap === 'fixed' });
  const arena = heap.arena(ARENA_BYTES);
  let sink = 0; // keeps each loop's work observable
  const empty = () => 0;
  const loops = {
    frameNs(n) {
      for (let i = 0; i < n; i++) {
        const f = arena.frame();
        try {
          sink ^= i;
        } finally {
          f.dispose();
        }
      }
    },
    scopeNs(n) {
      for (let i = 0; i < n; i++) sink ^= arena.scope(empty);
    },
    frameAllocNs(n) {
      for (let i = 0; i < n; i++) {
        const f = arena.frame();
        try {
          sink ^= arena.alloc(16);
        } finally {
          f.dispose();
        }
      }
    },
  };
  const names = Object.keys(loops);
  const runners = names.map((k) => ({ step: loops[k] }));
  for (const r of runners) warm(r, ctx.warmMs, 1_000_000);
  const n = calibrate(runners[0], ctx.repMs);
  const reps = alternate(runners, n, ctx);
  const metrics = Object.fromEntries(names.map((k, i) => [k, summarize(reps[i].map((r) => r.ns), 'ns')]));
  // GC events while ctx.scopes frames open and close, each with an allocation inside.
  const watch = await env.gcWatch();
  await watch.startRep();
  const t0 = performance.now();
  loops.frameAllocNs(ctx.scopes);
  const t1 = performance.now();
  await watch.flush();
  const gcEvents = watch.inWindows([[t0, t1]]).length;
  watch.stop();
  if (arena.used !== 0) throw new Error(`scope: ${arena.used} bytes still allocated after every scope closed`);
  metrics.gcEvents = summarize([gcEvents], 'events');
  // A growable, non-shared heap whose views survive growth has a resizable buffer.
  const resizableBuffer = !heap.shared && heap.maximumBytes > heap.memory.buffer.byteLength && heap.stableViews;
  const extra = { opsPerRep: n, gcScopes: ctx.scopes, gcMethod: watch.method, resizableBuffer, sink: sink & 1 };
  return { metrics, extra: { ...extra, ...retryInfo(reps.flat()) } };
}
