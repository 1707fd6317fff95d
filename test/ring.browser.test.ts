// A ring between threads in Chromium: a Worker produces sequence numbers in chunks of 1–1024
// frames, an AudioWorklet in a real AudioContext (Chromium's fake audio output when headless)
// pops chunks of 1–1024 frames twice per quantum and checks them, for more than 10 s of audio.
// The page reads the counters and the heap's stats straight from the shared heap.

import { describe, expect, it } from 'vitest';
import { Heap } from '../dist/index.js';

const CONSUMER = new URL('./browser/ring-consumer.js', import.meta.url).href;
const PRODUCER = new URL('./browser/ring-producer.js', import.meta.url).href;
const Q = { quanta: 0, checked: 1, lost: 2, duplicated: 3, gcEvents: 5, counting: 6, pushed: 7, stop: 8 };
const SECONDS = 10.5;

function nextMessage<T>(target: EventTarget & { start?(): void }, what: string, ms = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} message in ${ms} ms`)), ms);
    target.addEventListener('message', function on(e) {
      clearTimeout(timer);
      target.removeEventListener('message', on);
      resolve((e as MessageEvent).data as T);
    });
    target.start?.();
  });
}

describe('ring: Worker producer → AudioWorklet consumer in a real AudioContext', () => {
  it(`${SECONDS} s of audio: every sample arrives once, in order; process() allocates nothing and sees no GC`, async () => {
    expect(crossOriginIsolated).toBe(true);
    const module = await Heap.compile({ shared: true });
    const heap = Heap.fromModule(module, { initialBytes: 1 << 20, maximumBytes: 1 << 20 });
    const ring = heap.ring(Uint32Array, 4096);
    const counters = heap.calloc(8 * 16);
    const { memory, address } = ring.share();

    const ctx = new AudioContext();
    await ctx.audioWorklet.addModule(CONSUMER);
    const node = new AudioWorkletNode(ctx, 'ring-consumer', {
      numberOfInputs: 0,
      outputChannelCount: [1],
      processorOptions: { module, memory, address, counters, seed: 0x85ebca6b },
    });
    const errors: string[] = [];
    node.onprocessorerror = () => errors.push('processorerror');
    await nextMessage(node.port, 'consumer ready');
    // The two ends attach one after the other (attaching walks the heap).
    const worker = new Worker(PRODUCER, { type: 'module' });
    worker.onerror = (e) => errors.push(`worker: ${e.message}`);
    const producerReady = nextMessage<{ ready: boolean }>(worker, 'producer ready');
    worker.postMessage({ module, memory, address, counters, seed: 0x9e3779b9 });
    await producerReady;
    node.connect(ctx.destination);
    await ctx.resume();
    const before = heap.stats();

    const f64 = () => heap.f64;
    const at = counters >>> 3;
    const started = performance.now();
    while (ctx.currentTime < SECONDS) {
      await new Promise((r) => setTimeout(r, 250));
      if (performance.now() - started > 40_000) throw new Error(`the AudioContext reached only ${ctx.currentTime} s in 40 s`);
    }
    const after = heap.stats();
    const done = nextMessage<{ pushed: number; overruns: number }>(worker, 'producer done');
    f64()[at + Q.stop] = 1;
    const producer = await done;
    await ctx.close();
    worker.terminate();

    const c = Object.fromEntries(Object.entries(Q).map(([k, i]) => [k, f64()[at + i]]));
    console.info(
      `ring in Chromium: ${c.checked.toLocaleString('en')} samples checked in ${c.quanta} quanta ` +
        `(${(c.quanta * 128 / ctx.sampleRate).toFixed(1)} s of audio); ${ring.underruns} underruns, ${producer.overruns} overruns; GC events ${c.gcEvents}`,
    );
    expect(errors).toEqual([]);
    expect(c.quanta * 128 / ctx.sampleRate).toBeGreaterThanOrEqual(10);
    // Every sample the worklet popped continues the sequence: 0 lost, 0 duplicated (a sample out
    // of order would count as both: a jump forward, then back).
    expect({ lost: c.lost, duplicated: c.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(c.checked).toBeGreaterThan(1_000_000);
    expect(producer.pushed - c.checked).toBe(ring.availableRead()); // the rest is still in the ring
    // Wrap-around and both edges were exercised.
    expect(c.checked).toBeGreaterThan(100 * ring.capacity);
    expect(producer.overruns).toBeGreaterThan(0);
    // process() allocated nothing from the heap and made no garbage the audio thread collected.
    expect(after.usedBytes).toBe(before.usedBytes);
    expect(after.peakUsedBytes).toBe(before.peakUsedBytes);
    expect(after.liveBlocks).toBe(before.liveBlocks);
    expect(c.counting).toBe(1);
    expect(c.gcEvents).toBe(0);
    heap.check();
  }, 90_000);
});
