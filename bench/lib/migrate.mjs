// Reads a results JSON written by an older version of the bench (before hosts, parameter sets
// and paired metrics named after their partner), so --report-only can re-render it.

import { MODES } from './plan.mjs';

const RENAMED = { pairedVsFloor: 'vs:floor', pairedVsAsTlsf: 'vs:as-tlsf', resetPairedVsFloor: 'reset vs:floor' };
const one = (x, unit) => ({ unit, median: x, min: x, max: x, reps: [x] });

export function migrate({ meta, results }) {
  if (meta.hosts) return { meta, results };
  const m = {
    ...meta,
    hosts: ['node'],
    blurb: MODES[meta.mode]?.blurb ?? meta.mode,
    microReps: meta.microRepsPerRound ?? meta.ctx?.reps,
    longReps: (meta.longRounds ?? 1) > 1 ? 1 : meta.ctx?.reps,
    note:
      'Re-rendered from the results JSON of an earlier version of the bench: no pool workload, no JS ' +
      'preallocated peer, Node jobs only, wasm tiered up as engines do by default (no --no-liftoff), ' +
      'and its floor was an export that only returned its argument (still a real call on Node 20, ' +
      'which does not inline wasm into JS).',
  };
  if (meta.loadAverageAtStart) {
    const start = meta.loadAverageAtStart[0];
    const max = Math.max(start, meta.loadAverageAtEnd?.[0] ?? start);
    m.load = { start, max, busy: start >= meta.cores * 0.75 || max - 1 >= meta.cores * 0.75 ? 'load average of three quarters of the cores or more' : null };
  }
  const rs = results.map((r) => {
    const out = { host: 'node', ...r, params: {} };
    if (r.variant) out.params = { variant: r.variant, live: r.live };
    out.metrics = Object.fromEntries(Object.entries(r.metrics ?? {}).map(([k, v]) => [RENAMED[k] ?? k, v]));
    if (r.workload === 'footprint' && r.extra)
      Object.assign(out.metrics, { peakHeapBytes: one(r.extra.peakHeapBytes, 'B'), ratio: one(r.extra.ratio, '×'), overheadPerBlock: one(r.extra.overheadPerBlock, 'B') });
    return out;
  });
  return { meta: m, results: rs };
}
