#!/usr/bin/env node
// `npm run bench`: every workload against every peer, one fresh process (Node) or document
// (Chromium) per job, progress on stderr, the summary tables and the target rows on stdout. Each
// run writes its raw numbers, a report with charts and a Markdown summary to bench/results/runs/
// (gitignored); --save also updates the committed results in bench/results/.
//
//   npm run bench                        every workload and peer, fewer repetitions (≈ 2 min)
//   npm run bench -- --full              publication run (rounds of longer repetitions)
//   npm run bench -- --quick             smoke run (< 1 min; what CI runs)
//   npm run bench -- --browser           Node and headless Chromium side by side
//   npm run bench -- --browser-only      Chromium only
//   npm run bench -- --only churn,pool   a subset of the workloads (see bench/workloads/index.mjs)
//   npm run bench -- --save              also update bench/results/ (JSON, report, summary, charts)
//   npm run bench -- --label NAME        machine name in the saved file name (default: host name)
//   npm run bench -- --report-only FILE  re-render the tables and report from a results JSON
//   npm run bench -- --build             rebuild wasm-arena first even if dist/ looks current

import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { resolve, relative } from 'node:path';
import os from 'node:os';
import { benchDir, rootDir, runsDir, savedDir } from './lib/paths.mjs';
import { PEERS } from './lib/peers.mjs';
import { buildPeers } from './lib/build-peers.mjs';
import { summarize } from './lib/stats.mjs';
import { range, wrapText, WIDTH } from './lib/format.mjs';
import { MODES, plan, skippedOn, V8_FLAGS } from './lib/plan.mjs';
import { buildRows, HOST_NAMES } from './lib/rows.mjs';
import { evaluateTargets } from './targets.mjs';
import { printSummary } from './lib/table.mjs';
import { writeReport } from './lib/report.mjs';
import { summaryMarkdown } from './lib/markdown.mjs';
import { LoadWatch } from './lib/load.mjs';
import { migrate } from './lib/migrate.mjs';
import { WORKLOADS } from './workloads/index.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const opt = (name) => {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return args[i].includes('=') ? args[i].split('=').slice(1).join('=') : args[i + 1];
};
if (flag('help')) {
  const lines = readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1);
  process.stdout.write(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).map((l) => l.slice(3)).join('\n') + '\n');
  process.exit(0);
}
const MODE = flag('quick') ? MODES.quick : flag('full') ? MODES.full : MODES.default;
const HOSTS = flag('browser-only') ? ['chromium'] : flag('browser') ? ['node', 'chromium'] : ['node'];
const only = opt('only')?.split(',');
if (only) for (const w of only) if (!WORKLOADS[w]) throw new Error(`--only: no workload ${w} (have ${Object.keys(WORKLOADS).join(', ')})`);
if (flag('save') && MODE === MODES.quick) {
  process.stderr.write('--save keeps only figures worth committing: use it with the default or --full run, not --quick\n');
  process.exit(2);
}

const started = performance.now();
const elapsed = () => (performance.now() - started) / 1000;
const clock = () => {
  const s = Math.round(elapsed());
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
const tty = process.stderr.isTTY;
let status = '';
const log = (msg) => {
  if (tty && status) process.stderr.write('\r\x1b[K');
  process.stderr.write(msg + '\n');
  status = '';
};
const show = (msg) => {
  if (tty) {
    status = msg;
    process.stderr.write('\r\x1b[K' + msg.slice(0, Math.min(WIDTH, process.stderr.columns ?? WIDTH) - 1));
  }
};

export function describe(job) {
  const parts = [];
  if (job.host === 'chromium') parts.push('Chromium');
  parts.push(job.workload);
  const label = WORKLOADS[job.workload]?.label?.(job.params ?? {});
  if (label) parts.push(label);
  parts.push(PEERS[job.peer]?.name ?? job.peer);
  if (job.rounds > 1) parts.push(`round ${job.round}/${job.rounds}`);
  return parts.join(' · ');
}

const keyOf = (r) => [r.host, r.workload, r.peer, JSON.stringify(r.params ?? {})].join('|');

/** The element of `rs` whose `score` is the median one. */
function medianBy(rs, score) {
  const order = rs.map((r, i) => [score(r), i]).sort((a, b) => a[0] - b[0]);
  return rs[order[Math.floor(order.length / 2)][1]];
}

/**
 * Joins the rounds of a figure into one result: every metric over all repetitions. The charts'
 * block-time curve comes from the round with the median p99.9, the GC timeline from the round
 * with the median GC time.
 */
function mergeRounds(results) {
  const byKey = new Map();
  for (const r of results) {
    if (!byKey.has(keyOf(r))) byKey.set(keyOf(r), []);
    byKey.get(keyOf(r)).push(r);
  }
  return [...byKey.values()].map((rs) => {
    const { round, reps, rounds, label, ctx, ...first } = rs[0];
    if (rs.length === 1) return first;
    const failed = rs.find((r) => r.error);
    if (failed) return { ...first, error: failed.error, stack: failed.stack };
    if (first.unavailable) return first;
    const metrics = {};
    for (const m of Object.keys(rs[0].metrics)) metrics[m] = summarize(rs.flatMap((r) => r.metrics[m].reps), rs[0].metrics[m].unit);
    const extra = { ...rs[0].extra, perRound: rs.map(({ extra: { curve, gcTimeline, ...e } }) => e) };
    if (rs[0].extra.curve) extra.curve = medianBy(rs, (r) => r.metrics.p999.median).extra.curve;
    if (rs[0].extra.gcTimeline) {
      const g = medianBy(rs, (r) => r.metrics.gcMs.median).extra;
      extra.gcTimeline = g.gcTimeline;
      extra.timelineMs = g.timelineMs;
    }
    return { ...first, metrics, rounds: rs.length, seconds: rs.reduce((a, r) => a + r.seconds, 0), extra };
  });
}

/** One job in a child process (Node host). */
function runNodeJob(job, payload) {
  return new Promise((resolveJob) => {
    const child = fork(resolve(benchDir, 'worker.mjs'), [JSON.stringify(payload)], {
      execArgv: [...V8_FLAGS, '--max-old-space-size=8192'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: process.env,
    });
    let result = null;
    // A job that hangs must not hang CI: kill this child (only this one) after a generous limit.
    const limit = setTimeout(() => {
      result = { error: `timed out after ${MODE.jobTimeoutS} s` };
      child.kill('SIGKILL');
    }, MODE.jobTimeoutS * 1000);
    child.on('message', (m) => {
      if (m.type === 'progress') show(`${job.label} · ${m.msg}`);
      else if (m.type === 'result') result = m.result;
      else if (m.type === 'error') result = { error: m.message, stack: m.stack };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(limit);
      resolveJob(result ?? { error: `worker exited (${signal ?? code}) without a result` });
    });
  });
}

/** The job's line on stderr: its headline metrics (see `progress` in workloads/index.mjs). */
function summaryOf(r) {
  if (r.error) return `ERROR: ${r.error.split('\n')[0]}`;
  if (r.unavailable) return `not in this build (${r.unavailable})`;
  const w = WORKLOADS[r.workload];
  const parts = [];
  for (const [metric, label, unit] of w.metrics) {
    const c = r.metrics[metric];
    if (!c || !(w.progress ?? [w.metrics[0][0]]).includes(metric)) continue;
    parts.push(`${label ? `${label} ` : ''}${range(c, unit)}`);
  }
  if (r.metrics.gcEvents) parts.push(`${r.metrics.gcEvents.median} GC`);
  if (r.extra?.retries) parts.push(`${r.extra.retries} rep(s) re-run`);
  return parts.join(', ');
}

/** A progress line cut to the console width. */
const fit = (line) => ([...line].length > WIDTH ? [...line].slice(0, WIDTH - 1).join('') + '…' : line);

/** The library's release wasm size in bytes, if a built file can be found. */
function wasmArenaReleaseBytes() {
  for (const f of ['build/release.wasm', 'build/wasm-arena.wasm', 'build/index.wasm']) {
    const p = resolve(rootDir, f);
    if (existsSync(p)) return { file: f, bytes: readFileSync(p).length };
  }
  return null;
}

function machine() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    host: opt('label') ?? os.hostname(),
    mode: MODE.name,
    blurb: MODE.blurb,
    hosts: HOSTS,
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemBytes: os.totalmem(),
    ctx: MODE.ctx,
    microRounds: MODE.microRounds,
    microReps: MODE.microReps,
    longRounds: MODE.longRounds,
    longReps: MODE.longReps,
    wasmArenaVersion: JSON.parse(readFileSync(resolve(rootDir, 'package.json'), 'utf8')).version,
    wasmArenaRelease: wasmArenaReleaseBytes(),
  };
}

/** Newest modification time under the library's sources (src/, assembly/, configs). */
function newestSource() {
  let newest = 0;
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const f of readdirSync(p)) walk(resolve(p, f));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['src', 'assembly', 'asconfig.json', 'tsup.config.ts', 'package.json', 'scripts/embed-wasm.mjs']) walk(resolve(rootDir, p));
  return newest;
}

/** Runs `npm run build` unless dist/ is newer than every source (CI has just built it for the tests). */
function ensureBuilt() {
  if (process.env.BENCH_WASM_ARENA) return;
  const dist = resolve(rootDir, 'dist/index.js');
  if (existsSync(dist) && statSync(dist).mtimeMs >= newestSource() && !flag('build')) return;
  log(existsSync(dist) ? 'dist/ is older than the sources: npm run build' : 'dist/ is missing: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: rootDir, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

async function runAll(meta, load) {
  const jobs = HOSTS.flatMap((h) => plan(MODE, h, only));
  meta.skipped = [...new Set(HOSTS.flatMap((h) => Object.keys(WORKLOADS).map((w) => skippedOn(w, h) && `${w} (${skippedOn(w, h)})`).filter(Boolean)))];
  const counts = HOSTS.map((h) => `${HOST_NAMES[h]} ${jobs.filter((j) => j.host === h).length}`).join(', ');
  log(`wasm-arena bench, ${MODE.name} run: ${jobs.length} jobs (${counts}) · ${meta.cpu}, ${meta.cores} cores`);
  log(`  ${wrapText(MODE.blurb, WIDTH - 2, '  ')}`);
  const busy = (w) => log(wrapText(`WARNING: the machine is busy (${w}): figures will be noisy`, WIDTH, '  '));
  const w0 = load.startWarning();
  if (w0) busy(w0);
  let browser = null;
  const raw = [];
  try {
    for (const [i, job] of jobs.entries()) {
      job.label = `[${i + 1}/${jobs.length} ${clock()}] ${describe(job)}`;
      show(job.label);
      const payload = { ...job, ctx: { ...MODE.ctx, reps: job.reps } };
      const t0 = performance.now();
      let out;
      if (job.host === 'node') out = await runNodeJob(job, payload);
      else {
        if (!browser) {
          browser = await (await import('./lib/chromium.mjs')).startChromium();
          meta.chromium = browser.version;
          log(`Chromium ${browser.version} (headless) started`);
        }
        const r = await browser.runJob(payload, (msg) => show(`${job.label} · ${msg}`), MODE.jobTimeoutS);
        out = r.result ?? { error: r.error, stack: r.stack };
      }
      if (out.stack) out.stack = out.stack.split(rootDir).join('.'); // no machine paths in results
      const r = { ...job, ...out, seconds: (performance.now() - t0) / 1000 };
      delete r.label;
      raw.push(r);
      log(fit(`${job.label} → ${summaryOf(r)}`));
      const w = load.sample(elapsed());
      if (w) busy(w);
    }
  } finally {
    await browser?.close();
  }
  meta.seconds = elapsed();
  meta.load = load.summary();
  meta.repsRerun = raw.reduce((a, r) => a + (r.extra?.retries ?? 0), 0);
  meta.repsDisturbed = raw.reduce((a, r) => a + (r.extra?.disturbed ?? 0), 0);
  return mergeRounds(raw);
}

/** Writes the run's files into `dir`; returns the report's path. */
function writeOutputs(dir, { meta, results, rows, targets }, jsonName) {
  mkdirSync(dir, { recursive: true });
  if (jsonName) writeFileSync(resolve(dir, jsonName), JSON.stringify({ meta, results, targets }, null, 1) + '\n');
  writeFileSync(resolve(dir, 'summary.md'), summaryMarkdown(rows, targets, meta));
  return writeReport(dir, { meta, results, rows, targets });
}

async function main() {
  let meta;
  let results;
  const reportOnly = opt('report-only');
  if (reportOnly) {
    ({ meta, results } = migrate(JSON.parse(readFileSync(reportOnly, 'utf8'))));
  } else {
    const load = new LoadWatch(); // before building: the start figure is other processes' load
    if (HOSTS.includes('chromium')) {
      const { findChromium, MISSING_CHROMIUM } = await import('./lib/chromium.mjs');
      // Before any job, not after the Node ones; a setup problem, so no stack trace.
      if (!findChromium()) throw Object.assign(new Error(MISSING_CHROMIUM), { expected: true });
    }
    ensureBuilt();
    await buildPeers(log, { browser: HOSTS.includes('chromium') });
    meta = machine();
    meta.buildSeconds = Math.round(elapsed());
    results = await runAll(meta, load);
  }
  const rows = buildRows(results);
  const targets = evaluateTargets(results, meta, meta.hosts);
  process.stdout.write(printSummary(rows, targets, meta) + '\n');
  const data = { meta, results, rows, targets };
  const stamp = `${meta.date.slice(0, 16).replace(/:/g, '')}-${meta.mode}${reportOnly ? '-rerendered' : ''}`;
  const report = writeOutputs(resolve(runsDir, stamp), data, 'results.json');
  log('');
  log(`report with charts: ${relative(rootDir, report)} (raw numbers: results.json beside it)`);
  if (flag('save')) {
    const name = `${meta.date.slice(0, 10)}-${meta.host.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;
    writeOutputs(savedDir, data, reportOnly ? null : name);
    log(`saved: bench/results/ (${reportOnly ? '' : `${name}, `}report.html, summary.md, charts)`);
  } else log('the committed results in bench/results/ are unchanged (--save updates them)');
  if (meta.seconds) log(`the run took ${Math.round(meta.seconds)} s${meta.buildSeconds >= 1 ? ` (${meta.buildSeconds} s of it building)` : ''}`);
  if (!reportOnly && !HOSTS.includes('chromium'))
    log('the same workloads in headless Chromium, side by side with Node: npm run bench -- --browser');
  const failed = results.filter((r) => r.error);
  if (failed.length) {
    log(`${failed.length} job(s) failed: ${failed.map(describe).join('; ')}`);
    process.exitCode = 1; // a crash is a failure; a missed target is not
  }
}

main().catch((err) => {
  log(err?.expected ? err.message : String(err?.stack ?? err));
  process.exitCode = 1;
});
