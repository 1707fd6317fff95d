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
  structRows(results, rows, peersOf('particles'));
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

/**
 * The struct API (heap.soa, cursors) in the particles workload: the frame rows again with
 * wasm-arena's cell taken from the soa / cursor job, the paired bare update of 10,000 particles
 * (the JS GC column: plain objects in the same process), and arena scopes.
 */
function structRows(results, rows, particlePeers) {
  const job = (peer) => find(results, { workload: 'particles', peer });
  const others = particlePeers.filter((p) => p !== 'wasm-arena' && !p.startsWith('wasm-arena-'));
  for (const [peer, path] of [['wasm-arena-soa', 'soa'], ['wasm-arena-cursor', 'cursor']]) {
    if (!job(peer)) continue;
    for (const [metric, label, unit] of [['p50', 'frame time p50', 'ms'], ['p99', 'frame time p99', 'ms'], ['gcEvents', 'GC events', 'events']]) {
      const cells = Object.fromEntries(others.map((p) => [p, job(p)?.metrics[metric]]));
      rows.push({ group: 'particles', label: `particles ${label}`, path, unit, cells: { ...cells, 'wasm-arena': job(peer).metrics[metric] } });
    }
  }
  const m = job('wasm-arena-soa')?.metrics;
  if (m?.updateNsSoa) {
    for (const [metric, path] of [['updateNsSoa', 'soa'], ['updateNsCursor', 'cursor']]) {
      rows.push({ group: 'particles', label: 'update 10,000 particles (paired; JS GC = plain objects)', path, unit: 'ns', cells: { 'wasm-arena': m[metric], 'js-gc': m.updateNsObjects } });
    }
  }
  const scope = find(results, { workload: 'scope', peer: 'wasm-arena' })?.metrics;
  if (scope) {
    rows.push({ group: 'scope', label: 'scope enter+exit: arena.frame() + dispose()', path: 'frame', unit: 'ns', cells: { 'wasm-arena': scope.frameNs } });
    rows.push({ group: 'scope', label: 'scope enter+exit: arena.scope(fn)', path: 'scope', unit: 'ns', cells: { 'wasm-arena': scope.scopeNs } });
    rows.push({ group: 'scope', label: 'frame with one 16 B alloc inside', path: 'frame', unit: 'ns', cells: { 'wasm-arena': scope.frameAllocNs } });
  }
}
