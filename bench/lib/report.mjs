// bench/results/report.html: one self-contained page (inline SVG, no scripts, no external files)
// with the charts, the §4 target rows and every figure with its min–max. The charts are also
// written as standalone SVG files for the README.

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { lineChart, stemPanels, barChart } from './svg.mjs';
import { find, LIVE_SETS, VARIANTS } from './rows.mjs';
import { COLUMNS, COLUMN_NAMES, baseCell, ratioCell } from './table.mjs';
import { num, range, bytes } from './format.mjs';

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const NAMES = { ...COLUMN_NAMES, 'wasm-arena': 'wasm-arena heap', 'wasm-arena-heap': 'wasm-arena heap' };

/** How many repetitions a micro-benchmark figure is the median of. */
function repsText(meta) {
  const r = meta.microRounds ?? 1;
  const n = r > 1 ? r * meta.microRepsPerRound : meta.ctx.reps;
  return r > 1 ? `${n} repetitions (${r} processes × ${meta.microRepsPerRound})` : `${n} repetitions`;
}

function churnChart(results, variant, meta) {
  const peers = ['wasm-arena', 'as-tlsf', 'js-pool', 'floor', 'js-gc', 'thing'];
  const series = peers.map((p) => ({
    id: p,
    name: p === 'wasm-arena' ? 'wasm-arena' : COLUMN_NAMES[p],
    points: LIVE_SETS.map((live) => {
      const s = find(results, { workload: 'churn', variant, live, peer: p })?.metrics.nsPerPair;
      return s ? { x: live, y: s.median, lo: s.min, hi: s.max } : { x: live, y: NaN };
    }),
  }));
  return lineChart({
    title: `Cost of one alloc + free pair vs live blocks (${VARIANTS[variant]} random sizes)`,
    subtitle: `Lower is better. Both axes logarithmic. Dots: median of ${repsText(meta)}; whiskers: min–max. Measured ${meta.date.slice(0, 10)}, ${meta.cpu} (${meta.cores} cores), Node ${meta.node}.`,
    x: { label: 'live blocks (random slot freed and refilled each step)', log: true, min: 100, max: 100_000, fmt: (v) => v.toLocaleString('en-US') },
    y: { label: 'ns per alloc + free pair', log: true },
    series,
    height: 500,
  });
}

function audioChart(results, meta) {
  const peers = ['js-gc', 'wasm-arena', 'wasm-arena-heap', 'as-tlsf', 'js-pool', 'floor'];
  const nines = (q) => (q >= 1 ? 5.6 : -Math.log10(1 - q));
  const series = peers
    .map((p) => {
      const r = find(results, { workload: 'audio', peer: p });
      if (!r) return null;
      const name = p === 'wasm-arena' ? 'wasm-arena arena' : p === 'floor' ? 'no allocation' : NAMES[p];
      return { id: p, name, markers: false, points: r.extra.curve.map(([q, v]) => ({ x: nines(q), y: v })) };
    })
    .filter(Boolean);
  const budget = find(results, { workload: 'audio' })?.extra.budgetMs ?? 0.667;
  const blocks = find(results, { workload: 'audio' })?.extra.blocks ?? 0;
  return lineChart({
    title: 'Audio block time by percentile: JS GC vs wasm-arena arena',
    subtitle: `${blocks.toLocaleString('en-US')} blocks of 128 frames, 4 temporary buffers each. Lower is better; log y. Dashed red: the ${num(budget * 1000)} µs left of a 2.67 ms quantum after 2 ms of other work.`,
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

function gcChart(results, workload) {
  const panels = [];
  let span = 0.1;
  const add = (peer, name) => {
    const r = find(results, { workload, peer });
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
  if (workload === 'audio') {
    add('js-gc', 'JS GC');
    add('wasm-arena', 'wasm-arena arena');
  } else {
    add('js-gc', 'JS objects');
    add('wasm-arena', 'wasm-arena heap');
  }
  if (!panels.length) return '';
  const what = workload === 'audio' ? 'audio blocks' : 'particle frames';
  return stemPanels({
    title: `GC pauses over time: ${what} (one repetition each)`,
    subtitle: 'Each line is one garbage collection; its height is the pause. The repetition shown is the one with the median tail.',
    x: { label: 'time since the repetition started (s)', max: Math.ceil(span * 10) / 10 },
    y: { label: 'GC pause (ms)', minMax: 1 },
    panels,
  });
}

function footprintChart(results) {
  const peers = ['wasm-arena', 'as-tlsf', 'thing', 'js-pool', 'js-gc'];
  const bars = [];
  let live = 0;
  for (const p of peers) {
    const e = find(results, { workload: 'footprint', peer: p })?.extra;
    if (!e) continue;
    live = e.peakLiveBytes;
    bars.push({ id: p, name: p === 'js-gc' ? 'JS GC (sampled)' : COLUMN_NAMES[p], value: e.peakHeapBytes / 2 ** 20, label: `${bytes(e.peakHeapBytes)} = ${num(e.ratio)}× live` });
  }
  if (!bars.length) return '';
  const f = find(results, { workload: 'footprint' }).extra;
  return barChart({
    title: 'Footprint on one recorded churn trace',
    subtitle: `${f.liveBlocks.toLocaleString('en-US')} live blocks of 16–512 B, ${f.steps.toLocaleString('en-US')} random replacements. Shorter is better.`,
    bars,
    ref: { value: live / 2 ** 20, label: `peak live bytes ${bytes(live)}` },
    x: { label: 'peak bytes the heap spans (MiB)' },
  });
}

function tableHtml(rows) {
  const cols = COLUMNS.filter((p) => rows.some((r) => r.cells[p]));
  const head = `<tr><th>workload · metric <span class="path">[wasm-arena path]</span></th><th>wasm-arena<br><small>median (min–max)</small></th>${cols.map((p) => `<th>${esc(COLUMN_NAMES[p])}<br><small>÷ wasm-arena</small></th>`).join('')}</tr>`;
  const cell = (c, unit) => (!c || c.median == null || Number.isNaN(c.median) ? '' : range(c, unit));
  let group = '';
  const body = rows
    .map((r) => {
      const sep = r.group !== group ? ' class="sep"' : '';
      group = r.group;
      return `<tr${sep}><td>${esc(r.label)} <span class="path">[${esc(r.path)}]</span></td><td class="base">${esc(baseCell(r))}</td>${cols
        .map((p) => `<td title="${esc(cell(r.cells[p], r.unit))}"><b>${esc(ratioCell(r, p))}</b><br><small>${esc(cell(r.cells[p], r.unit))}</small></td>`)
        .join('')}</tr>`;
    })
    .join('\n');
  return `<div class="scroll"><table class="cmp"><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

function targetsHtml(targets) {
  return `<table class="targets"><thead><tr><th>DESIGN.md §4 target</th><th>wanted</th><th>measured</th><th></th></tr></thead><tbody>${targets
    .map(
      (t) =>
        `<tr><td>${esc(t.what)}</td><td>${esc(t.target)}</td><td>${esc(t.shown)}</td><td class="${t.pass == null ? 'na' : t.pass ? 'pass' : 'fail'}">${t.pass == null ? 'n/a' : t.pass ? 'PASS' : 'FAIL'}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

export function writeReport(outDir, { meta, results, rows, targets }) {
  const charts = {
    churn: churnChart(results, 'small', meta),
    'churn-wide': churnChart(results, 'wide', meta),
    audio: audioChart(results, meta),
    'gc-audio': gcChart(results, 'audio'),
    'gc-particles': gcChart(results, 'particles'),
    footprint: footprintChart(results),
  };
  for (const [name, svg] of Object.entries(charts)) if (svg) writeFileSync(resolve(outDir, `${name}.svg`), svg + '\n');
  const failed = results.filter((r) => r.error);
  const passed = targets.filter((t) => t.pass).length;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>wasm-arena benchmarks · ${esc(meta.date.slice(0, 10))} · ${esc(meta.host)}</title>
<style>
body{font:14px/1.5 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;max-width:1320px;margin:24px auto;padding:0 20px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #d8dee4;padding-bottom:4px}
.meta{color:#57606a}.grid{display:grid;grid-template-columns:1fr;gap:16px}
figure{margin:0;border:1px solid #d8dee4;border-radius:6px;overflow:hidden}figure svg{display:block;width:100%;max-width:980px;height:auto;margin:0 auto}
figcaption{padding:8px 12px;background:#f6f8fa;color:#57606a;font-size:13px;border-top:1px solid #d8dee4}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:4px 6px;border-bottom:1px solid #eaeef2;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}th{background:#f6f8fa;position:sticky;top:0}small{color:#57606a;font-weight:normal}table.cmp small{white-space:nowrap;font-size:11px}table.cmp{font-size:12.5px}table.cmp td:first-child{min-width:210px}.scroll{overflow-x:auto}
tr.sep td{border-top:2px solid #d8dee4}.path{color:#57606a;font-size:12px}td.base{font-weight:600;white-space:nowrap}
.targets td:nth-child(n+2){white-space:nowrap}.pass{color:#1a7f37;font-weight:700}.fail{color:#cf222e;font-weight:700}.na{color:#57606a}
.note{background:#fff8c5;border:1px solid #d4a72c66;padding:8px 12px;border-radius:6px}ul{padding-left:20px}code{background:#f6f8fa;padding:1px 4px;border-radius:4px}
</style></head><body>
<h1>wasm-arena benchmarks</h1>
<p class="meta">${esc(meta.mode)} run · ${esc(meta.date.slice(0, 16).replace('T', ' '))} UTC · ${esc(meta.cpu)}, ${meta.cores} cores, ${bytes(meta.totalMemBytes)} RAM · Node ${esc(meta.node)} (V8 ${esc(meta.v8)}) · ${esc(meta.platform)} · wasm-arena ${esc(meta.wasmArenaVersion)}${meta.seconds ? ` · took ${Math.round(meta.seconds)} s` : ''}</p>
${meta.mode === 'quick' ? '<p class="note">This is a <b>--quick</b> smoke run: short repetitions, noisy figures. Run <code>npm run bench</code> for numbers worth quoting.</p>' : ''}
${failed.length ? `<p class="note">${failed.length} job(s) failed: ${failed.map((r) => esc(`${r.workload} ${r.peer}: ${r.error}`)).join('; ')}</p>` : ''}
<h2>Design targets: ${passed} of ${targets.length} met</h2>
${targetsHtml(targets)}
<h2>Allocation cost as the heap fills</h2>
<div class="grid">
<figure>${charts.churn}<figcaption>Each step frees the block in a random slot and allocates a new random size into it. A flat line is O(1); the rise at 100,000 live blocks (26 MB of blocks, touched at random) is cache misses, shared by every allocator that writes headers. “empty call” is the same loop calling two wasm exports that do nothing: the floor for any wasm allocator. The JS pool stays in JS (no boundary crossing), never coalesces and never gives memory back (see the footprint chart): it is fast and wasteful. @thi.ng/malloc walks lists on every call (O(n)); at large live sets its warm-up is time-capped, so its free list is still short and its figure is, if anything, optimistic.</figcaption></figure>
<figure>${charts['churn-wide']}<figcaption>Same, sizes log-uniform from 16 B to 64 KiB (every power-of-two band equally likely). JS GC here is <code>new Uint8Array(n)</code> dropped to the collector; JS pool is a free list per power-of-two size class.</figcaption></figure>
</div>
<h2>Real-time audio: block time and GC</h2>
<div class="grid">
<figure>${charts.audio}<figcaption>Each block allocates four 128-float temporaries (oscillator, noise, mix, out), runs the same DSP kernel and updates a persistent 100 ms delay line. JS GC: <code>new Float32Array(128)</code> ×4 per block. wasm-arena arena: <code>frame.reset()</code> then <code>frame.alloc(512)</code> ×4, accessed through <code>heap.f32</code> (no garbage). “no allocation” makes the same calls to empty exports over fixed buffers: the machine's own jitter (timer interrupts, a shared 2-core VM) sets this tail. Right of p99.99 each curve is the ${Math.max(1, Math.round((find(results, { workload: 'audio' })?.extra.blocks ?? 0) / 10_000))} slowest block(s) of one run: single scheduler events, not the allocator (on a busy machine they come in multiples of the 4 ms kernel tick, in every curve, “no allocation” included).</figcaption></figure>
<figure>${charts['gc-audio']}<figcaption>GC events observed with <code>PerformanceObserver</code> (entry type <code>gc</code>) inside the measured windows. The harness's timer leaves a little garbage of its own; it collects it between windows of 10 000 blocks (forced, outside the timing) and never counts those.</figcaption></figure>
${charts['gc-particles'] ? `<figure>${charts['gc-particles']}<figcaption>2 000 frames (a --quick run does fewer), 2 000 particles spawned per frame, each living 10–40 frames (about 50 000 live). JS objects: one object per particle, dropped when retired. wasm-arena heap: one 20-byte block per particle, <code>heap.alloc</code>/<code>heap.free</code>, data through <code>heap.f32</code>.</figcaption></figure>` : ''}
${charts.footprint ? `<figure>${charts.footprint}<figcaption>Peak heap bytes: for the wasm allocators the memory the heap spans, both starting from one 64 KiB page and growing on their own (wasm-arena: <code>stats().heapBytes</code>; AS TLSF: linear memory above its static data, which it grows by doubling); @thi.ng/malloc: its high-water “top”; JS pool: every byte it ever created; JS GC: V8 heap + array buffers sampled every 512 operations above the starting baseline (approximate, includes not-yet-collected garbage).</figcaption></figure>` : ''}
</div>
<h2>Every figure</h2>
<p>Bold: the peer's median ÷ wasm-arena's median (above 1× means the peer costs more). Below it: the peer's own median and, in brackets, min–max over the repetitions (warm-up excluded): ${repsText(meta)} for churn, Float32Array and bump; ${meta.ctx.reps} for audio and particles${(meta.longRounds ?? 1) > 1 ? `, each in its own process, in rounds spread over the run` : ''} (a repetition is a full run of ${meta.ctx.audioBlocks.toLocaleString('en-US')} blocks / ${meta.ctx.frames.toLocaleString('en-US')} frames). Footprint is deterministic: one replay. Where wasm-arena measured zero, the peer's own figure is shown.</p>
${tableHtml(rows)}
<h2>How this was measured</h2>
<ul>
<li>One command, <code>npm run bench</code>: one child process per (workload, peer) so no peer's garbage or JIT state bills another; jobs run one after the other.</li>
<li>Every peer replays the same seeded random sizes and slot indices through the same loop source; each figure is the median of its timed repetitions after a warm-up, with min–max. Timed workloads run in rounds — the micro-benchmarks in ${meta.microRounds ?? 1} processes of ${meta.microRepsPerRound ?? meta.ctx.reps} repetitions, audio and particles in ${meta.longRounds ?? 1} process(es) — spread over the run, so that a burst of load from elsewhere on the machine spoils a few repetitions rather than a whole figure, and peers compared in one round saw the same machine.</li>
<li>Peers: JS GC (<code>new</code> and drop), a hand-written JS pool, <code>@thi.ng/malloc</code> MemPool, AssemblyScript's built-in TLSF (<code>heap.alloc</code>/<code>heap.free</code>, minimal runtime, -O3, its own asconfig), and an empty wasm export (the floor).</li>
<li>Micro-benchmark repetitions are timed by the wall clock; the process's CPU time is read alongside, and a repetition whose wall time clearly exceeds its CPU time (the process was descheduled by other load) is run again, up to 5 times, keeping the fastest${meta.repsRerun != null ? ` (this run: ${meta.repsRerun} re-run, ${meta.repsDisturbed} still disturbed after 5 tries; load average ${meta.loadAverageAtStart?.[0]} at the start, ${meta.loadAverageAtEnd?.[0]} at the end)` : ''}. Audio and particle distributions cannot be re-run that way: their tails include whatever else the machine did, which the “no allocation” peer shows.</li>
<li>The §4 ratios to the empty call and to AS TLSF are <em>paired</em>: wasm-arena's own churn and bump processes also run the floor and AS TLSF (each with its own copy of the loop; none of them makes garbage), alternating repetition by repetition, and the ratio is the median of the per-repetition ratios. The separate-process ratio is shown beside it.</li>
<li>Audio deadline: a 128-frame quantum at 48 kHz lasts 2.67 ms; with 2 ms taken by the rest of the graph, a block misses when it takes longer than 0.67 ms.</li>
<li>Raw numbers, machine and versions: the JSON file next to this report.</li>
</ul>
</body></html>
`;
  const file = resolve(outDir, 'report.html');
  writeFileSync(file, html);
  return file;
}
