// Turns the raw job results into the rows of the comparison: one row per (workload, metric),
// one cell per peer, each cell a { median, min, max } summary. wasm-arena is every row's base.

export const LIVE_SETS = [100, 1000, 10_000, 100_000];
export const VARIANTS = { small: '16–512 B', wide: '16 B–64 KiB' };

/** Finds the result of a job. */
export function find(results, q) {
  return results.find((r) => Object.entries(q).every(([k, v]) => r[k] === v) && !r.error);
}

const fixed = (x) => (x == null ? null : { median: x, min: x, max: x });

export function buildRows(results) {
  const rows = [];
  const peersOf = (workload) => [...new Set(results.filter((r) => r.workload === workload).map((r) => r.peer))];
  for (const variant of Object.keys(VARIANTS)) {
    for (const live of LIVE_SETS) {
      const q = { workload: 'churn', variant, live };
      if (!results.some((r) => r.workload === 'churn' && r.variant === variant && r.live === live)) continue;
      rows.push({
        group: 'churn',
        label: `churn ${VARIANTS[variant]}, ${live.toLocaleString('en-US')} live · alloc+free`,
        path: 'heap',
        unit: 'ns',
        cells: Object.fromEntries(peersOf('churn').map((p) => [p, find(results, { ...q, peer: p })?.metrics.nsPerPair])),
      });
    }
  }
  const typed = (metric, label, unit) => ({
    group: 'typed',
    label,
    path: 'allocArray',
    unit,
    cells: Object.fromEntries(peersOf('typed').map((p) => [p, find(results, { workload: 'typed', peer: p })?.metrics[metric]])),
  });
  if (peersOf('typed').length) rows.push(typed('nsPerPair', 'Float32Array(128) own+release, 1,000 live', 'ns'));
  const timed = (workload, path, defs) => {
    const peers = peersOf(workload);
    if (!peers.length) return;
    for (const [metric, label, unit] of defs) {
      rows.push({
        group: workload,
        label,
        path,
        unit,
        cells: Object.fromEntries(peers.map((p) => [p, find(results, { workload, peer: p })?.metrics[metric]])),
      });
    }
  };
  timed('audio', 'arena', [
    ['p50', 'audio block time p50', 'µs'],
    ['p99', 'audio block time p99', 'µs'],
    ['p999', 'audio block time p99.9', 'µs'],
    ['max', 'audio block time max', 'µs'],
    ['gcEvents', 'audio GC events', 'events'],
    ['gcMs', 'audio GC time', 'ms'],
    ['gcLongestMs', 'audio longest GC pause', 'ms'],
    ['missPct', 'audio blocks missing the deadline', '%'],
  ]);
  timed('particles', 'heap', [
    ['p50', 'particles frame time p50', 'ms'],
    ['p99', 'particles frame time p99', 'ms'],
    ['max', 'particles frame time max', 'ms'],
    ['gcEvents', 'particles GC events', 'events'],
    ['gcMs', 'particles GC time', 'ms'],
    ['gcLongestMs', 'particles longest GC pause', 'ms'],
  ]);
  const fp = peersOf('footprint');
  if (fp.length) {
    const ex = (p) => find(results, { workload: 'footprint', peer: p })?.extra;
    rows.push({
      group: 'footprint',
      label: 'footprint: peak heap bytes (churn trace)',
      path: 'heap',
      unit: 'B',
      cells: Object.fromEntries(fp.map((p) => [p, fixed(ex(p)?.peakHeapBytes)])),
    });
    rows.push({
      group: 'footprint',
      label: 'footprint: bytes per block beyond the request',
      path: 'heap',
      unit: 'B',
      cells: Object.fromEntries(fp.map((p) => [p, fixed(ex(p)?.overheadPerBlock)])),
    });
  }
  timed('bump', 'arena', [
    ['allocNs', 'bump alloc 16–512 B', 'ns'],
    ['resetNs', 'bump reset', 'ns'],
  ]);
  return rows;
}
