// An AudioWorklet thread of test/threads.browser.test.ts: a realtime Heap on the page's shared
// heap that churns like the Workers (tryAlloc, frees of blocks the Workers allocated) a slice per
// render quantum, never waiting: it polls the start barrier and the others' progress between
// quanta. Reports its counters (and that it never waited) through its port.

import { Heap } from '../../dist/index.js';
import '../../dist/shared.js';
import { Churner } from './churn.js';

class ThreadsChurn extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { module, memory, ctl, layout, id, ops, seed, perQuantum } = options.processorOptions;
    this.heap = Heap.fromModule(module, { memory, realtime: true });
    this.go = new Int32Array(ctl.buffer, ctl.byteOffset + layout.startAt * 4, 1);
    this.churner = new Churner(this.heap, ctl, layout, id, { seed, realtime: true });
    this.left = ops;
    this.perQuantum = perQuantum;
    this.quanta = 0;
    this.state = 'waiting';
    this.port.postMessage({ attached: id });
  }

  process() {
    try {
      if (this.state === 'waiting') {
        if (Atomics.load(this.go, 0) < 0) this.state = 'churning';
      } else if (this.state === 'churning') {
        const n = Math.min(this.left, this.perQuantum);
        this.churner.step(n);
        this.left -= n;
        this.quanta++;
        if (this.left === 0) {
          this.churner.done();
          this.state = 'draining';
        }
      } else if (this.state === 'draining') {
        if (this.churner.drain()) {
          this.heap.trim();
          const stats = this.heap.stats();
          this.state = 'disposing';
          this.stats = stats;
        }
      } else if (this.state === 'disposing') {
        try {
          this.heap.dispose();
          this.state = 'finished';
          this.port.postMessage({ ...this.churner.out, stats: this.stats, quanta: this.quanta });
        } catch (e) {
          if (!/busy/.test(e.message)) throw e; // the lock was taken: try again next quantum
        }
      }
    } catch (err) {
      this.state = 'finished';
      this.port.postMessage({ error: `${err?.name}: ${err?.message}` });
    }
    return true;
  }
}

registerProcessor('threads-churn', ThreadsChurn);
