// summary.md: the workload tables and the target rows as Markdown, ready to paste into the README.

import { PEERS } from './peers.mjs';
import { WORKLOADS } from '../workloads/index.mjs';
import { HOST_NAMES } from './rows.mjs';
import { baseCell, ratioCell } from './table.mjs';

const md = (s) => String(s).replace(/\|/g, '\\|');

export function summaryMarkdown(rows, targets, meta) {
  const hosts = meta.hosts;
  const engines = hosts.map((h) => (h === 'node' ? `Node ${meta.node} (V8 ${meta.v8})` : `Chromium ${meta.chromium ?? '?'} (headless)`)).join(' and ');
  const out = [
    `Measured by \`npm run bench\` (${meta.mode} run) on ${meta.date.slice(0, 10)}: ${meta.cpu}, ${meta.cores} cores, ${engines}.` +
      (meta.load?.busy ? ` The machine was busy (${meta.load.busy}).` : '') +
      (meta.note ? ` ${meta.note}` : '') +
      ` The wasm-arena column is its median; each peer column is that peer's median ÷ wasm-arena's` +
      ` (above 1× = wasm-arena costs less; a plain figure where wasm-arena has none or measured 0).`,
  ];
  for (const name of Object.keys(WORKLOADS)) {
    const rs = rows.filter((r) => r.workload === name);
    if (!rs.length) continue;
    const peers = rs[0].peers.filter((p) => p !== 'wasm-arena');
    out.push('', `**${md(WORKLOADS[name].title)}**`, '');
    const line = (cells) => `| ${cells.join(' | ')} |`;
    const hostCol = hosts.length > 1 ? [''] : [];
    out.push(line(['', ...hostCol, 'wasm-arena', ...peers.map((p) => PEERS[p].name)]));
    out.push(line(['---', ...hostCol.map(() => '---'), '---:', ...peers.map(() => '---:')]));
    for (const r of rs)
      for (const h of r.hosts) {
        const c = r.cells[h];
        const host = hosts.length > 1 ? [HOST_NAMES[h]] : [];
        out.push(line([md(r.label), ...host, md(baseCell(c['wasm-arena'], r.unit)), ...peers.map((p) => md(ratioCell(c['wasm-arena'], c[p], r.unit)))]));
      }
    for (const n of WORKLOADS[name].notes ?? []) out.push('', n);
  }
  out.push('', `| target | wanted | ${hosts.map((h) => HOST_NAMES[h]).join(' | ')} |`, `|---|---|${hosts.map(() => '---').join('|')}|`);
  for (const t of targets) {
    const cell = (b) => (!b ? '' : b.pass == null ? b.shown : `${b.shown} ${b.pass ? 'pass' : '**miss**'}`);
    out.push(`| ${md(t.what)} | ${md(t.wanted)} | ${hosts.map((h) => md(cell(t.byHost[h]))).join(' | ')} |`);
  }
  return out.join('\n') + '\n';
}
