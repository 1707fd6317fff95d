// Worker for test/worker.browser.test.ts: instantiate a heap from the posted module, use it,
// report back.

import { Heap } from '../../dist/index.js';

self.onmessage = (e) => {
  const { module, n } = e.data;
  const report = { error: null, checked: null, sum: 0, stats: null };
  try {
    const heap = Heap.fromModule(module, {});
    const ptrs = [];
    for (let i = 0; i < n; i++) {
      const p = heap.alloc(16 + (i % 7) * 24);
      heap.i32[p >>> 2] = i;
      ptrs.push(p);
    }
    for (let i = 0; i < n; i += 2) heap.free(ptrs[i]); // free every other block, then the rest
    for (let i = 1; i < n; i += 2) report.sum += heap.i32[ptrs[i] >>> 2];
    for (let i = 0; i < n; i += 2) report.sum += i;
    for (let i = 1; i < n; i += 2) heap.free(ptrs[i]);
    heap.check();
    report.checked = 'ok';
    report.stats = heap.stats();
  } catch (err) {
    report.error = `${err?.name}: ${err?.message}`;
  }
  self.postMessage(report);
};
