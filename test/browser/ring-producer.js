// Worker producer for test/ring.browser.test.ts: attaches to the page's shared heap and ring,
// and pushes sequence numbers 0, 1, 2, … in chunks of 1–1024 frames (a pseudo-random size each)
// as fast as the ring takes them, until the page sets the stop word. When the ring is full it
// sleeps 1 ms (Atomics.wait: a Worker may block; the audio thread never does).

import { Heap, Ring } from '../../dist/index.js';

const Q_PUSHED = 7;
const Q_STOP = 8;

self.onmessage = ({ data }) => {
  const { module, memory, address, counters, seed } = data;
  const heap = Heap.fromModule(module, { memory });
  const ring = Ring.attach(heap, address, Uint32Array);
  const chunk = new Uint32Array(1024);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const at = counters >>> 3;
  self.postMessage({ ready: true });
  let state = seed >>> 0 || 1;
  let next = 0;
  while (heap.f64[at + Q_STOP] === 0) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const n = 1 + (state % 1024);
    for (let i = 0; i < n; i++) chunk[i] = next + i;
    let done = 0;
    while (done < n && heap.f64[at + Q_STOP] === 0) {
      const k = ring.push(chunk, done, n - done);
      done += k;
      if (k === 0) Atomics.wait(nap, 0, 0, 1);
    }
    next += done;
    heap.f64[at + Q_PUSHED] = next;
  }
  self.postMessage({ done: true, pushed: next, overruns: ring.overruns });
};
