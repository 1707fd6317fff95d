// A worker_threads thread of test/threads.test.ts: attaches to the shared heap it is given, runs
// one of the jobs below, reports its counters, and detaches.

import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { Heap } from '../../dist/index.js';
import '../../dist/shared.js';
import { churn, finish, latency } from './churn.js';

const { job, module, memory, ctl, layout, id, ops, seed, realtime, samples } = workerData;
const heap = Heap.fromModule(module, { memory, realtime });
const go = new Int32Array(ctl.buffer, ctl.byteOffset + layout.startAt * 4, 1);
// Start together: every thread attached before anyone churns.
Atomics.add(go, 0, 1);
parentPort.postMessage({ attached: id });
while (Atomics.load(go, 0) >= 0) Atomics.wait(go, 0, Atomics.load(go, 0), 5);

let report;
if (job === 'churn') {
  const out = churn(heap, ctl, layout, id, ops, { seed, realtime });
  report = finish(heap, ctl, layout, out);
} else if (job === 'latency') {
  const times = new Float64Array(samples);
  const busy = latency(heap, times, () => performance.now(), seed);
  let churning = 0; // threads still churning when the last sample was taken
  for (let t = 0; t < layout.threads; t++) if (t !== id && Atomics.load(ctl, layout.doneAt + t) === 0) churning++;
  Atomics.store(ctl, layout.doneAt + id, 1);
  report = { times, busy, churning };
}
heap.trim(); // a realtime heap skips it when the lock is taken; dispose flushes everything anyway
report.stats = heap.stats();
// A realtime Heap object's dispose() never waits either: it throws while the lock is taken.
for (;;) {
  try {
    heap.dispose();
    break;
  } catch (e) {
    if (!realtime || !/busy/.test(e.message)) throw e;
  }
}
parentPort.postMessage(report);
