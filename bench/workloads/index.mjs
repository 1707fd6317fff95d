// The workloads and their peers: the one list the plan, the tables, the JSON and the report are
// built from. Adding a workload is a module in this folder exporting
//
//     export async function run(job, ctx) → { metrics, extra }   (or { unavailable: 'why' })
//
// (metrics: name → { unit, median, min, max, reps }, see lib/stats.mjs `summarize`) plus one entry
// here; adding a peer to a workload is its id in `peers` and a case in the workload's module.
// Workloads run in Node and in Chromium: they reach the host only through lib/env.mjs.
//
// Entry fields:
//   title     heading of the workload's table ([path] = the wasm-arena API it measures)
//   kind      'micro' (rounds of short timed repetitions), 'long' (one long run per repetition)
//             or 'once' (deterministic, runs once)
//   peers     peer ids (lib/peers.mjs): wasm-arena's first, then 'js-gc' (in Chromium the peers of
//             a group share a renderer, and the JS GC peer must not follow another's garbage)
//   params    (mode) → list of parameter objects, one job per peer and parameter set
//   label     (params) → row label prefix
//   metrics   [metric, row label, unit]: one table row each
//   browser   false, or a sentence why it runs in Node only
//   notes     sentences printed under the table (what its rows measure)
//   hostNotes host → a sentence printed under the table when that host ran
//   progress  metrics shown on the job's progress line (default: the first)

import { LIVE_SETS, VARIANTS } from '../lib/prng.mjs';

const ALL_CHURN = ['wasm-arena', 'js-gc', 'js-pool', 'thing', 'as-tlsf', 'floor'];

export const WORKLOADS = {
  churn: {
    title: 'heap churn: free a random slot, allocate a random size into it · ns per alloc+free [heap]',
    kind: 'micro',
    peers: ALL_CHURN,
    params: (mode) =>
      Object.keys(VARIANTS).flatMap((variant) =>
        LIVE_SETS.filter((live) => mode.churnLive(variant, live)).map((live) => ({ variant, live })),
      ),
    label: (p) => `${VARIANTS[p.variant]}, ${p.live.toLocaleString('en-US')} live`,
    metrics: [['nsPerPair', '', 'ns']],
  },
  pool: {
    title: 'pool: 64 B blocks, 1,000 live, freed in random order · ns per alloc+free [pool]',
    kind: 'micro',
    peers: ['wasm-arena', 'wasm-arena-heap', 'js-gc', 'js-pool', 'floor'],
    metrics: [
      ['nsPerPair', 'alloc+free', 'ns'],
      ['gcEvents', 'GC events', 'events'],
    ],
  },
  typed: {
    title: 'Float32Array(128) own + release, 1,000 live · ns per pair [allocArray]',
    kind: 'micro',
    peers: ['wasm-arena', 'js-gc', 'js-pool', 'js-prealloc', 'thing', 'as-tlsf'],
    metrics: [['nsPerPair', 'allocArray+free', 'ns']],
  },
  bump: {
    title: 'bump allocation of 16–512 B, reset every 1,024 [arena]',
    kind: 'micro',
    peers: ['wasm-arena', 'js-gc', 'js-pool', 'floor'],
    metrics: [
      ['allocNs', 'alloc', 'ns'],
      ['resetNs', 'reset', 'ns'],
    ],
    progress: ['allocNs', 'resetNs'],
  },
  scope: {
    title: 'scope: enter and leave an arena scope · ns per scope [arena.frame(), arena.scope(fn)]',
    kind: 'micro',
    peers: ['wasm-arena'],
    params: () => [{ heap: 'default' }, { heap: 'fixed' }],
    label: (p) => (p.heap === 'fixed' ? 'fixed-size heap' : 'default heap'),
    progress: ['frameNs', 'scopeNs'],
    metrics: [
      ['frameNs', 'frame() + dispose()', 'ns'],
      ['scopeNs', 'scope(fn)', 'ns'],
      ['frameAllocNs', 'frame + alloc(16)', 'ns'],
      ['gcEvents', 'GC events', 'events'],
    ],
    notes: [
      'frame() + dispose() in try/finally is what `using f = arena.frame()` runs; scope(fn) with fn ' +
        'made once. GC events: while 10,000,000 frames with an alloc(16) inside open and close (a quick ' +
        'run counts 1,000,000). Default heap: growable, so where the engine has toResizableBuffer ' +
        '(Chromium) its memory is a resizable buffer; fixed-size heap: a plain buffer everywhere.',
    ],
  },
  audio: {
    title: 'audio: 128-frame blocks, 4 temporary buffers each · block time [arena]',
    kind: 'long',
    peers: ['wasm-arena', 'wasm-arena-heap', 'js-gc', 'js-pool', 'js-prealloc', 'thing', 'as-tlsf', 'floor'],
    progress: ['p50', 'p999'],
    metrics: [
      ['p50', 'p50', 'µs'],
      ['p99', 'p99', 'µs'],
      ['p999', 'p99.9', 'µs'],
      ['max', 'max', 'µs'],
      ['gcEvents', 'GC events', 'events'],
      ['gcMs', 'GC time', 'ms'],
      ['gcLongestMs', 'longest GC', 'ms'],
      ['missPct', 'late blocks', '%'],
    ],
    hostNotes: { chromium: 'block times under 5 µs read 0 µs: the timer of an isolated page moves in 5 µs steps' },
  },
  particles: {
    title: 'particles: 2,000 spawned per frame, ~50,000 live · frame time; update: 10,000 moved, none spawned · ns per particle [heap, soa, cursor]',
    kind: 'long',
    peers: ['wasm-arena', 'wasm-arena-soa', 'wasm-arena-cursor', 'js-gc', 'js-pool', 'js-prealloc', 'as-tlsf'],
    progress: ['p50', 'p99', 'updateNs', 'vs:js-gc'],
    metrics: [
      ['p50', 'p50', 'ms'],
      ['p99', 'p99', 'ms'],
      ['max', 'max', 'ms'],
      ['gcEvents', 'GC events', 'events'],
      ['gcMs', 'GC time', 'ms'],
      ['gcLongestMs', 'longest GC', 'ms'],
      ['updateNs', 'update', 'ns'],
      ['vs:js-gc', '÷ objects', '×'],
    ],
    notes: [
      'update: gravity and motion over 10,000 particles, nothing allocated: heap.f32 by hand (wasm-arena) ' +
        'and a cursor over records side by side in one block, heap.soa columns, Float32Array columns ' +
        '(JS pre), plain objects made in one go (JS GC: their best case). ÷ objects: the same update of ' +
        'plain objects timed in the same process, alternating repetitions (the struct targets). ' +
        "wasm-arena's heaps here are fixed-size: they never grow, so no buffer is detached (which slows " +
        'every typed-array access in V8) and none becomes a resizable buffer.',
    ],
  },
  ring: {
    title: 'ring: 128 floats pushed then popped, 1,024-frame ring, one thread · ns per push+pop [ring]',
    kind: 'micro',
    peers: ['wasm-arena', 'ringbuf', 'js-prealloc'],
    metrics: [
      ['nsPerPair', 'push+pop', 'ns'],
      ['sharedNs', 'push+pop, shared heap (Atomics)', 'ns'],
      ['gcEvents', 'GC events', 'events'],
    ],
    hostNotes: { node: 'wasm-arena: a fixed-size heap (plain index loads and stores) and a shared heap (Atomics on the indices, as between threads)' },
  },
  profile: {
    title: 'profiling cost: churn 16–512 B, 1,000 live, on a profile heap · ns per alloc+free [heap, profile build]',
    kind: 'micro',
    peers: ['wasm-arena'],
    metrics: [
      ['nsPerPair', 'alloc+free', 'ns'],
      ['vs:wasm-arena-heap', '÷ the plain heap, same process', '×'],
    ],
  },
  threads: {
    title: 'threads: one shared heap, churn of 1,000 live blocks of 16–512 B per thread [heap, shared build]',
    kind: 'long',
    peers: ['wasm-arena'],
    progress: ['scaling', 'rtP999'],
    metrics: [
      ['scaling', '2 threads ÷ 1 thread, throughput', '×'],
      ['mops1', '1 thread', 'Mops/s'],
      ['mops2', '2 threads (each its own blocks)', 'Mops/s'],
      ['sharedNs', '1 thread, shared heap, per pair', 'ns'],
      ['sharedVsPlain', '1 thread: shared ÷ non-shared heap', '×'],
      ['rtP50', 'realtime thread under load: p50', 'µs'],
      ['rtP99', 'realtime p99', 'µs'],
      ['rtP999', 'realtime p99.9', 'µs'],
      ['rtMax', 'realtime max', 'µs'],
      ['rtWaits', 'realtime lock waits', 'events'],
    ],
    hostNotes: {
      chromium: 'realtime pair times read in 5 µs steps (the timer of an isolated page and its Workers)',
      node: 'scaling is bounded by the cores the machine lends the two threads (2 at most: 2×)',
    },
  },
  footprint: {
    title: 'footprint: one recorded churn trace, 10,000 live of 16–512 B [heap]',
    kind: 'once',
    peers: ['wasm-arena', 'js-gc', 'js-pool', 'thing', 'as-tlsf'],
    progress: ['peakHeapBytes', 'ratio'],
    metrics: [
      ['peakHeapBytes', 'peak heap', 'B'],
      ['ratio', 'peak heap ÷ peak live', '×'],
      ['overheadPerBlock', 'bytes/block over request', 'B'],
    ],
    browser: 'the allocators replay the same trace deterministically in every engine',
  },
};

/** Parameter sets of a workload in a mode (one empty set when it has none). */
export function paramsOf(name, mode) {
  return WORKLOADS[name].params?.(mode) ?? [{}];
}

/** Row label of a (params, metric label) pair. */
export function rowLabel(name, params, metricLabel) {
  const prefix = WORKLOADS[name].label?.(params);
  return [prefix, metricLabel].filter(Boolean).join(' · ');
}
