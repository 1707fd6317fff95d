// report.html: one self-contained page (inline SVG, no scripts, no external files) with the
// charts, the target rows and every figure with its min–max, Node and Chromium side by side.
// The charts are also written as standalone SVG files (the README shows churn.svg).

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { lineChart, stemPanels, barChart } from './svg.mjs';
import { find, HOST_NAMES, hasFigure } from './rows.mjs';
import { LIVE_SETS, VARIANTS } from './prng.mjs';
import { PEERS, PEER_NOTES } from './peers.mjs';
import { WORKLOADS } from '../workloads/index.mjs';
import { baseCell, ratioCell } from './table.mjs';
import { num, range, bytes } from './format.mjs';

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const engine = (meta, host) => (host === 'node' ? `Node ${meta.node}` : `Chromium ${meta.chromium ?? ''}`);
/** Chart file suffix: Node's charts keep their historical names (the README links churn.svg). */
const suffix = (host) => (host === 'node' ? '' : `-${host}`);

/** How many repetitions a micro-benchmark figure is the median of. */
function repsText(meta) {
  const r = meta.microRounds ?? 1;
  const per = meta.microReps ?? meta.microRepsPerRound ?? meta.ctx.reps;
  return r > 1 ? `${r * per} repetitions (${r} processes × ${per})` : `${per} repetitions`;
}

function churnChart(results, variant, meta, host) {
  const peers = ['wasm-arena', 'as-tlsf', 'js-pool', 'floor', 'js-gc', 'thing'];
  const series = peers.map((p) => ({
    id: p,
    name: PEERS[p].name,
    points: LIVE_SETS.map((live) => {
      const s = find(results, { host, workload: 'churn', peer: p, params: { variant, live } })?.metrics.nsPerPair;
      return s ? { x: live, y: s.median, lo: s.min, hi: s.max } : { x: live, y: NaN };
    }),
  }));
  if (!series.some((s) => s.points.some((q) => Number.isFinite(q.y)))) return '';
  return lineChart({
    title: `Cost of one alloc + free pair vs live blocks (${VARIANTS[variant]} random sizes), ${HOST_NAMES[host]}`,
    subtitle: `Lower is better. Both axes logarithmic. Dots: median of ${repsText(meta)}; whiskers: min–max. Measured ${meta.date.slice(0, 10)}, ${meta.cpu} (${meta.cores} cores), ${engine(meta, host)}.`,
    x: { label: 'live blocks (random slot freed and refilled each step)', log: true, min: 100, max: 100_000, fmt: (v) => v.toLocaleString('en-US') },
    y: { label: 'ns per alloc + free pair', log: true },
    series,
    height: 500,
  });
}

function audioChart(results, host) {
  const peers = ['js-gc', 'wasm-arena', 'wasm-arena-heap', 'as-tlsf', 'js-pool', 'js-prealloc', 'floor'];
  const nines = (q) => (q >= 1 ? 5.6 : -Math.log10(1 - q));
  const series = peers
    .map((p) => {
      const r = find(results, { host, workload: 'audio', peer: p });
      if (!r) return null;
      const name = p === 'wasm-arena' ? 'wasm-arena arena' : p === 'floor' ? 'no allocation' : PEERS[p].name;
      return { id: p, name, markers: false, points: r.extra.curve.map(([q, v]) => ({ x: nines(q), y: Math.max(v, 0.1) })) };
    })
    .filter(Boolean);
  if (!series.length) return '';
  const any = find(results, { host, workload: 'audio', peer: 'wasm-arena' }) ?? find(results, { host, workload: 'audio', peer: 'js-gc' });
  const budget = any?.extra.budgetMs ?? 0.667;
  const blocks = any?.extra.blocks ?? 0;
  const timer = host === 'chromium' ? ' Chromium times a cross-origin-isolated page in 5 µs steps: the low percentiles are quantised.' : '';
  return lineChart({
    title: `Audio block time by percentile, ${HOST_NAMES[host]}`,
    subtitle: `${blocks.toLocaleString('en-US')} blocks of 128 frames, 4 temporary buffers each. Lower is better; log y. Dashed red: the ${num(budget * 1000)} µs left of a 2.67 ms quantum after 2 ms of other work.${timer}`,
    x: {
      label: 'percentile of blocks',
      min: Math.log10(2),
      max: 5.6,
      ticks: [
        { v: Math.log10(2), label: 'p50' },
        { v: 1, label: 'p90' },
        { v: 2, label: 'p99' },
        { v: 3, label: 'p99.9' },
        { v: 4, label: 'p99.99' },
        { v: 5, label: 'p99.999' },
        { v: 5.6, label: 'max' },
      ],
    },
    y: { label: 'block time', log: true, fmt: (v) => (v >= 1000 ? `${v / 1000} ms` : `${v} µs`) },
    hlines: [{ y: budget * 1000, label: `deadline budget ${num(budget * 1000)} µs` }],
    series,
    labelWidth: 140,
  });
}

function gcChart(results, workload, host) {
  const panels = [];
  let span = 0.1;
  const add = (peer, name) => {
    const r = find(results, { host, workload, peer });
    if (!r) return;
    const g = r.metrics;
    const shown = r.extra.gcTimeline;
    const most = Math.max(...g.gcEvents.reps);
    span = Math.max(span, (r.extra.timelineMs ?? 0) / 1000);
    const note =
      most === 0
        ? `0 GC events in all ${g.gcEvents.reps.length} repetitions`
        : `${shown.length} GC events here, ${num(shown.reduce((a, e) => a + e[1], 0))} ms in all (${g.gcEvents.min}–${most} per repetition)`;
    panels.push({ id: peer, name, events: shown.map(([t, d]) => [t, d]), note, empty: most === 0 ? 'no GC events' : 'no GC events in this repetition' });
  };
  add('js-gc', workload === 'audio' ? 'JS GC' : 'JS objects');
  add('wasm-arena', workload === 'audio' ? 'wasm-arena arena' : 'wasm-arena heap');
  add('js-prealloc', 'JS preallocated');
  if (!panels.length) return '';
  const what = workload === 'audio' ? 'audio blocks' : 'particle frames';
  return stemPanels({
    title: `GC pauses over time: ${what}, ${HOST_NAMES[host]} (one repetition each)`,
    subtitle: 'Each line is one garbage collection; its height is the pause. The repetition shown is the one with the median GC time.',
    x: { label: 'time since the repetition started (s)', max: Math.ceil(span * 10) / 10 },
    y: { label: 'GC pause (ms)', minMax: 1 },
    panels,
  });
}

function footprintChart(results) {
  const bars = [];
  let live = 0;
  for (const p of ['wasm-arena', 'as-tlsf', 'thing', 'js-pool', 'js-gc']) {
    const e = find(results, { workload: 'footprint', peer: p })?.extra;
    if (!e) continue;
    live = e.peakLiveBytes;
    bars.push({ id: p, name: p === 'js-gc' ? 'JS GC (sampled)' : PEERS[p].name, value: e.peakHeapBytes / 2 ** 20, label: `${bytes(e.peakHeapBytes)} = ${num(e.ratio)}× live` });
  }
  if (!bars.length) return '';
  const f = bars.length && results.find((r) => r.workload === 'footprint' && !r.error && r.extra?.liveBlocks).extra;
  return barChart({
    title: 'Footprint on one recorded churn trace',
    subtitle: `${f.liveBlocks.toLocaleString('en-US')} live blocks of 16–512 B, ${f.steps.toLocaleString('en-US')} random replacements. Shorter is better.`,
    bars,
    ref: { value: live / 2 ** 20, label: `peak live bytes ${bytes(live)}` },
    x: { label: 'peak bytes the heap spans (MiB)' },
  });
}

/** The boundary on each engine: one pair through wasm-arena, AS TLSF, the JS pool and two empty calls. */
function hostsChart(results, hosts) {
  if (hosts.length < 2) return '';
  const params = { variant: 'small', live: 1000 };
  const bars = [];
  for (const host of hosts)
    for (const [workload, peer, name] of [
      ['pool', 'wasm-arena', 'wasm-arena pool (64 B)'],
      ['churn', 'wasm-arena', 'wasm-arena heap'],
      ['churn', 'as-tlsf', 'AS TLSF'],
      ['churn', 'js-pool', 'JS pool'],
      ['churn', 'floor', 'two empty calls'],
    ]) {
      const s = find(results, { host, workload, peer, params: workload === 'churn' ? params : {} })?.metrics?.nsPerPair;
      if (hasFigure(s)) bars.push({ id: peer, name: `${HOST_NAMES[host]}: ${name}`, value: s.median, label: `${num(s.median)} ns` });
    }
  if (!bars.length) return '';
  return barChart({
    labelWidth: 210,
    title: 'One alloc + free pair in Node and in Chromium (16–512 B, 1,000 live)',
    subtitle: 'Medians from one run. The empty calls are the price of crossing into wasm twice, which every wasm allocator pays per pair.',
    bars,
    x: { label: 'ns per pair' },
  });
}

function figureTable(rows, hosts) {
  const html = [];
  for (const name of Object.keys(WORKLOADS)) {
    const rs = rows.filter((r) => r.workload === name);
    if (!rs.length) continue;
    const peers = rs[0].peers.filter((p) => p !== 'wasm-arena');
    const cell = (c, unit) => (c?.unavailable ? 'not in this build' : hasFigure(c) ? range(c, unit) : '');
    const head = `<tr><th>${esc(WORKLOADS[name].title)}</th>${hosts.length > 1 ? '<th></th>' : ''}<th>wasm-arena<br><small>median (min–max)</small></th>${peers.map((p) => `<th>${esc(PEERS[p].name)}<br><small>÷ wasm-arena</small></th>`).join('')}</tr>`;
    const body = rs
      .flatMap((r) =>
        r.hosts.map((h, i) => {
          const c = r.cells[h];
          return `<tr${i === 0 ? ' class="sep"' : ''}><td>${i === 0 ? esc(r.label) : ''}</td>${hosts.length > 1 ? `<td>${HOST_NAMES[h]}</td>` : ''}<td class="base">${esc(cell(c['wasm-arena'], r.unit) || baseCell(c['wasm-arena'], r.unit))}</td>${peers
            .map((p) => `<td><b>${esc(ratioCell(c['wasm-arena'], c[p], r.unit))}</b><br><small>${esc(cell(c[p], r.unit))}</small></td>`)
            .join('')}</tr>`;
        }),
      )
      .join('\n');
    html.push(`<div class="scroll"><table class="cmp"><thead>${head}</thead><tbody>${body}</tbody></table></div>`);
    for (const n of WORKLOADS[name].notes ?? []) html.push(`<p class="why">${esc(n)}</p>`);
  }
  return html.join('\n');
}

function targetsHtml(targets, hosts) {
  const cell = (b) => {
    if (!b) return '<td class="na">·</td>';
    if (b.pass == null) return `<td class="na">${esc(b.shown)}</td>`;
    return `<td class="${b.pass ? 'pass' : 'fail'}">${esc(b.shown)} ${b.pass ? 'pass' : 'MISS'}</td>`;
  };
  const rows = targets
    .map((t) => {
      const byText = new Map();
      for (const [h, w] of Object.entries(t.why)) byText.set(w, [...(byText.get(w) ?? []), HOST_NAMES[h]]);
      const why = [...byText].map(([w, hs]) => `<div class="why">${esc(hs.join(', '))}: ${esc(w)}</div>`).join('');
      const note = t.note ? `<div class="why">${esc(t.note)}</div>` : '';
      return `<tr><td>${esc(t.what)}${why}${note}</td><td>${esc(t.wanted)}</td>${hosts.map((h) => cell(t.byHost[h])).join('')}</tr>`;
    })
    .join('');
  return `<table class="targets"><thead><tr><th>target</th><th>wanted</th>${hosts.map((h) => `<th>${HOST_NAMES[h]}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
}

function gcMethods(results) {
  const m = {};
  for (const r of results) if (r.extra?.gcMethod) m[r.host ?? 'node'] = r.extra.gcMethod;
  return m;
}

export function writeReport(outDir, { meta, results, rows, targets }) {
  const hosts = meta.hosts ?? ['node'];
  const charts = { footprint: footprintChart(results), hosts: hostsChart(results, hosts) };
  for (const h of hosts) {
    charts[`churn${suffix(h)}`] = churnChart(results, 'small', meta, h);
    charts[`churn-wide${suffix(h)}`] = churnChart(results, 'wide', meta, h);
    charts[`audio${suffix(h)}`] = audioChart(results, h);
    charts[`gc-audio${suffix(h)}`] = gcChart(results, 'audio', h);
    charts[`gc-particles${suffix(h)}`] = gcChart(results, 'particles', h);
  }
  for (const [name, svg] of Object.entries(charts)) if (svg) writeFileSync(resolve(outDir, `${name}.svg`), svg + '\n');
  const fig = (name, caption) => (charts[name] ? `<figure>${charts[name]}<figcaption>${caption}</figcaption></figure>` : '');
  const perHost = (name, caption) => hosts.map((h) => fig(`${name}${suffix(h)}`, caption)).join('\n');
  const failed = results.filter((r) => r.error);
  const measured = targets.filter((t) => Object.values(t.byHost).some((b) => b.pass != null));
  const met = measured.filter((t) => Object.values(t.byHost).every((b) => b.pass !== false)).length;
  const methods = gcMethods(results);
  const load = meta.load;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>wasm-arena benchmarks · ${esc(meta.date.slice(0, 10))} · ${esc(meta.host)}</title>
<style>
body{font:14px/1.5 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;max-width:1320px;margin:24px auto;padding:0 20px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #d8dee4;padding-bottom:4px}
.meta{color:#57606a}.grid{display:grid;grid-template-columns:1fr;gap:16px}
figure{margin:0;border:1px solid #d8dee4;border-radius:6px;overflow:hidden}figure svg{display:block;width:100%;max-width:980px;height:auto;margin:0 auto}
figcaption{padding:8px 12px;background:#f6f8fa;color:#57606a;font-size:13px;border-top:1px solid #d8dee4}
table{border-collapse:collapse;width:100%;font-size:13px;margin-bottom:12px}th,td{padding:4px 6px;border-bottom:1px solid #eaeef2;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}th{background:#f6f8fa}small{color:#57606a;font-weight:normal}table.cmp small{white-space:nowrap;font-size:11px}table.cmp{font-size:12.5px}table.cmp td:first-child{min-width:210px}.scroll{overflow-x:auto}
tr.sep td{border-top:2px solid #d8dee4}td.base{font-weight:600;white-space:nowrap}
.targets td:nth-child(n+2){white-space:nowrap;width:1%}.why{color:#57606a;font-size:12px}.pass{color:#1a7f37;font-weight:700}.fail{color:#cf222e;font-weight:700}.na{color:#57606a}
.note{background:#fff8c5;border:1px solid #d4a72c66;padding:8px 12px;border-radius:6px}ul{padding-left:20px}code{background:#f6f8fa;padding:1px 4px;border-radius:4px}
</style></head><body>
<h1>wasm-arena benchmarks</h1>
<p class="meta">${esc(meta.mode)} run · ${esc(meta.date.slice(0, 16).replace('T', ' '))} UTC · ${esc(meta.cpu)}, ${meta.cores} cores, ${bytes(meta.totalMemBytes)} RAM · ${hosts.map((h) => esc(engine(meta, h))).join(' and ')} · ${esc(meta.platform)} · wasm-arena ${esc(meta.wasmArenaVersion)}${meta.seconds ? ` · took ${Math.round(meta.seconds)} s` : ''}${load ? ` · load average ${load.start} at the start, up to ${load.max}` : ''}</p>
${meta.mode !== 'full' ? `<p class="note">A <b>${esc(meta.mode)}</b> run: ${esc(meta.blurb ?? '')}. Figures worth quoting: <code>npm run bench -- --full</code>.</p>` : ''}
${meta.note ? `<p class="note">${esc(meta.note)}</p>` : ''}
${load?.busy ? `<p class="note">The machine was busy during this run: ${esc(load.busy)}. Figures are noisier than on a quiet machine.</p>` : ''}
${failed.length ? `<p class="note">${failed.length} job(s) failed: ${failed.map((r) => esc(`${HOST_NAMES[r.host ?? 'node']} ${r.workload} ${r.peer}: ${r.error}`)).join('; ')}</p>` : ''}
<h2>Targets: ${met} of ${measured.length} measured met on every engine (${targets.length - measured.length} not measured)</h2>
${targetsHtml(targets, hosts)}
${charts.hosts ? `<h2>The boundary, engine by engine</h2>${fig('hosts', 'A hand-written JS pool never leaves JS; every wasm allocator pays two boundary crossings per pair, shown by the floor (two wasm exports that each store their argument: one real call each).')}` : ''}
<h2>Allocation cost as the heap fills</h2>
<div class="grid">
${perHost('churn', 'Each step frees the block in a random slot and allocates a new random size into it. A flat line is O(1); the rise at 100,000 live blocks is cache misses, shared by every allocator that writes headers. “empty call” is the same loop calling two wasm exports that only store their argument: the floor for any wasm allocator. The JS pool stays in JS, never coalesces and never gives memory back (see the footprint chart). @thi.ng/malloc walks lists on every call (O(n)); at large live sets its warm-up is time-capped, so its figure is, if anything, optimistic.')}
${perHost('churn-wide', 'Same, sizes log-uniform from 16 B to 64 KiB. JS GC here is <code>new Uint8Array(n)</code> dropped to the collector; JS pool is a free list per power-of-two size class.')}
</div>
<h2>Real-time audio: block time and GC</h2>
<div class="grid">
${perHost('audio', 'Each block allocates four 128-float temporaries, runs the same DSP kernel and updates a persistent 100 ms delay line. JS GC: <code>new Float32Array(128)</code> ×4 per block. JS preallocated: four arrays made once and reused (no allocation at all). wasm-arena arena: <code>frame.reset()</code> then <code>frame.alloc(512)</code> ×4 through <code>heap.f32</code>. “no allocation” calls empty exports over fixed buffers: the machine’s own jitter sets that tail.')}
${perHost('gc-audio', 'GC events inside the measured windows. The harness’s timer leaves a little garbage of its own; it collects it between windows (forced, outside the timing) and never counts those.')}
${perHost('gc-particles', '2,000 particles spawned per frame, each living 10–40 frames. JS objects: one object per particle, dropped when retired. JS preallocated: one Float32Array per field, rows packed. wasm-arena heap: one 20-byte block per particle through <code>heap.f32</code>.')}
${fig('footprint', 'Peak heap bytes (Node; the allocators replay the trace deterministically, so every engine gives the same figure): for the wasm allocators the memory the heap spans, both starting from one 64 KiB page; @thi.ng/malloc: its high-water “top”; JS pool: every byte it ever created; JS GC: V8 heap + array buffers sampled every 512 operations (approximate).')}
</div>
<h2>Every figure</h2>
<p>Bold: the peer’s median ÷ wasm-arena’s (above 1× means the peer costs more). Below it: the peer’s own median and min–max over the repetitions (warm-up excluded): ${repsText(meta)} for the micro-benchmarks; ${(meta.longRounds ?? 1) * (meta.longReps ?? 1)} for audio and particles (a repetition is ${meta.ctx.audioBlocks.toLocaleString('en-US')} blocks / ${meta.ctx.frames.toLocaleString('en-US')} frames). Footprint is deterministic: one replay. Where wasm-arena measured zero, the peer’s own figure.</p>
${figureTable(rows, hosts)}
<h2>How this was measured</h2>
<ul>
<li>One command, <code>npm run bench</code> (add <code>--browser</code> for Chromium): one fresh process (Node) or fresh document (headless Chromium, driven by Playwright) per (workload, peer), jobs one after the other, so no peer’s garbage or JIT state bills another. In Chromium the peers of one table row group share a tab (a renderer process; the page collects the previous document’s garbage before a job starts) and every group gets a new one. The page is served cross-origin isolated (COOP/COEP) and imports the built <code>dist/</code> and the peers’ wasm.</li>
<li>Both engines run with the same V8 flags: <code>--expose-gc</code> (the harness collects between measured windows, never inside them) and <code>--no-liftoff</code> (wasm compiled by the optimizing tier up front, so a tier-up delayed by a loaded machine never lands inside a measurement).</li>
<li>Every peer replays the same seeded random sizes and slot indices through the same loop source; each figure is the median of its timed repetitions after a warm-up, with min–max.</li>
<li>Peers: ${Object.keys(PEERS).map((p) => `<b>${esc(PEERS[p].name)}</b>: ${esc(PEER_NOTES[p])}`).join('; ')}.</li>
<li>The target ratios to the empty call, to AS TLSF and to the JS pool are <em>paired</em>: wasm-arena’s own job also runs those peers (each with its own copy of the loop; none makes garbage), alternating repetition by repetition, and the ratio is the median of the per-repetition ratios.</li>
<li>Node repetitions are timed by the wall clock with the process’s CPU time alongside; a repetition whose wall time clearly exceeds its CPU time (descheduled by other load) is run again, up to 5 times${meta.repsRerun != null ? ` (this run: ${meta.repsRerun} re-run, ${meta.repsDisturbed} still disturbed)` : ''}. A page cannot read its CPU time: Chromium figures rest on the median alone.</li>
<li>GC events: ${Object.entries(methods).map(([h, m]) => `${esc(HOST_NAMES[h])}: ${esc(m)}`).join('; ') || 'none recorded'}. Only events inside the measured windows count.</li>
<li>Machine load: the 1-minute load average sampled at the start and after every job${load ? ` (this run: ${load.start} at the start, up to ${load.max}, on ${meta.cores} cores)` : ''}.</li>
<li>Raw numbers, machine and versions: <code>results.json</code> beside this report (or the dated JSON in <code>bench/results/</code>).</li>
</ul>
</body></html>
`;
  const file = resolve(outDir, 'report.html');
  writeFileSync(file, html);
  return file;
}
