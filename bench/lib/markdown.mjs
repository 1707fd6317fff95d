// bench/results/summary.md: the comparison and the §4 target rows as Markdown tables, ready to
// paste into the README.

import { COLUMNS, COLUMN_NAMES, baseCell, ratioCell } from './table.mjs';

const cellMd = (s) => String(s).replace(/\|/g, '\\|');

export function summaryMarkdown(rows, targets, meta) {
  const cols = COLUMNS.filter((p) => rows.some((r) => r.cells[p]));
  const out = [];
  out.push(
    `Measured by \`npm run bench\` (${meta.mode} run) on ${meta.date.slice(0, 10)}: ${meta.cpu}, ${meta.cores} cores, ` +
      `Node ${meta.node} (V8 ${meta.v8}). Each peer column is that peer's median ÷ wasm-arena's median ` +
      `(above 1× = wasm-arena costs less; where wasm-arena measured 0, the peer's own figure).`,
  );
  out.push('');
  out.push(`| workload · metric [wasm-arena path] | wasm-arena median (min–max) | ${cols.map((p) => COLUMN_NAMES[p]).join(' | ')} |`);
  out.push(`|---|---:|${cols.map(() => '---:').join('|')}|`);
  for (const r of rows) out.push(`| ${cellMd(r.label)} [${r.path}] | ${cellMd(baseCell(r))} | ${cols.map((p) => cellMd(ratioCell(r, p))).join(' | ')} |`);
  out.push('');
  out.push('| DESIGN.md §4 target | wanted | measured | |');
  out.push('|---|---|---|---|');
  for (const t of targets) out.push(`| ${cellMd(t.what)} | ${cellMd(t.target)} | ${cellMd(t.shown)} | ${t.pass == null ? 'n/a' : t.pass ? 'pass' : '**miss**'} |`);
  return out.join('\n') + '\n';
}
