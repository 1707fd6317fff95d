// A minimal AudioWorklet processor for test/audio.browser.test.ts: reports which globals exist in
// the AudioWorkletGlobalScope and exercises the library there (instantiate from the posted
// module, allocate, write, read, free, check); or, given a shared memory, attaches to the page's
// heap.

import { Heap } from '../../dist/index.js';

class Probe extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const report = { globals: {}, error: null, checked: null, roundTrip: null, initialUsed: -1, afterFree: -2 };
    for (const name of ['atob', 'TextDecoder', 'fetch', 'setTimeout', 'performance']) {
      report.globals[name] = typeof globalThis[name];
    }
    const { module, memory, pagePointer } = options.processorOptions;
    if (memory) {
      // Shared heap: attach to the page's heap, read the page's block, allocate one of ours.
      try {
        const heap = Heap.fromModule(module, { memory });
        const seen = heap.f64[pagePointer >>> 3];
        const ours = heap.alloc(16);
        heap.f64[ours >>> 3] = seen * 2;
        heap.check();
        this.port.postMessage({ error: null, seen, ours });
      } catch (err) {
        this.port.postMessage({ error: `${err?.name}: ${err?.message}` });
      }
      return;
    }
    try {
      const heap = Heap.fromModule(module, {});
      report.initialUsed = heap.stats().usedBytes;
      const view = heap.allocArray(Float32Array, 3);
      view.set([1.5, -2.25, 3]);
      const arena = heap.arena(4096);
      const p = arena.alloc(64);
      heap.u8.fill(0xab, p, p + 64);
      report.roundTrip = Array.from(view);
      heap.check();
      arena.dispose();
      heap.free(view);
      report.afterFree = heap.stats().usedBytes;
      heap.check();
      report.checked = 'ok';
    } catch (err) {
      report.error = `${err?.name}: ${err?.message}`;
    }
    this.port.postMessage(report);
  }

  process() {
    return false;
  }
}

registerProcessor('wasm-arena-probe', Probe);
