// Workload — scope: entering and leaving an arena scope, in the two zero-garbage forms
// wasm-arena offers: a frame closed in `finally` (native `using` calls the same dispose) and
// `arena.scope(fn)` with a function made once; empty, and with one 16-byte allocation inside.
// Also counts GC events while SCOPES frames (each with its allocation) open and close.

import { loadWasmArena } from '../lib/peers.mjs';
import { summarize } from '../lib/stats.mjs';
import { timeRep, retryInfo } from '../lib/timing.mjs';
import { GcWatch } from '../lib/gcwatch.mjs';

const SCOPES = 10_000_000; // scopes of the GC count

export async function run(job, ctx) {
  if (job.peer !== 'wasm-arena') throw new Error(`scope: no ${job.peer} variant`);
  const { Heap } = await loadWasmArena();
  const heap = new Heap({ initialBytes: 1 << 20 });
  const arena = heap.arena(64 * 1024);
  let sink = 0;
  const empty = () => 0;
  const loops = {
    frame(n) {
      for (let i = 0; i < n; i++) {
        const f = arena.frame();
        try {
          sink ^= i;
        } finally {
          f.dispose();
        }
      }
    },
    scope(n) {
      for (let i = 0; i < n; i++) sink ^= arena.scope(empty);
    },
    frameAlloc(n) {
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
  const warmEnd = performance.now() + ctx.warmMs;
  while (performance.now() < warmEnd) for (const k of names) loops[k](10_000);
  let n = 10_000;
  for (;;) {
    const t0 = performance.now();
    loops.frame(n);
    if (performance.now() - t0 > ctx.repMs / 4) break;
    n *= 2;
  }
  n *= 4;
  const ns = Object.fromEntries(names.map((k) => [k, []]));
  const all = [];
  for (let r = 0; r < ctx.reps; r++) {
    ctx.progress(`rep ${r + 1}/${ctx.reps}`);
    for (const k of names) {
      const rep = timeRep(() => loops[k](n), n);
      ns[k].push(rep.ns);
      all.push(rep);
    }
  }
  // GC events while SCOPES frames open and close (the quick run counts fewer).
  const count = ctx.audioBlocks >= 100_000 ? SCOPES : SCOPES / 10;
  const watch = new GcWatch();
  await watch.startRep();
  const t0 = performance.now();
  loops.frameAlloc(count);
  const t1 = performance.now();
  await watch.flush();
  const gcEvents = watch.inWindows([[t0, t1]]).length;
  watch.stop();
  if (arena.used !== 0) throw new Error('scope: the arena was not reset');
  return {
    metrics: {
      frameNs: summarize(ns.frame, 'ns'),
      scopeNs: summarize(ns.scope, 'ns'),
      frameAllocNs: summarize(ns.frameAlloc, 'ns'),
      gcEvents: summarize([gcEvents], 'events'),
    },
    extra: { gcScopes: count, sink: sink & 1, ...retryInfo(all) },
  };
}
