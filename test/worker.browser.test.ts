// A WebAssembly.Module compiled once on the main thread, posted to a Worker, instantiated there
// with Heap.fromModule: the pattern for worker pools and for the AudioWorklet.

import { describe, expect, it } from 'vitest';
import { Heap } from '../src/index.js';

interface WorkerReport {
  error: string | null;
  checked: string | null;
  sum: number;
  stats: { liveBlocks: number; usedBytes: number } | null;
}

function runWorker(module: WebAssembly.Module): Promise<WorkerReport> {
  const worker = new Worker(new URL('./browser/heap-worker.js', import.meta.url), { type: 'module' });
  return new Promise<WorkerReport>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker did not answer in 10 s')), 10_000);
    worker.onmessage = (e: MessageEvent<WorkerReport>) => {
      clearTimeout(timer);
      resolve(e.data);
    };
    worker.onerror = (e) => {
      clearTimeout(timer);
      reject(new Error(`worker error: ${e.message}`));
    };
    worker.postMessage({ module, n: 1000 });
  }).finally(() => worker.terminate());
}

describe('Heap.fromModule in a Worker', () => {
  it('a Worker receives the compiled module and instantiates a working heap from it', async () => {
    const module = await Heap.compile();
    const report = await runWorker(module);
    expect(report.error).toBeNull();
    expect(report.checked).toBe('ok');
    expect(report.sum).toBe((999 * 1000) / 2);
    expect(report.stats?.liveBlocks).toBe(0);
  });

  it('one module serves many instances: the main thread and two workers each get their own heap', async () => {
    const module = await Heap.compile();
    const main = Heap.fromModule(module, {});
    const p = main.alloc(256);
    main.u8.fill(7, p, p + 256);
    const [a, b] = await Promise.all([runWorker(module), runWorker(module)]);
    expect(a.checked).toBe('ok');
    expect(b.checked).toBe('ok');
    // the workers' allocations did not touch the main thread's heap
    expect(main.stats().liveBlocks).toBe(1);
    expect(main.u8[p + 255]).toBe(7);
    main.free(p);
    main.check();
  });
});
