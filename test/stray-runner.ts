// Runs test/stray.ts in a worker thread under a watchdog (Node only). The worker is bundled with
// esbuild on the fly (TypeScript in, the built library from dist/ as the tests use it), so a hang
// — a JavaScript or wasm loop, or a wait on a lock nobody will release — is seen from here, the
// worker terminated, and the run replayed from its seed up to the operation that hung to show
// what led to it.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { StrayConfig, StraySummary } from './stray.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles test/stray.worker.ts into a temporary .mjs file; returns its path and a cleanup. */
export async function bundleWorker(): Promise<{ file: string; remove(): void }> {
  const file = join(tmpdir(), `wasm-arena-stray-${process.pid}-${Date.now()}.mjs`);
  await build({
    entryPoints: [join(ROOT, 'test', 'stray.worker.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: file,
    logLevel: 'silent',
    plugins: [{
      name: 'dist',
      setup(b) {
        // As in vitest.config.ts: the tests' imports of the library run the built bundle.
        b.onResolve({ filter: /^\.\.\/src\/(index|debug|shared|profile)\.js$/ }, (a) => ({ path: join(ROOT, 'dist', a.path.slice('../src/'.length)) }));
      },
    }],
  });
  return { file, remove: () => rmSync(file, { force: true }) };
}

interface Outcome {
  summary?: StraySummary;
  failure?: { message: string; op: number; trace: string[]; stopped: boolean };
  hang?: { op: number; checking: boolean };
}

function start(file: string, config: StrayConfig, timeoutMs: number): Promise<Outcome> {
  const progress = new SharedArrayBuffer(12);
  const words = new Int32Array(progress);
  const worker = new Worker(file, { workerData: { config, progress } });
  return new Promise((resolve, reject) => {
    let seen = -1;
    let since = Date.now();
    const timer = setInterval(() => {
      const seq = Atomics.load(words, 0);
      if (seq !== seen) {
        seen = seq;
        since = Date.now();
      } else if (Date.now() - since > timeoutMs) {
        clearInterval(timer);
        const hang = { op: words[1], checking: words[2] === 1 };
        void worker.terminate().then(() => resolve({ hang }));
      }
    }, 100);
    worker.once('message', (m: Outcome) => {
      clearInterval(timer);
      void worker.terminate().then(() => resolve(m));
    });
    worker.once('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
  });
}

/**
 * Runs `config` in a worker; resolves to its summary, or rejects with a report (seed, operation,
 * the trace before it) when a rule broke or an operation made no progress for `timeoutMs`.
 */
export async function runInWorker(file: string, config: StrayConfig, timeoutMs = 10_000): Promise<StraySummary> {
  const out = await start(file, config, timeoutMs);
  if (out.summary) return out.summary;
  if (out.failure) throw new Error(`${out.failure.message}\n  last steps:\n    ${out.failure.trace.join('\n    ')}`);
  const { op, checking } = out.hang!;
  const replay = await start(file, { ...config, stopAt: op }, timeoutMs);
  const trace = replay.failure?.stopped ? replay.failure.trace.join('\n    ') : '(the replay did not reach it)';
  throw new Error(
    `${config.build} build, seed ${config.seed}, operation ${op}: ${checking ? 'check() after the operation' : 'the operation'} ` +
      `made no progress for ${timeoutMs} ms (a hang)\n  last steps:\n    ${trace}`);
}
