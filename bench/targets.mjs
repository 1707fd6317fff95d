// The project's performance targets: ratios measured side by side in one run, on every host the
// run covered (Node, Chromium). `npm run bench` prints them as pass/miss rows and explains each
// miss in one line (why, and what it would take); it never fails on them.
//
// Ratios to the floor, to AS TLSF and to the JS pool are *paired*: the wasm-arena job's own
// process (or page) times those peers too, alternating repetition by repetition with its own copy
// of the loop, and the ratio is the median of the per-repetition ratios. Ratios to the JS GC and
// to @thi.ng/malloc (which would disturb a shared process) come from separate jobs of the run.
//
// A target is { what, wanted, pass(value), measure(q) → { value, shown? } | { missing },
// why(q, value) → one line, hosts? }. `q` reads one host's results (see query() below); a
// target whose figure does not depend on the engine lists hosts: ['node'].

import { find } from './lib/rows.mjs';
import { num } from './lib/format.mjs';

const x = (v) => `${num(v)}×`;
const ns = (v) => `${num(v)} ns`;

/** A metric's median from one job, or why it is missing. */
function figure(q, workload, peer, metric, params = {}) {
  const r = q.result(workload, peer, params);
  if (!r) return { missing: q.failed(workload, peer, params) ?? 'not measured' };
  if (r.unavailable) return { missing: 'not in this build' };
  const v = r.metrics[metric]?.median;
  return v == null ? { missing: 'not measured' } : { value: v };
}

/** Paired ratio of the wasm-arena job to a partner, or why it is missing. */
const paired = (q, workload, params, partner) => figure(q, workload, 'wasm-arena', `vs:${partner}`, params);

/** The update of 10,000 particles (particles workload): ns per particle in a job's own layout. */
const updateNs = (q, peer) => q.med('particles', peer, 'updateNs');
/** …and of plain objects, timed beside it in the same process. */
const objectsNs = (q, peer) => q.med('particles', peer, 'objectsNs');

const SCOPES = 10_000_000;
const DEFAULT_HEAP = { heap: 'default' };
const FIXED_HEAP = { heap: 'fixed' };

/** The floor's ns per pair as the wasm-arena job measured it beside itself (paired). */
function pairedFloorNs(q, params) {
  const r = q.result('churn', 'wasm-arena', params);
  return r?.metrics.nsPerPair.median / r?.metrics['vs:floor']?.median;
}

const SMALL_1K = { variant: 'small', live: 1000 };

/** A figure of the threads workload, or why it is missing. */
function threadsFigure(q, metric) {
  const r = q.result('threads', 'wasm-arena');
  if (!r) return { missing: q.failed('threads', 'wasm-arena') ?? 'not measured' };
  const v = r.metrics[metric]?.median;
  return v == null ? { missing: 'not measured' } : { value: v };
}

export const TARGETS = [
  {
    what: 'pool pair vs JS pool (64 B, 1,000 live)',
    wanted: '≤ 1.0×',
    pass: (v) => v <= 1.0,
    measure: (q) => paired(q, 'pool', {}, 'js-pool'),
    why: (q) =>
      `pool.alloc+free costs ${ns(q.med('pool', 'wasm-arena', 'nsPerPair'))}, an Array pop/push ` +
      `${ns(q.med('pool', 'js-pool', 'nsPerPair'))}, neither calling wasm; bench/fastpath-ab.mjs times a bare copy ` +
      "of the pool (the same stack in memory, nothing checked) at about the JS pool's cost: the gap is the " +
      'O(1) ownership and double-free checks (slab key, slot by multiply, position word); it would take cheaper checks',
  },
  {
    what: 'pool pair vs two empty wasm calls',
    wanted: '≤ 0.5×',
    pass: (v) => v <= 0.5,
    measure: (q) => paired(q, 'pool', {}, 'floor'),
    why: (q, v) =>
      `alloc+free costs ${ns(q.med('pool', 'wasm-arena', 'nsPerPair'))}, ${x(v)} two empty calls, with no wasm ` +
      "call: the loop (slot and size reads, two JS calls) is in both figures, and bench/fastpath-ab.mjs's bare " +
      'pool (a push and a pop, nothing checked) misses this ratio too; it would take a loop cheaper than the calls it replaces',
  },
  {
    what: 'pool: GC events while timing',
    wanted: '0',
    pass: (v) => v === 0,
    measure: (q) => {
      const r = q.result('pool', 'wasm-arena');
      if (!r) return { missing: q.failed('pool', 'wasm-arena') ?? 'not measured' };
      if (r.unavailable) return { missing: 'not in this build' };
      return { value: r.metrics.gcEvents.median };
    },
    why: () => "the pool's alloc/free leave JS objects behind; it would take a path that deals only in small integers",
  },
  {
    what: 'heap vs AS TLSF, 16–512 B, 1,000 live',
    wanted: '≤ 0.35×',
    pass: (v) => v <= 0.35,
    measure: (q) => paired(q, 'churn', SMALL_1K, 'as-tlsf'),
    why: (q) =>
      `a pair is a cache pop and push in JavaScript (no wasm call) costing ${ns(q.med('churn', 'wasm-arena', 'nsPerPair', SMALL_1K))}, ` +
      `two empty wasm calls ${ns(pairedFloorNs(q, SMALL_1K))}: this engine runs that JavaScript slower relative to ` +
      'its wasm calls than Node does; it would take fewer reads and checks per pop and push (bench/fastpath-ab.mjs: a bare cache)',
  },
  {
    what: 'heap vs two empty wasm calls, same',
    wanted: '≤ 1.0×',
    pass: (v) => v <= 1.0,
    measure: (q) => paired(q, 'churn', SMALL_1K, 'floor'),
    why: (q) =>
      `a pair never calls wasm (a cache pop and push in JavaScript) yet costs ${ns(q.med('churn', 'wasm-arena', 'nsPerPair', SMALL_1K))}: ` +
      "each checks the bin entry's size and check word and flips its kind (the double-free test); " +
      "bench/fastpath-ab.mjs's bare cache (nothing checked) runs at about the floor: it would take fewer checks per pair",
  },
  {
    what: 'heap vs AS TLSF, 16 B–64 KiB, 1,000 live',
    wanted: '≤ 0.8×',
    pass: (v) => v <= 0.8,
    measure: (q) => paired(q, 'churn', { variant: 'wide', live: 1000 }, 'as-tlsf'),
    why: () =>
      "blocks above 1 KiB take one wasm call each way, as AS TLSF's do, and safe unlinking reads each list " +
      'neighbour before writing it (a cache miss that a store alone would not wait for): bench/checks-ab.mjs ' +
      'measures +40–60 % for 1–64 KiB pairs; it would take checks that read only the block itself (links check-worded there)',
  },
  {
    what: 'heap cost growth, live 100 → 10,000',
    wanted: '≤ 1.25×',
    pass: (v) => v <= 1.25,
    measure: (q) => {
      const a = q.med('churn', 'wasm-arena', 'nsPerPair', { variant: 'small', live: 100 });
      const b = q.med('churn', 'wasm-arena', 'nsPerPair', { variant: 'small', live: 10_000 });
      return a && b ? { value: b / a } : { missing: 'not measured' };
    },
    why: (q) => {
      const a = q.med('churn', 'as-tlsf', 'nsPerPair', { variant: 'small', live: 100 });
      const b = q.med('churn', 'as-tlsf', 'nsPerPair', { variant: 'small', live: 10_000 });
      const c = q.med('churn', 'wasm-arena', 'nsPerPair', { variant: 'small', live: 100 });
      const d = q.med('churn', 'wasm-arena', 'nsPerPair', { variant: 'small', live: 10_000 });
      const same = b - a >= (d - c) / 2;
      return (
        `ours rises by ${ns(d - c)} from ${ns(c)}, AS TLSF's by ${ns(b - a)} from ${ns(a)}; refills and flushes ` +
        'stay rare (about 1 per 1,000 pairs at 10,000 live), so it is the pair itself reading cold headers ' +
        "(the freed block's, the popped entry's) in a 2.6 MB live set" +
        (same
          ? ': about the same misses as AS TLSF, weighing more on a cheaper pair; it would take fewer cache lines per pair'
          : "; not explained further yet: it would take finding why AS TLSF's pair, which reads as many, rises less")
      );
    },
  },
  {
    what: 'heap vs AS TLSF, 16–512 B, 100,000 live',
    wanted: '≤ 0.8×',
    pass: (v) => v <= 0.8,
    measure: (q) => paired(q, 'churn', { variant: 'small', live: 100_000 }, 'as-tlsf'),
    why: () =>
      'at 100,000 live blocks both are bound by cache misses on headers; ' +
      'it would take touching fewer cache lines per pair than AS TLSF does',
  },
  {
    what: 'heap vs @thi.ng/malloc, 10,000 live',
    wanted: '≥ 100× faster',
    pass: (v) => v >= 100,
    measure: (q) => {
      const p = { variant: 'small', live: 10_000 };
      const a = q.med('churn', 'wasm-arena', 'nsPerPair', p);
      const b = q.med('churn', 'thing', 'nsPerPair', p);
      return a && b ? { value: b / a } : { missing: 'not measured' };
    },
    why: () => "@thi.ng/malloc's list walk is short in this run (its warm-up is time-capped); a longer warm-up (--full) shows its O(n)",
  },
  {
    what: 'allocArray(Float32Array,128)+free vs new',
    wanted: '≥ 20× faster',
    pass: (v) => v >= 20,
    measure: (q) => {
      const a = q.med('typed', 'wasm-arena', 'nsPerPair');
      const b = q.med('typed', 'js-gc', 'nsPerPair');
      return a && b ? { value: b / a } : { missing: 'not measured' };
    },
    why: (q) =>
      `allocArray+free costs ${ns(q.med('typed', 'wasm-arena', 'nsPerPair'))}, mostly the view ` +
      'object and finding its address again at free; it would take a cached-size fast path and a cheap addressOf',
  },
  {
    what: 'arena bump alloc vs one empty wasm call',
    wanted: '≤ 0.5×',
    pass: (v) => v <= 0.5,
    measure: (q) => paired(q, 'bump', {}, 'floor'),
    why: (q, v) =>
      `arena.alloc costs ${ns(q.med('bump', 'wasm-arena', 'allocNs'))}, ${x(v)} one empty call, with no wasm ` +
      "call; bench/fastpath-ab.mjs's bare bump (a cursor and a limit word, nothing checked) costs about the same: " +
      'the loop (size read, result store, reset) is most of it; it would take a cheaper loop, not a cheaper bump',
  },
  {
    what: 'struct cursor field update vs JS objects',
    wanted: '≤ 1.0×',
    pass: (v) => v <= 1,
    measure: (q) => figure(q, 'particles', 'wasm-arena-cursor', 'vs:js-gc'),
    why: (q) =>
      `c.at(p).x += … costs ${ns(updateNs(q, 'wasm-arena-cursor'))} per particle, plain objects ` +
      `${ns(objectsNs(q, 'wasm-arena-cursor'))} in the same process, heap.f32 by hand ${ns(updateNs(q, 'wasm-arena'))}: ` +
      'at() checks the address and every field access compares its index with the view length; it would ' +
      'take fewer checks per record (e.g. at() checking once that the whole record is inside the view)',
  },
  {
    what: 'SoA column update vs JS objects',
    wanted: '≤ 0.5×',
    pass: (v) => v <= 0.5,
    measure: (q) => figure(q, 'particles', 'wasm-arena-soa', 'vs:js-gc'),
    why: (q) => {
      const pre = updateNs(q, 'js-prealloc') / updateNs(q, 'js-gc');
      return (
        `heap.soa columns cost ${ns(updateNs(q, 'wasm-arena-soa'))} per particle, plain objects ` +
        `${ns(objectsNs(q, 'wasm-arena-soa'))} in the same process, Float32Array columns ${ns(updateNs(q, 'js-prealloc'))} ` +
        `(JS pre, ${x(pre)} objects in their own processes${pre > 0.5 ? ': objects are fast in this engine' : ''}): ` +
        'the loop is the same, but the columns come from getters (t.x), which V8 compiles less well than ' +
        "an object's own properties; it would take columns as plain data properties, re-set when they move"
      );
    },
  },
  {
    what: 'ring push+pop of 128 floats (slower heap kind)',
    wanted: '≤ 250 ns',
    pass: (v) => v <= 250,
    measure: (q) => {
      const r = q.result('ring', 'wasm-arena');
      if (!r) return { missing: q.failed('ring', 'wasm-arena') ?? 'not measured' };
      if (r.unavailable) return { missing: 'not in this build' };
      // The worse of the fixed-size heap and the shared heap (Atomics on the indices).
      return { value: Math.max(r.metrics.nsPerPair.median, r.metrics.sharedNs?.median ?? 0) };
    },
    why: (q) =>
      `push+pop costs ${ns(q.med('ring', 'wasm-arena', 'nsPerPair'))} (fixed-size heap), ${ns(q.med('ring', 'wasm-arena', 'sharedNs'))} ` +
      `(shared heap), against ${ns(q.med('ring', 'js-prealloc', 'nsPerPair'))} for a plain JS ring doing the same copies: ` +
      'both copies are TypedArray.set (push from the whole source array, pop from a view the ring keeps per run), so ' +
      'what is left is the calls, index checks and Atomics; it would take fewer of those per call',
  },
  {
    what: 'ring: GC events while timing',
    wanted: '0',
    pass: (v) => v === 0,
    measure: (q) => {
      const r = q.result('ring', 'wasm-arena');
      if (!r) return { missing: q.failed('ring', 'wasm-arena') ?? 'not measured' };
      if (r.unavailable) return { missing: 'not in this build' };
      return { value: r.metrics.gcEvents.median };
    },
    why: () => "a ring call leaves JS objects behind; it would take finding which (the ring's own tests count 0 in 15,000,000 calls)",
  },
  {
    what: 'scope enter+exit, frame() or scope(fn)',
    wanted: '≤ 30 ns',
    pass: (v) => v <= 30,
    measure: (q) => {
      // The slower of the two forms, on a default heap (what `new Heap()` gives).
      const f = figure(q, 'scope', 'wasm-arena', 'frameNs', DEFAULT_HEAP);
      const s = figure(q, 'scope', 'wasm-arena', 'scopeNs', DEFAULT_HEAP);
      return f.missing ? f : s.missing ? s : { value: Math.max(f.value, s.value) };
    },
    why: (q) => {
      const m = (metric, params) => q.med('scope', 'wasm-arena', metric, params);
      const fixed = Math.max(m('frameNs', FIXED_HEAP), m('scopeNs', FIXED_HEAP));
      return (
        `frame() + dispose() costs ${ns(m('frameNs', DEFAULT_HEAP))}, scope(fn) ${ns(m('scopeNs', DEFAULT_HEAP))} ` +
        `on a default heap, at most ${ns(fixed)} on a fixed-size one: ` +
        (fixed <= 30 && q.result('scope', 'wasm-arena', DEFAULT_HEAP)?.extra.resizableBuffer
          ? "here the default heap's memory is a resizable buffer, whose views are slower; it would take a plain " +
            'buffer (a fixed-size heap, resizable: false) or faster resizable-buffer views in the engine'
          : "each is the arena's mark() and reset(mark), which read and check its words in memory; it would take " +
            'fewer reads and checks per scope')
      );
    },
  },
  {
    what: `scope: GC events over ${SCOPES.toLocaleString('en-US')} scopes`,
    wanted: '0',
    pass: (v) => v === 0,
    measure: (q) => {
      // The worst count of both heaps (of every round); a quick run counts fewer scopes, and says so.
      const rs = [DEFAULT_HEAP, FIXED_HEAP].map((p) => q.result('scope', 'wasm-arena', p)).filter(Boolean);
      if (!rs.length) return { missing: q.failed('scope', 'wasm-arena') ?? 'not measured' };
      const v = Math.max(...rs.map((r) => r.metrics.gcEvents.max));
      const scopes = Math.min(...rs.map((r) => r.extra.gcScopes));
      return { value: v, shown: scopes < SCOPES ? `${num(v)} in ${num(scopes)}` : num(v) };
    },
    why: () => 'a frame, its dispose() or the alloc inside leaves JS objects behind; it would take finding which (a heap snapshot diff)',
  },
  {
    what: 'shared heap, 2 threads vs 1 thread',
    wanted: '≥ 1.6×',
    pass: (v) => v >= 1.6,
    measure: (q) => threadsFigure(q, 'scaling'),
    why: (q) =>
      `one thread churns ${num(q.med('threads', 'wasm-arena', 'mops1'))} Mops/s, two ${num(q.med('threads', 'wasm-arena', 'mops2'))}: ` +
      'either the two threads did not get a core each (a loaded machine) or they meet on the lock (refills and flushes); ' +
      'it would take a quieter machine, or larger cache batches',
  },
  {
    what: 'shared heap, 1 thread vs non-shared heap',
    wanted: '≤ 1.1×',
    pass: (v) => v <= 1.1,
    measure: (q) => threadsFigure(q, 'sharedVsPlain'),
    why: () => "the shared build's slow paths (atomics, the lock, view checks after growth) cost more than the caches amortize; it would take larger cache batches",
  },
  {
    what: 'realtime thread alloc+free p99.9',
    wanted: '≤ 5 µs',
    pass: (v) => v <= 5,
    // Chromium's timer moves in 5 µs steps (isolated pages and their Workers): a pair of ~0.1 µs
    // reads 0 or a step, so its tail there says more about the timer than about the heap.
    hosts: ['node'],
    measure: (q) => threadsFigure(q, 'rtP999'),
    why: (q) =>
      `p99 ${num(q.med('threads', 'wasm-arena', 'rtP99'))} µs: the slow pairs are refills that found the lock taken or the thread ` +
      'losing its core to the churners (three threads on two cores); it would take prefill() before timing, or a core of its own',
  },
  {
    what: 'realtime thread: lock waits',
    wanted: '0',
    pass: (v) => v === 0,
    measure: (q) => threadsFigure(q, 'rtWaits'),
    why: () => 'a realtime Heap entered a waiting path: a bug in the lock (it must give up instead)',
  },
  {
    what: 'profile heap pair vs the plain heap',
    wanted: '≤ 1.5×',
    pass: (v) => v <= 1.5,
    measure: (q) => paired(q, 'profile', {}, 'wasm-arena-heap'),
    why: (q) =>
      `a profile heap's alloc+free costs ${ns(q.med('profile', 'wasm-arena', 'nsPerPair'))}: each pair also writes ` +
      "the block's trailer, takes a serial and updates two tag tallies; it would take fewer memory words per pair",
  },
  {
    what: 'audio (arena): GC events, worst rep',
    wanted: '0',
    pass: (v) => v === 0,
    measure: (q) => {
      const r = q.result('audio', 'wasm-arena');
      return r ? { value: Math.max(...r.metrics.gcEvents.reps) } : { missing: 'not measured' };
    },
    why: () => 'something on the arena path leaves garbage; it would take finding it (a heap snapshot diff)',
  },
  {
    what: 'footprint: peak heap ÷ peak live',
    wanted: '≤ 1.3×',
    pass: (v) => v <= 1.3,
    hosts: ['node'],
    measure: (q) => {
      const r = q.result('footprint', 'wasm-arena');
      return r ? { value: r.extra.ratio } : { missing: 'not measured' };
    },
    why: () => "free space the heap cannot reuse for the trace's sizes; it would take tighter size classes or earlier coalescing",
  },
  {
    what: 'release wasm module size',
    wanted: '< 4,096 B',
    pass: (v) => v < 4096,
    hosts: ['node'],
    measure: (q) => (q.meta.wasmArenaRelease ? { value: q.meta.wasmArenaRelease.bytes } : { missing: 'build/ not found' }),
    why: () =>
      'the checks of every header and list link, the cache refill and flush and the bounded walks took the ' +
      'module past 4 KiB (the TLSF core alone was under it); it would take moving code out of the release build or sharing more of it',
  },
];

/** A measured value in the unit of its target: a count, bytes, ns or a ratio. */
function shownAs(wanted, v) {
  if (/^\d/.test(wanted)) return num(v);
  if (wanted.endsWith(' B')) return `${num(v)} B`;
  if (wanted.endsWith(' ns') || wanted.endsWith(' µs')) return `${num(v)} ${wanted.slice(-2)}`;
  return x(v);
}

/** One host's view of the results for the targets. */
export function query(results, host, meta) {
  const result = (workload, peer, params = {}) => find(results, { host, workload, peer, params });
  return {
    meta,
    result,
    med: (workload, peer, metric, params = {}) => result(workload, peer, params)?.metrics?.[metric]?.median,
    failed: (workload, peer, params = {}) =>
      results.some(
        (r) => r.error && (r.host ?? 'node') === host && r.workload === workload && r.peer === peer &&
          Object.entries(params).every(([k, v]) => r.params?.[k] === v),
      )
        ? 'job failed'
        : null,
  };
}

/**
 * Evaluates every target on every host of the run:
 * [{ what, wanted, byHost: { host: { value, shown, pass: true | false | null } }, why: { host: line },
 *    note: why it is not measured yet, or null }].
 */
export function evaluateTargets(results, meta, hosts) {
  return TARGETS.map((t) => {
    const byHost = {};
    const why = {};
    let note = null;
    for (const host of hosts) {
      if (t.hosts && !t.hosts.includes(host)) continue;
      const q = query(results, host, meta);
      const m = t.measure(q);
      if (m.missing || m.value == null || !Number.isFinite(m.value)) {
        byHost[host] = { value: null, shown: m.missing ?? 'not measured', pass: null };
        if (m.note) note = m.note;
        continue;
      }
      const pass = t.pass(m.value);
      byHost[host] = { value: m.value, shown: m.shown ?? shownAs(t.wanted, m.value), pass };
      if (!pass) why[host] = t.why(q, m.value);
    }
    return { what: t.what, wanted: t.wanted, byHost, why, note };
  });
}
