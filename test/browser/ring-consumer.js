// AudioWorklet consumer for test/ring.browser.test.ts: attaches to the page's shared heap and
// ring, and in every process() pops up to two chunks of 1–1024 frames of sequence numbers (a
// pseudo-random size each) into a buffer it allocated from the heap in its constructor, checks
// that they continue the sequence, and keeps its counters in a heap block the page reads
// directly. process() creates no objects: its only allocation is a new GC sentinel after a
// collection was seen (a WeakRef to an otherwise unreferenced object that a GC clears).

import { Heap, Ring } from '../../dist/index.js';

// Word indices of the Float64 counters block (shared with the test and the producer).
export const Q = { quanta: 0, checked: 1, lost: 2, duplicated: 3, gcEvents: 5, counting: 6, pushed: 7, stop: 8 };

class RingConsumer extends AudioWorkletProcessor {
  constructor({ processorOptions }) {
    super();
    const { module, memory, address, counters, seed } = processorOptions;
    this.heap = Heap.fromModule(module, { memory, realtime: true });
    this.ring = Ring.attach(this.heap, address, Uint32Array);
    this.buf = this.heap.allocArray(Uint32Array, 1024);
    this.at = counters >>> 3;
    this.expected = 0;
    this.state = seed >>> 0 || 1;
    this.sentinel = new WeakRef({});
    this.warmup = Math.round(sampleRate / 128); // one second before GC events count
    this.port.postMessage({ ready: true });
  }

  process() {
    const f64 = this.heap.f64;
    const at = this.at;
    const quanta = ++f64[at + Q.quanta];
    if (this.sentinel.deref() === undefined) {
      if (quanta > this.warmup) f64[at + Q.gcEvents]++;
      this.sentinel = new WeakRef({});
    }
    f64[at + Q.counting] = quanta > this.warmup ? 1 : 0;
    const buf = this.buf;
    for (let chunk = 0; chunk < 2; chunk++) {
      let s = this.state;
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      this.state = s >>> 0;
      const n = this.ring.pop(buf, 0, 1 + (this.state % 1024));
      let expected = this.expected;
      for (let i = 0; i < n; i++) {
        const v = buf[i];
        if (v !== expected) {
          if (v > expected) f64[at + Q.lost] += v - expected;
          else f64[at + Q.duplicated]++;
          expected = v;
        }
        expected = (expected + 1) >>> 0;
      }
      this.expected = expected;
      f64[at + Q.checked] += n;
    }
    return true;
  }
}

registerProcessor('ring-consumer', RingConsumer);
