// The console output: the ratio table (one column per peer), the medians with min–max, and the
// DESIGN.md §4 target rows.

import { PEERS } from './peers.mjs';
import { num, withUnit, range, textTable } from './format.mjs';

/** Peer columns after the wasm-arena base, in display order. */
export const COLUMNS = ['wasm-arena-heap', 'js-gc', 'js-pool', 'thing', 'as-tlsf', 'floor'];
export const COLUMN_NAMES = PEERS;

/** peer ÷ wasm-arena, or the peer's own figure where wasm-arena's is zero. */
export function ratioCell(row, peer) {
  const base = row.cells['wasm-arena'];
  const c = row.cells[peer];
  if (!c || c.median == null || Number.isNaN(c.median)) return '—';
  if (!base || base.median == null) return withUnit(c.median, row.unit);
  if (base.median === 0) return c.median === 0 ? '0' : withUnit(c.median, row.unit);
  return `${num(c.median / base.median)}×`;
}

export function baseCell(row) {
  return range(row.cells['wasm-arena'], row.unit);
}

function rangeCell(c, unit) {
  return range(c, unit);
}

export function printTables(rows, targets, meta) {
  const cols = COLUMNS.filter((p) => rows.some((r) => r.cells[p]));
  const out = [];
  out.push('');
  out.push(`wasm-arena ${meta.wasmArenaVersion} · ${meta.mode} run · ${meta.cpu}, ${meta.cores} cores · Node ${meta.node} (V8 ${meta.v8}) · ${meta.date.slice(0, 16).replace('T', ' ')} UTC`);
  out.push('');
  out.push('Ratios: each peer\'s median ÷ wasm-arena\'s median (above 1× = wasm-arena costs less). Where wasm-arena');
  out.push('measured 0 (GC events, misses) the peer\'s own figure is shown. [path] = the wasm-arena API measured.');
  out.push('');
  out.push(
    textTable(
      ['workload · metric [path]', 'wasm-arena median (min–max)', ...cols.map((p) => COLUMN_NAMES[p])],
      rows.map((r) => [`${r.label} [${r.path}]`, baseCell(r), ...cols.map((p) => ratioCell(r, p))]),
    ),
  );
  out.push('');
  out.push('Medians (min–max) of each peer, same rows:');
  out.push('');
  out.push(
    textTable(
      ['workload · metric', ...cols.map((p) => COLUMN_NAMES[p])],
      rows.map((r) => [r.label, ...cols.map((p) => rangeCell(r.cells[p], r.unit))]),
    ),
  );
  out.push('');
  out.push('DESIGN.md §4 targets (reported, never enforced):');
  out.push('');
  out.push(
    textTable(
      ['target', 'wanted', 'measured', 'result'],
      targets.map((t) => [t.what, t.target, t.shown, t.pass == null ? 'n/a' : t.pass ? 'PASS' : 'FAIL']),
    ),
  );
  return out.join('\n');
}
