// Worker for test/library.browser.test.ts: attach to the page's shared heap, read the page's
// block, allocate one of our own, report. (Turn-taking, not concurrent use.)

import { Heap } from '../../dist/index.js';

self.onmessage = (e) => {
  const { module, memory, mine } = e.data;
  try {
    const heap = Heap.fromModule(module, { memory });
    const seen = heap.f64[mine >>> 3];
    const theirs = heap.alloc(48);
    heap.f64[theirs >>> 3] = 6789.25;
    heap.check();
    self.postMessage({ error: null, seen, theirs, liveBlocks: heap.stats().liveBlocks });
  } catch (err) {
    self.postMessage({ error: `${err?.name}: ${err?.message}`, seen: NaN, theirs: 0, liveBlocks: -1 });
  }
};
