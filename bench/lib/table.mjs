// The console summary (stdout): one table per workload, the peers' legend, the machine's load and
// the target rows with a line for each miss. Every line stays within WIDTH (100) columns; a test
// (test/bench-format.test.ts) holds it to that.

import { PEERS, PEER_NOTES } from './peers.mjs';
import { WORKLOADS } from '../workloads/index.mjs';
import { HOST_NAMES, hasFigure } from './rows.mjs';
import { num, compact, textTable, wrapText, WIDTH } from './format.mjs';

/** A cell of the base (wasm-arena) column. */
export function baseCell(c, unit) {
  if (c?.unavailable) return 'n/a';
  if (c?.error) return 'failed';
  return hasFigure(c) ? compact(c.median, unit) : '—';
}

/** A peer's cell: its median ÷ wasm-arena's, or its own figure where wasm-arena has none or 0. */
export function ratioCell(base, c, unit) {
  if (c?.error) return 'failed';
  if (!hasFigure(c)) return '—';
  // Ratios of ratios mean nothing: a row of ratios shows each peer's own.
  if (!hasFigure(base) || base.median === 0 || unit === '×') return compact(c.median, unit);
  // A ratio of a million or more (a near-zero base) prints as 1.0e+12, not in 17 digits.
  const r = c.median / base.median;
  return `${Math.abs(r) >= 1e6 ? r.toPrecision(2) : num(r)}×`;
}

/** Why the wasm-arena cells of some rows say n/a: "heap.pool() is not in this build". */
function unavailableNotes(rows) {
  const notes = new Set();
  for (const r of rows) for (const h of r.hosts) if (r.cells[h]['wasm-arena']?.unavailable) notes.add(r.cells[h]['wasm-arena'].unavailable);
  return [...notes];
}

/** One workload's table: label, host (when the run had more than one), wasm-arena, peers. */
export function workloadTable(rows, hostsInRun) {
  const peers = rows[0].peers.filter((p) => p !== 'wasm-arena');
  const showHost = hostsInRun.length > 1;
  const header = ['', ...(showHost ? [''] : []), PEERS['wasm-arena'].short, ...peers.map((p) => PEERS[p].short)];
  const body = [];
  for (const r of rows) {
    r.hosts.forEach((h, i) => {
      const cells = r.cells[h];
      body.push([
        i === 0 ? r.label : '',
        ...(showHost ? [HOST_NAMES[h]] : []),
        baseCell(cells['wasm-arena'], r.unit),
        ...peers.map((p) => ratioCell(cells['wasm-arena'], cells[p], r.unit)),
      ]);
    });
  }
  return textTable(header, body);
}

function targetCell(t) {
  if (!t) return '·';
  if (t.pass == null) return t.shown.startsWith('not in') ? 'not in build' : 'not measured';
  return `${t.shown} ${t.pass ? 'ok' : 'MISS'}`;
}

export function targetsTable(targets, hosts) {
  const header = ['target', 'wanted', ...hosts.map((h) => HOST_NAMES[h])];
  const body = targets.map((t) => [t.what, t.wanted, ...hosts.map((h) => targetCell(t.byHost[h]))]);
  const out = [textTable(header, body)];
  const misses = targets.filter((t) => Object.keys(t.why).length);
  if (misses.length) {
    out.push('', 'Why each miss, and what it would take:');
    for (const t of misses) {
      const where = Object.keys(t.why).map((h) => `${HOST_NAMES[h]} ${t.byHost[h].shown}`).join(', ');
      const first = Object.values(t.why)[0];
      out.push(wrapText(`- ${t.what} (${where}): ${first}`, WIDTH, '  '));
    }
  }
  const notes = new Map();
  for (const t of targets) if (t.note) notes.set(t.note, [...(notes.get(t.note) ?? []), t.what]);
  if (notes.size) out.push('', 'Not measured:');
  for (const [note, whats] of notes) out.push(wrapText(`- ${whats.join('; ')}: ${note}`, WIDTH, '  '));
  return out.join('\n');
}

/** The load line(s): what the machine did besides this run. */
export function loadLines(load, cores) {
  if (!load) return [];
  const s = `machine load (1-min average, ${cores} cores): ${num(load.start)} at the start, up to ${num(load.max)} during the run`;
  return [wrapText(load.busy ? `WARNING: ${s} — other processes competed for the cores; figures are noisy (${load.busy})` : `${s}.`)];
}

export function printSummary(rows, targets, meta) {
  const hosts = meta.hosts;
  const out = [''];
  const engines = hosts.map((h) => (h === 'node' ? `Node ${meta.node}` : `Chromium ${meta.chromium ?? '?'}`)).join(' + ');
  out.push(wrapText(`wasm-arena ${meta.wasmArenaVersion} · ${meta.mode} run · ${meta.date.slice(0, 16).replace('T', ' ')} UTC · ${meta.cpu}, ${meta.cores} cores · ${engines}`));
  out.push(wrapText(`${meta.mode} run: ${meta.blurb}.`));
  out.push(...loadLines(meta.load, meta.cores));
  if (meta.note) out.push(wrapText(meta.note));
  out.push('');
  out.push(wrapText('wasm-arena column: its median. Other columns: that peer\'s median ÷ wasm-arena\'s (above 1× = wasm-arena costs less); a plain figure where wasm-arena has none or measured 0. n/a: not in this build of the library.'));
  for (const name of Object.keys(WORKLOADS)) {
    const rs = rows.filter((r) => r.workload === name);
    if (!rs.length) continue;
    out.push('');
    out.push(wrapText(WORKLOADS[name].title));
    out.push(workloadTable(rs, hosts));
    for (const n of unavailableNotes(rs)) out.push(`n/a: ${n}`);
    for (const n of WORKLOADS[name].notes ?? []) out.push(wrapText(n));
    for (const [h, n] of Object.entries(WORKLOADS[name].hostNotes ?? {})) if (hosts.includes(h)) out.push(wrapText(`${HOST_NAMES[h]}: ${n}`));
  }
  out.push('');
  const used = [...new Set(rows.flatMap((r) => r.peers))];
  for (const p of Object.keys(PEERS))
    if (used.includes(p)) out.push(PEERS[p].short.padEnd(11) + wrapText(PEER_NOTES[p], WIDTH - 11, '').split('\n').join(`\n${' '.repeat(11)}`));
  if (meta.skipped?.length) for (const s of meta.skipped) out.push(wrapText(`not in Chromium: ${s}`));
  out.push('');
  out.push("Targets (the project's own, bench/targets.mjs; reported, never enforced):");
  out.push('');
  out.push(targetsTable(targets, hosts));
  return out.join('\n');
}
