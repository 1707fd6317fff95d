#!/usr/bin/env node
// `npm run fuzz`: the property test of test/property.test.ts and the stray-write fuzzer of
// test/stray.test.ts run for many operations; the threads churn with 1 000 000 operations per
// thread: test/threads.test.ts (Node worker_threads: 2 and 4 threads, three fresh seeds each) and
// test/threads.browser.test.ts (Chromium: Workers and an AudioWorklet),
// WASM_ARENA_THREADS_OPS=<n> for another count; then the two-thread ring test
// (test/ring.threads.test.ts) for ten samples per operation.
//
//   npm run fuzz                 10 000 000 operations (the stray-write fuzzer: that many in the
//                                release and in the debug build, a tenth in shared and profile),
//                                100 000 000 ring samples per ring test
//   npm run fuzz -- 500000       another count (or FUZZ_OPS=500000 npm run fuzz)
//
// The stray-write fuzzer draws a new seed each run and prints it; WASM_ARENA_STRAY_SEED=<seed>
// replays one.
//
// Plain Node instead of `VAR=… vitest` in package.json, so it runs the same on Windows.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_OPS = 10_000_000;
const arg = process.argv.slice(2).find((a) => !a.startsWith('-'));
const raw = arg ?? process.env.FUZZ_OPS ?? String(DEFAULT_OPS);
const ops = Number(raw.replace(/[_,]/g, ''));
if (!Number.isSafeInteger(ops) || ops <= 0) {
  console.error(`fuzz: the operation count must be a positive integer, got ${JSON.stringify(raw)}`);
  process.exit(2);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const threadOps = process.env.WASM_ARENA_THREADS_OPS ?? '1000000';
const r = spawnSync(process.execPath, [vitest, 'run', '--project', 'node', 'test/property.test.ts', 'test/stray.test.ts', 'test/threads.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, WASM_ARENA_FUZZ_OPS: String(ops), WASM_ARENA_THREADS_OPS: threadOps },
});
const ring = spawnSync(process.execPath, [vitest, 'run', '--project', 'node', 'test/ring.threads.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, WASM_ARENA_RING_SAMPLES: String(ops * 10) },
});
// The browser side reads it through Vite, which passes on VITE_* variables only.
const b = spawnSync(process.execPath, [vitest, 'run', '--project', 'browser', 'test/threads.browser.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, VITE_WASM_ARENA_THREADS_OPS: threadOps },
});
process.exit(r.status === 0 && ring.status === 0 && b.status === 0 ? 0 : 1);
