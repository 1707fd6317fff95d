// Turns the raw job results into the rows of the comparison: one row per (workload, parameters,
// metric), one cell per (host, peer), each cell a { median, min, max } summary, or
// { unavailable } / { error }. wasm-arena is every row's base.

import { WORKLOADS, rowLabel } from '../workloads/index.mjs';

export const HOSTS = ['node', 'chromium'];
export const HOST_NAMES = { node: 'Node', chromium: 'Chromium' };

const sameParams = (r, params) => Object.entries(params ?? {}).every(([k, v]) => r.params?.[k] === v);

/** The result of a job: host, workload, peer and parameters must match; failed jobs excluded. */
export function find(results, { host = 'node', workload, peer, params = {} }) {
  return results.find((r) => (r.host ?? 'node') === host && r.workload === workload && r.peer === peer && sameParams(r, params) && !r.error);
}

/** The distinct parameter sets of a workload's results, in plan order. */
function paramSets(rs) {
  const seen = new Map();
  for (const r of rs) {
    const key = JSON.stringify(r.params ?? {});
    if (!seen.has(key)) seen.set(key, r.params ?? {});
  }
  return [...seen.values()];
}

function cellOf(r, metric) {
  if (!r) return undefined;
  if (r.error) return { error: r.error };
  if (r.unavailable) return { unavailable: r.unavailable };
  return r.metrics?.[metric];
}

export function buildRows(results) {
  const rows = [];
  for (const [workload, w] of Object.entries(WORKLOADS)) {
    const rs = results.filter((r) => r.workload === workload);
    if (!rs.length) continue;
    const hosts = HOSTS.filter((h) => rs.some((r) => (r.host ?? 'node') === h));
    const peers = w.peers.filter((p) => rs.some((r) => r.peer === p));
    for (const params of paramSets(rs)) {
      for (const [metric, metricLabel, unit] of w.metrics) {
        const cells = {};
        for (const h of hosts) {
          cells[h] = {};
          for (const p of peers) {
            const r = rs.find((x) => (x.host ?? 'node') === h && x.peer === p && sameParams(x, params));
            cells[h][p] = cellOf(r, metric);
          }
        }
        rows.push({ workload, params, metric, label: rowLabel(workload, params, metricLabel), unit, hosts, peers, cells });
      }
    }
  }
  return rows;
}

/** True when a cell holds a figure. */
export const hasFigure = (c) => c != null && c.median != null && !Number.isNaN(c.median);
