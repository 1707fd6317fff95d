#!/usr/bin/env node
// `npm run bench`: every workload against every peer, one child process per job (one process
// tree), progress on stderr, the ratio table and the DESIGN.md §4 target rows on stdout, raw
// numbers in bench/results/<date>-<host>.json and a report with charts in bench/results/report.html.
//
//   npm run bench                 full run (≈ 7 min on 2 cores)
//   npm run bench -- --quick      smoke run (< 1 min), results go to bench/results/quick/
//   npm run bench -- --only churn,audio   (results go to bench/results/partial/)
//   npm run bench -- --report-only bench/results/<file>.json   (re-render table + report)
//   npm run bench -- --rounds 1   one process per figure (faster, more exposed to other load)
//   npm run bench -- --build      rebuild wasm-arena first even if dist/ looks current

import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { resolve, relative } from 'node:path';
import os from 'node:os';
import { benchDir, rootDir, PEERS, wasmArenaReleaseBytes } from './lib/peers.mjs';
import { buildPeers } from './lib/build-peers.mjs';
import { summarize } from './lib/stats.mjs';
import { buildRows, LIVE_SETS, VARIANTS } from './lib/rows.mjs';
import { evaluateTargets } from './lib/targets.mjs';
import { printTables } from './lib/table.mjs';
import { writeReport } from './lib/report.mjs';
import { summaryMarkdown } from './lib/markdown.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const opt = (name) => {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return args[i].includes('=') ? args[i].split('=').slice(1).join('=') : args[i + 1];
};
if (flag('help')) {
  process.stdout.write(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 12).join('\n') + '\n');
  process.exit(0);
}
const quick = flag('quick');
const only = opt('only')?.split(',');
// Only a complete full run replaces the committed results; --quick and --only runs go aside.
const outDir = resolve(benchDir, quick ? 'results/quick' : only ? 'results/partial' : 'results');

const CTX = quick
  ? { reps: 5, repMs: 8, warmMs: 25, audioBlocks: 10_000, audioWarm: 5_000, frames: 40, framesWarm: 20, footprintSteps: 5_000 }
  : { reps: 5, repMs: 100, warmMs: 300, audioBlocks: 200_000, audioWarm: 40_000, frames: 2000, framesWarm: 200, footprintSteps: 200_000 };

/**
 * The job plan: [workload, peer, parameters]. wasm-arena runs first in every group.
 * Timed workloads run in rounds spread over the whole run, a fresh process per round: the
 * micro-benchmarks (churn, typed, bump) in MICRO_ROUNDS rounds of MICRO_REPS repetitions, audio
 * and particles in LONG_ROUNDS rounds of one repetition. A burst of load from something else on
 * the machine then spoils a few repetitions of a figure, not all of them, and peers measured side
 * by side in a round saw the same machine. A figure is the median of all its repetitions.
 */
const MICRO_ROUNDS = Number(opt('rounds') ?? (quick ? 1 : 3));
const MICRO_REPS = MICRO_ROUNDS === 1 ? CTX.reps : Math.max(2, Math.ceil(CTX.reps / MICRO_ROUNDS));
const LONG_ROUNDS = quick || opt('rounds') === '1' ? 1 : CTX.reps;
const LONG_REPS = LONG_ROUNDS === 1 ? CTX.reps : 1;
const MICRO = new Set(['churn', 'typed', 'bump']);
const LONG = new Set(['audio', 'particles']);
const ROUNDS = Math.max(MICRO_ROUNDS, LONG_ROUNDS);

function plan() {
  const groups = { micro: [], long: [], once: [] };
  const add = (workload, peers, params = {}) => {
    if (only && !only.includes(workload)) return;
    const g = MICRO.has(workload) ? groups.micro : LONG.has(workload) ? groups.long : groups.once;
    for (const peer of peers) g.push({ workload, peer, ...params });
  };
  const all = ['wasm-arena', 'js-gc', 'js-pool', 'thing', 'as-tlsf', 'floor'];
  for (const variant of Object.keys(VARIANTS))
    for (const live of LIVE_SETS) {
      // --quick skips the slowest set up (100 000 blocks of up to 64 KiB: ~0.8 GB per peer).
      if (!(quick && variant === 'wide' && live === 100_000)) add('churn', all, { variant, live });
    }
  add('typed', ['wasm-arena', 'js-gc', 'js-pool', 'thing', 'as-tlsf']);
  add('bump', ['wasm-arena', 'js-gc', 'js-pool', 'floor']);
  add('audio', ['wasm-arena', 'wasm-arena-heap', 'js-gc', 'js-pool', 'thing', 'as-tlsf', 'floor']);
  add('particles', ['wasm-arena', 'js-gc', 'js-pool', 'as-tlsf', 'wasm-arena-soa', 'wasm-arena-cursor']);
  add('scope', ['wasm-arena']);
  add('footprint', ['wasm-arena', 'js-gc', 'js-pool', 'thing', 'as-tlsf']);
  const jobs = [];
  for (let r = 1; r <= ROUNDS; r++) {
    if (r <= MICRO_ROUNDS) jobs.push(...groups.micro.map((j) => ({ ...j, reps: MICRO_REPS, round: r, rounds: MICRO_ROUNDS })));
    if (r <= LONG_ROUNDS) jobs.push(...groups.long.map((j) => ({ ...j, reps: LONG_REPS, round: r, rounds: LONG_ROUNDS })));
    if (r === Math.min(2, ROUNDS)) jobs.push(...groups.once);
  }
  return jobs;
}

const JOB_TIMEOUT_S = quick ? 60 : 300;

const keyOf = (r) => [r.workload, r.peer, r.variant ?? '', r.live ?? ''].join('|');

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
    const { round, reps, rounds, ...first } = rs[0];
    if (rs.length === 1) return first;
    const failed = rs.find((r) => r.error);
    if (failed) return { ...first, error: failed.error, stack: failed.stack };
    const metrics = {};
    for (const m of Object.keys(rs[0].metrics))
      metrics[m] = summarize(rs.flatMap((r) => r.metrics[m].reps), rs[0].metrics[m].unit);
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

const tty = process.stderr.isTTY;
const started = performance.now();
const clock = () => {
  const s = Math.round((performance.now() - started) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
let status = '';
const log = (msg) => {
  if (tty && status) process.stderr.write('\r\x1b[K');
  process.stderr.write(msg + '\n');
  status = '';
};
const show = (msg) => {
  if (tty) {
    status = msg;
    process.stderr.write('\r\x1b[K' + msg.slice(0, process.stderr.columns - 1));
  }
};

export function describe(job) {
  const parts = [job.workload];
  if (job.variant) parts.push(VARIANTS[job.variant]);
  if (job.live) parts.push(`${job.live.toLocaleString('en-US')} live`);
  parts.push(PEERS[job.peer] ?? job.peer);
  if (job.round && job.rounds > 1) parts.push(`round ${job.round}/${job.rounds}`);
  return parts.join(' · ');
}

function runJob(job) {
  return new Promise((resolveJob) => {
    const t0 = performance.now();
    const ctx = job.reps ? { ...CTX, reps: job.reps } : CTX;
    const child = fork(resolve(benchDir, 'worker.mjs'), [JSON.stringify({ ...job, ctx })], {
      execArgv: ['--expose-gc', '--max-old-space-size=8192'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: process.env,
    });
    let result = null;
    // A job that hangs must not hang CI: kill this child (only this one) after a generous limit.
    const limit = setTimeout(() => {
      result = { error: `timed out after ${JOB_TIMEOUT_S} s` };
      child.kill('SIGKILL');
    }, JOB_TIMEOUT_S * 1000);
    child.stdout?.pipe(process.stderr);
    child.on('message', (m) => {
      if (m.type === 'progress') show(`${job.label} · ${m.msg}`);
      else if (m.type === 'result') result = m.result;
      else if (m.type === 'error') result = { error: m.message, stack: m.stack.split(rootDir).join('.') }; // no machine paths in results
    });
    child.on('exit', (code, signal) => {
      clearTimeout(limit);
      if (!result) result = { error: `worker exited (${signal ?? code}) without a result` };
      resolveJob({ ...job, ...result, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

function summaryOf(r) {
  if (r.error) return `ERROR: ${r.error.split('\n')[0]}`;
  const m = r.metrics;
  const retried = r.extra?.retries ? ` [${r.extra.retries} repetition(s) re-run: the process was descheduled]` : '';
  return summaryText(r, m) + retried;
}

function summaryText(r, m) {
  if (m.nsPerPair) return `${m.nsPerPair.median.toFixed(1)} ns/pair (${m.nsPerPair.min.toFixed(1)}–${m.nsPerPair.max.toFixed(1)})`;
  if (r.workload === 'audio') return `p50 ${m.p50.median.toFixed(2)} µs, p99.9 ${m.p999.median.toFixed(1)} µs, ${m.gcEvents.median} GC`;
  if (r.workload === 'particles') return `p50 ${m.p50.median.toFixed(2)} ms, p99 ${m.p99.median.toFixed(2)} ms, ${m.gcEvents.median} GC`;
  if (r.workload === 'footprint') return `peak heap ${r.extra.peakHeapBytes} B = ${r.extra.ratio.toFixed(2)}× peak live`;
  if (r.workload === 'scope') return `frame ${m.frameNs.median.toFixed(1)} ns, scope(fn) ${m.scopeNs.median.toFixed(1)} ns, ${m.gcEvents.median} GC`;
  if (r.workload === 'bump') return `alloc ${m.allocNs.median.toFixed(2)} ns${m.resetNs ? `, reset ${m.resetNs.median.toFixed(2)} ns` : ''}`;
  return 'done';
}

function machine() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    host: os.hostname(),
    mode: quick ? 'quick' : 'full',
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemBytes: os.totalmem(),
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    ctx: CTX,
    microRounds: MICRO_ROUNDS,
    microRepsPerRound: MICRO_REPS,
    longRounds: LONG_ROUNDS,
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
  for (const p of ['src', 'assembly', 'asconfig.json', 'tsup.config.ts', 'scripts/embed-wasm.mjs']) walk(resolve(rootDir, p));
  return newest;
}

/** Runs `npm run build` unless dist/ is newer than every source (CI has just built it for the tests). */
function ensureBuilt() {
  const dist = resolve(rootDir, 'dist/index.js');
  if (!process.env.BENCH_WASM_ARENA && existsSync(dist) && statSync(dist).mtimeMs >= newestSource() && !flag('build')) {
    log('dist/ is up to date (pass --build to rebuild anyway)');
    return;
  }
  if (process.env.BENCH_WASM_ARENA) return;
  log('building wasm-arena: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: rootDir, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

async function main() {
  let meta;
  let results;
  const reportOnly = opt('report-only');
  if (reportOnly) {
    ({ meta, results } = JSON.parse(readFileSync(reportOnly, 'utf8')));
  } else {
    ensureBuilt();
    await buildPeers(log);
    meta = machine();
    const jobs = plan();
    log(`wasm-arena bench (${meta.mode}): ${jobs.length} jobs, ${meta.cpu}, ${meta.cores} cores, Node ${meta.node}`);
    const raw = [];
    for (const [i, job] of jobs.entries()) {
      job.label = `[${i + 1}/${jobs.length} ${clock()}] ${describe(job)}`;
      show(job.label);
      const r = await runJob(job);
      delete r.label;
      raw.push(r);
      log(`${job.label} → ${summaryOf(r)}`);
    }
    results = mergeRounds(raw);
    meta.seconds = (performance.now() - started) / 1000;
    meta.loadAverageAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
    meta.repsRerun = raw.reduce((a, r) => a + (r.extra?.retries ?? 0), 0);
    meta.repsDisturbed = raw.reduce((a, r) => a + (r.extra?.disturbed ?? 0), 0);
  }
  const rows = buildRows(results);
  const targets = evaluateTargets(results, meta);
  process.stdout.write(printTables(rows, targets, meta) + '\n');
  mkdirSync(outDir, { recursive: true });
  if (!reportOnly) {
    const day = meta.date.slice(0, 10);
    const file = resolve(outDir, `${day}-${meta.host.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
    writeFileSync(file, JSON.stringify({ meta, results }, null, 1) + '\n');
    log(`raw numbers: ${relative(rootDir, file)}`);
  }
  writeFileSync(resolve(outDir, 'summary.md'), summaryMarkdown(rows, targets, meta));
  const report = writeReport(outDir, { meta, results, rows, targets });
  log(`report: ${relative(rootDir, report)} (${(meta.seconds ?? 0).toFixed(0)} s)`);
  const failed = results.filter((r) => r.error);
  if (failed.length) {
    log(`${failed.length} job(s) failed: ${failed.map(describe).join("; ")}`);
    process.exitCode = 1; // a crash is a failure; a missed target is not
  }
}

main().catch((err) => {
  log(String(err?.stack ?? err));
  process.exitCode = 1;
});
