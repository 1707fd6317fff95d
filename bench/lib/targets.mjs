// DESIGN.md §4 performance targets, evaluated against the measured ratios. The bench reports
// them; it never fails the build on them.

import { find } from './rows.mjs';
import { num } from './format.mjs';

const med = (r, m) => r?.metrics?.[m]?.median;

export function evaluateTargets(results, meta) {
  const churn = (peer, live) => med(find(results, { workload: 'churn', variant: 'small', live, peer }), 'nsPerPair');
  const t = [];
  const row = (what, target, value, pass, detail) => {
    const missing = value == null || Number.isNaN(value) || !Number.isFinite(value);
    t.push({ what, target, value, pass: missing ? null : pass(value), shown: missing ? 'not measured' : detail });
  };

  // Ratios to the floor and to AS TLSF come from repetitions alternated inside wasm-arena's own
  // process (paired); the separate-process ratio is shown beside them.
  const wa1k = churn('wasm-arena', 1000);
  const waJob = find(results, { workload: 'churn', variant: 'small', live: 1000, peer: 'wasm-arena' });
  const paired = (m, sep) => {
    const p = med(waJob, m);
    return p == null ? [sep, `${num(sep)}×`] : [p, `${num(p)}× (separate processes: ${num(sep)}×)`];
  };
  const [r1, s1] = paired('pairedVsAsTlsf', wa1k / churn('as-tlsf', 1000));
  row('alloc+free pair vs AS TLSF (16–512 B, 1,000 live)', '≤ 0.7×', r1, (v) => v <= 0.7, s1);
  const [r2, s2] = paired('pairedVsFloor', wa1k / churn('floor', 1000));
  row('alloc+free pair vs two empty wasm calls (same loop)', '≤ 2.5×', r2, (v) => v <= 2.5, s2);
  const r3 = churn('wasm-arena', 100_000) / churn('wasm-arena', 100);
  const r3as = churn('as-tlsf', 100_000) / churn('as-tlsf', 100);
  row('pair cost growth, live set 100 → 100,000', '≤ 1.25×', r3, (v) => v <= 1.25, `${num(r3)}× (AS TLSF ${num(r3as)}×)`);
  const r4 = churn('thing', 10_000) / churn('wasm-arena', 10_000);
  row('faster than @thi.ng/malloc at 10,000 live', '≥ 100×', r4, (v) => v >= 100, `${num(r4)}×`);
  const typed = (p) => med(find(results, { workload: 'typed', peer: p }), 'nsPerPair');
  const r5 = typed('js-gc') / typed('wasm-arena');
  row('allocArray(Float32Array,128)+free vs new Float32Array(128)', '≥ 20× faster', r5, (v) => v >= 20, `${num(r5)}×`);
  const bump = (p) => med(find(results, { workload: 'bump', peer: p }), 'allocNs');
  const sep6 = bump('wasm-arena') / bump('floor');
  const p6 = med(find(results, { workload: 'bump', peer: 'wasm-arena' }), 'pairedVsFloor');
  const r6 = p6 ?? sep6;
  row('bump arena alloc vs one empty wasm call', '≤ 1.3×', r6, (v) => v <= 1.3, p6 == null ? `${num(r6)}×` : `${num(p6)}× (separate processes: ${num(sep6)}×)`);
  const audio = find(results, { workload: 'audio', peer: 'wasm-arena' });
  const gcMax = audio ? Math.max(...audio.metrics.gcEvents.reps) : undefined;
  row('audio blocks (arena): GC events in the measured steady state', '0', gcMax, (v) => v === 0, `${gcMax} (max over reps)`);
  const r8 = med(audio, 'p999OverP50');
  const r8floor = med(find(results, { workload: 'audio', peer: 'floor' }), 'p999OverP50');
  row('audio blocks (arena): p99.9 ÷ p50 block time', '≤ 3×', r8, (v) => v <= 3, `${num(r8)}× (no allocation: ${num(r8floor)}×)`);
  const fp = find(results, { workload: 'footprint', peer: 'wasm-arena' })?.extra;
  const used = fp?.peakUsedOverPeakLive;
  row('footprint: peak heap bytes ÷ peak live bytes (churn trace)', '≤ 1.3×', fp?.ratio, (v) => v <= 1.3, `${num(fp?.ratio)}× (in blocks: ${num(used)}×)`);
  row('footprint: header bytes per block', '≤ 8 B', fp?.headerBytes, (v) => v <= 8, `${fp?.headerBytes} B (all overhead: ${num(fp?.overheadPerBlock)} B/block)`);
  const soa = find(results, { workload: 'particles', peer: 'wasm-arena-soa' });
  row('SoA column update vs plain JS objects (10,000 particles, paired)', '≤ 0.5×', med(soa, 'pairedSoaVsObjects'), (v) => v <= 0.5, `${num(med(soa, 'pairedSoaVsObjects'))}×`);
  row('cursor field update vs plain JS objects (paired)', '≤ 1.0×', med(soa, 'pairedCursorVsObjects'), (v) => v <= 1, `${num(med(soa, 'pairedCursorVsObjects'))}×`);
  const scope = find(results, { workload: 'scope', peer: 'wasm-arena' });
  row('scope enter+exit (arena.frame + dispose)', '≤ 30 ns', med(scope, 'frameNs'), (v) => v <= 30, `${num(med(scope, 'frameNs'))} ns`);
  const scopes = scope?.extra.gcScopes;
  row(`GC events over ${scopes?.toLocaleString('en-US')} scopes`, '0', med(scope, 'gcEvents'), (v) => v === 0, `${med(scope, 'gcEvents')}`);
  const w = meta.wasmArenaRelease;
  row('release wasm size', '< 4,096 B', w?.bytes, (v) => v < 4096, w ? `${w.bytes} B (${w.file})` : 'not found');
  return t;
}
