// Runs the stray-write fuzzer (test/stray.ts) in a worker thread. A JavaScript or wasm loop that
// never ends cannot be interrupted from its own thread, so the parent (test/stray-runner.ts)
// watches a shared counter this worker bumps before every heap call, and terminates it when the
// counter stops moving.
import { parentPort, workerData } from 'node:worker_threads';
import '../src/debug.js';
import '../src/shared.js';
import '../src/profile.js';
import { runStray, StrayFailure, StrayStop, type StrayConfig } from './stray.js';

const { config, progress } = workerData as { config: StrayConfig; progress: SharedArrayBuffer };
const words = new Int32Array(progress);
try {
  const summary = runStray(config, (seq, op, checking) => {
    words[1] = op;
    words[2] = checking ? 1 : 0;
    Atomics.store(words, 0, seq);
  });
  parentPort!.postMessage({ summary });
} catch (e) {
  const failure = e instanceof StrayFailure
    ? { message: e.message, op: e.op, trace: e.trace, stopped: e instanceof StrayStop }
    : { message: `the fuzzer itself failed: ${e instanceof Error ? e.stack : String(e)}`, op: -1, trace: [], stopped: false };
  parentPort!.postMessage({ failure });
}
