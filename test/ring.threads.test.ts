// A ring between two Node worker threads on a shared heap: sequence-numbered frames pushed in
// random chunks of 1–1024 frames and popped in random chunks of 1–1024 frames (so every path
// through the wrap-around is taken, and pushes into a full and pops from an empty ring happen
// all the time) arrive all, once each, in order. `npm run fuzz` runs it for 100 000 000 samples.

import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Heap } from '../src/index.js';

/** Samples (elements) per run; `npm run fuzz` sets WASM_ARENA_RING_SAMPLES. */
const SAMPLES = Number(process.env.WASM_ARENA_RING_SAMPLES ?? 10_000_000);
const WORKER = new URL('./ring-worker.mjs', import.meta.url);

interface EndReport {
  role: string;
  done: number;
  checked: number;
  lost: number;
  duplicated: number;
  reordered: number;
  ms: number;
  overruns: number;
  underruns: number;
}

/**
 * Starts one end; resolves `ready` once it has attached (the heap's attach walks the whole heap,
 * so the two ends attach one after the other), and `done` with its report.
 */
function startEnd(data: Record<string, unknown>): { ready: Promise<void>; done: Promise<EndReport> } {
  const w = new Worker(WORKER, { workerData: data });
  let attached: () => void;
  const ready = new Promise<void>((resolve) => (attached = resolve));
  const done = new Promise<EndReport>((resolve, reject) => {
    w.on('message', (m) => (m.ready ? attached() : resolve(m)));
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`${data.role} exited with ${code}`)));
  });
  return { ready: Promise.race([ready, done.then(() => undefined)]), done };
}

/** Runs a producer and a consumer worker over one ring; returns both reports and the heap. */
async function stream(mode: 'push' | 'planar' | 'zero-copy', samples: number, options: { capacity: number; channels: number; startIndex?: number }) {
  const heap = new Heap({ shared: true, initialBytes: 1 << 20, maximumBytes: 1 << 20 });
  const ring = heap.ring(Uint32Array, options.capacity, { channels: options.channels });
  if (options.startIndex !== undefined) {
    // Both indices just below 2^32 (an empty ring): the run takes them across the u32 wrap.
    const w = ring.address >>> 2;
    heap.u32[w + 16] = options.startIndex;
    heap.u32[w + 32] = options.startIndex;
  }
  const total = Math.ceil(samples / options.channels);
  const common = { memory: heap.memory, address: ring.address, mode, total, chunkMax: 1024 };
  const consumerEnd = startEnd({ ...common, role: 'consumer', seed: 0x85ebca6b });
  await consumerEnd.ready;
  const producerEnd = startEnd({ ...common, role: 'producer', seed: 0x9e3779b9 });
  const [producer, consumer] = await Promise.all([producerEnd.done, consumerEnd.done]);
  console.info(
    `ring ${mode}, ${options.channels} ch × ${options.capacity}: ${consumer.checked.toLocaleString('en')} samples in ${consumer.ms} ms; ` +
      `${producer.overruns} overruns, ${consumer.underruns} underruns`,
  );
  return { heap, ring, producer, consumer, total };
}

function expectAllInOrder({ producer, consumer, total, ring, heap }: Awaited<ReturnType<typeof stream>>, channels: number) {
  expect(producer.done).toBe(total);
  expect(consumer.done).toBe(total);
  expect(consumer.checked).toBe(total * channels);
  expect({ lost: consumer.lost, duplicated: consumer.duplicated, reordered: consumer.reordered }).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
  // Both ends met often: full and empty were both hit (the chunks are random on both sides).
  expect(producer.overruns).toBeGreaterThan(0);
  expect(consumer.underruns).toBeGreaterThan(0);
  expect(ring.availableRead()).toBe(0);
  heap.check();
}

describe(`ring across two worker threads: ${SAMPLES.toLocaleString('en')} samples, chunks of 1–1024 frames`, () => {
  it('push/pop (1 channel, capacity 1024): every sample arrives once, in order', async () => {
    expectAllInOrder(await stream('push', SAMPLES, { capacity: 1024, channels: 1 }), 1);
  }, 600_000);

  it('push/pop with indices crossing 2^32: every sample arrives once, in order', async () => {
    const r = await stream('push', SAMPLES, { capacity: 512, channels: 1, startIndex: 2 ** 32 - Math.floor(SAMPLES / 2) });
    expectAllInOrder(r, 1);
  }, 600_000);

  it('pushPlanar/popPlanar (2 channels, capacity 256): every frame arrives once, in order, channels intact', async () => {
    expectAllInOrder(await stream('planar', SAMPLES, { capacity: 256, channels: 2 }), 2);
  }, 600_000);

  it('zero-copy beginWrite/commitWrite, beginRead/commitRead (3 channels, capacity 2048): every frame once, in order', async () => {
    expectAllInOrder(await stream('zero-copy', SAMPLES, { capacity: 2048, channels: 3 }), 3);
  }, 600_000);

  it('interleaved push/pop (2 channels, capacity 1024): every frame once, in order', async () => {
    expectAllInOrder(await stream('push', SAMPLES, { capacity: 1024, channels: 2 }), 2);
  }, 600_000);
});
