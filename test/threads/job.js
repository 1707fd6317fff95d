// One thread of the threads tests (Node worker_threads and browser Workers alike): attaches to the
// shared heap it is given, waits for the others at the start barrier, runs its job, reports its
// counters and detaches. `post` sends a message to the test; `now` is performance.now.

import { Heap, Pool } from '../../dist/index.js';
import '../../dist/shared.js';
import { churn, latency, poolChurn } from './churn.js';

export function runJob(data, post, now) {
  const { job, module, memory, ctl, layout, id, ops, seed, realtime, samples } = data;
  const heap = Heap.fromModule(module, { memory, realtime });
  if (job === 'grow') {
    // A block in memory this thread grows now, filled with i & 255; the test reads it elsewhere.
    const p = heap.alloc(data.bytes);
    const u8 = heap.u8;
    for (let i = 0; i < data.bytes; i++) u8[p + i] = i & 0xff;
    heap.dispose();
    post({ p, n: data.bytes });
    return;
  }
  const go = new Int32Array(ctl.buffer, ctl.byteOffset + layout.startAt * 4, 1);
  post({ attached: id });
  while (Atomics.load(go, 0) >= 0) Atomics.wait(go, 0, Atomics.load(go, 0), 5);
  let report;
  if (job === 'churn') {
    report = churn(heap, ctl, layout, id, ops, { seed, realtime });
  } else if (job === 'pool') {
    report = poolChurn(heap, ctl, layout, id, ops, Pool, layout.startAt + 1, seed);
  } else {
    const times = new Float64Array(samples).fill(1); // pages faulted in now, not while timing
    const busy = latency(heap, times, now, seed);
    let churning = 0; // threads still churning when the last sample was taken
    for (let t = 0; t < layout.threads; t++) if (t !== id && Atomics.load(ctl, layout.doneAt + t) === 0) churning++;
    Atomics.store(ctl, layout.doneAt + id, 1);
    report = { times, busy, churning };
  }
  heap.trim(); // a realtime heap skips it while the lock is taken; dispose() flushes everything
  report.stats = heap.stats();
  disposeSoon(heap, realtime);
  post(report);
}

/** dispose(), retried while a realtime heap finds the lock taken (it never waits for it). */
export function disposeSoon(heap, realtime) {
  for (;;) {
    try {
      heap.dispose();
      return true;
    } catch (e) {
      if (!realtime || !/busy/.test(e.message)) throw e;
    }
  }
}
