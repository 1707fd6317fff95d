#!/usr/bin/env node
// `npm run bench`: every workload against every peer, one child process per job (one process
// tree), progress on stderr, the ratio table and the DESIGN.md §4 target rows on stdout, raw
// numbers in bench/results/<date>-<host>.json and a report with charts in bench/results/report.html.
//
//   npm run bench                 full run (≈ 5 min on 2 cores)
//   npm run bench -- --quick      smoke run (< 1 min), results go to bench/results/quick/
//   npm run bench -- --only churn,audio
//   npm run bench -- --report-only bench/results/<file>.json   (re-render table + report)

import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { resolve, relative } from 'node:path';
import os from 'node:os';
import { benchDir, rootDir, PEERS, wasmArenaReleaseBytes } from './lib/peers.mjs';
import { buildPeers } from './lib/build-peers.mjs';
import { buildRows, LIVE_SETS, VARIANTS } from './lib/rows.mjs';
import { evaluateTargets } from './lib/targets.mjs';
import { printTables } from './lib/table.mjs';
import { writeReport } from './lib/report.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const opt = (name) => {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return args[i].includes('=') ? args[i].split('=').slice(1).join('=') : args[i + 1];
};
if (flag('help')) {
  process.stdout.write(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 10).join('\n') + '\n');
  process.exit(0);
}
const quick = flag('quick');
const only = opt('only')?.split(',');
const outDir = resolve(benchDir, quick ? 'results/quick' : 'results');

const CTX = quick
  ? { reps: 5, repMs: 8, warmMs: 25, audioBlocks: 10_000, audioWarm: 5_000, frames: 40, framesWarm: 20, footprintSteps: 5_000 }
  : { reps: 5, repMs: 100, warmMs: 300, audioBlocks: 200_000, audioWarm: 40_000, frames: 2000, framesWarm: 200, footprintSteps: 200_000 };

/** The job plan: [workload, peer, parameters]. wasm-arena runs first in every group. */
function plan() {
  const jobs = [];
  const add = (workload, peers, params = {}) => {
    if (only && !only.includes(workload)) return;
    for (const peer of peers) jobs.push({ workload, peer, ...params });
  };
  const all = ['wasm-arena', 'js-gc', 'js-pool', 'thing', 'as-tlsf', 'floor'];
  for (const variant of Object.keys(VARIANTS))
    for (const live of LIVE_SETS) {
      // --quick skips the slowest set up (100 000 blocks of up to 64 KiB: ~0.8 GB per peer).
      if (!(quick && variant === 'wide' && live === 100_000)) add('churn', all, { variant, live });
    }
  add('typed', ['wasm-arena', 'js-gc', 'js-pool', 'thing', 'as-tlsf']);
  add('audio', ['wasm-arena', 'wasm-arena-heap', 'js-gc', 'js-pool', 'thing', 'as-tlsf', 'floor']);
  add('particles', ['wasm-arena', 'js-gc', 'js-pool', 'as-tlsf']);
  add('footprint', ['wasm-arena', 'js-gc', 'js-pool', 'thing', 'as-tlsf']);
  add('bump', ['wasm-arena', 'js-gc', 'js-pool', 'floor']);
  return jobs;
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
  return parts.join(' · ');
}

function runJob(job) {
  return new Promise((resolveJob) => {
    const t0 = performance.now();
    const child = fork(resolve(benchDir, 'worker.mjs'), [JSON.stringify({ ...job, ctx: CTX })], {
      execArgv: ['--expose-gc', '--max-old-space-size=8192'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: process.env,
    });
    let result = null;
    child.stdout?.pipe(process.stderr);
    child.on('message', (m) => {
      if (m.type === 'progress') show(`${job.label} · ${m.msg}`);
      else if (m.type === 'result') result = m.result;
      else if (m.type === 'error') result = { error: m.message, stack: m.stack };
    });
    child.on('exit', (code, signal) => {
      if (!result) result = { error: `worker exited (${signal ?? code}) without a result` };
      resolveJob({ ...job, ...result, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

function summaryOf(r) {
  if (r.error) return `ERROR: ${r.error.split('\n')[0]}`;
  const m = r.metrics;
  if (m.nsPerPair) return `${m.nsPerPair.median.toFixed(1)} ns/pair (${m.nsPerPair.min.toFixed(1)}–${m.nsPerPair.max.toFixed(1)})`;
  if (r.workload === 'audio') return `p50 ${m.p50.median.toFixed(2)} µs, p99.9 ${m.p999.median.toFixed(1)} µs, ${m.gcEvents.median} GC`;
  if (r.workload === 'particles') return `p50 ${m.p50.median.toFixed(2)} ms, p99 ${m.p99.median.toFixed(2)} ms, ${m.gcEvents.median} GC`;
  if (r.workload === 'footprint') return `peak heap ${r.extra.peakHeapBytes} B = ${r.extra.ratio.toFixed(2)}× peak live`;
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
    ctx: CTX,
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
    results = [];
    for (const [i, job] of jobs.entries()) {
      job.label = `[${i + 1}/${jobs.length} ${clock()}] ${describe(job)}`;
      show(job.label);
      const r = await runJob(job);
      delete r.label;
      results.push(r);
      log(`${job.label} → ${summaryOf(r)}`);
    }
    meta.seconds = (performance.now() - started) / 1000;
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
