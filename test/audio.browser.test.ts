// The AudioWorklet example (examples/audio-worklet) rendered in Chromium's OfflineAudioContext:
// the library loads in an AudioWorkletGlobalScope, the processor's output matches a plain-JS
// reference, and process() allocates nothing from the heap.

import { describe, expect, it } from 'vitest';
import { Heap } from '../src/index.js';
import { renderReference } from './browser/synth-reference.js';

const PROCESSOR_URL = new URL('../examples/audio-worklet/processor.js', import.meta.url).href;
const PROBE_URL = new URL('./browser/probe-processor.js', import.meta.url).href;

/**
 * Tolerance of the sample comparison. The processor keeps its wavetable, mix bus, delay line and
 * output in Float32 (the reference uses doubles throughout), so each sample may differ by a few
 * float32 roundings of values below 1.5: a few 1e-8. 1e-6 leaves a wide margin while still
 * catching any real error (a wrong or shared buffer is off by 1e-2 or more).
 */
const TOLERANCE = 1e-6;

interface StatsMessage {
  type: 'ready' | 'stats';
  stats: { usedBytes: number; peakUsedBytes: number; liveBlocks: number; freeBlocks: number; heapBytes: number };
  blocks: number;
  samples: number;
  check: string | null;
}

function nextMessage<T>(port: MessagePort, accept: (data: T) => boolean, what: string, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} message from the processor in ${ms} ms`)), ms);
    port.addEventListener('message', function on(e: MessageEvent<T>) {
      if (!accept(e.data)) return;
      clearTimeout(timer);
      port.removeEventListener('message', on);
      resolve(e.data);
    });
    port.start();
  });
}

/**
 * Render the example synth offline; returns the samples and the heap stats around the render.
 * `shared`: the page makes the heap in shared memory and the processor attaches to it (what the
 * example page does when cross-origin isolated); otherwise the processor makes its own.
 */
async function renderSynth(seconds: number, sampleRate: number, shared = false) {
  const module = await Heap.compile({ shared });
  const pageHeap = shared ? Heap.fromModule(module, { initialBytes: 1 << 20, maximumBytes: 1 << 20 }) : null;
  const length = Math.round(seconds * sampleRate);
  const ctx = new OfflineAudioContext(1, length, sampleRate);
  await ctx.audioWorklet.addModule(PROCESSOR_URL);
  const node = new AudioWorkletNode(ctx, 'arena-synth', {
    numberOfInputs: 0,
    outputChannelCount: [1],
    processorOptions: { module, memory: pageHeap?.memory },
  });
  const processorErrors: Event[] = [];
  node.onprocessorerror = (e) => processorErrors.push(e);
  const ready = nextMessage<StatsMessage>(node.port, (m) => m.type === 'ready', 'ready');
  node.connect(ctx.destination);
  const rendered = await ctx.startRendering();
  const before = await ready;
  // The worklet scope outlives the render: ask it for stats and a full heap walk afterwards.
  const afterPromise = nextMessage<StatsMessage>(node.port, (m) => m.type === 'stats', 'stats');
  node.port.postMessage({ type: 'stats', check: true });
  const after = await afterPromise;
  return { samples: rendered.getChannelData(0), before, after, processorErrors, length, pageHeap };
}

describe('AudioWorklet example in an OfflineAudioContext', () => {
  it('renders 2 s at 48 kHz that match the plain-JS reference within 1e-6 per sample', async () => {
    const sampleRate = 48000;
    const { samples, processorErrors, length } = await renderSynth(2, sampleRate);
    expect(processorErrors).toEqual([]);
    const reference = renderReference(length, sampleRate);

    let maxError = 0;
    let worst = -1;
    let energy = 0;
    for (let i = 0; i < length; i++) {
      const err = Math.abs(samples[i] - reference[i]);
      if (err > maxError) (maxError = err), (worst = i);
      energy += samples[i] * samples[i];
    }
    const rms = Math.sqrt(energy / length);
    console.info(`audio example: max |processor - reference| = ${maxError.toExponential(2)} at sample ${worst}; rms ${rms.toFixed(3)}`);
    // Not silence, not clipping garbage: a real signal...
    expect(rms).toBeGreaterThan(0.02);
    expect(rms).toBeLessThan(1);
    // ...equal to the reference sample by sample.
    expect(maxError).toBeLessThanOrEqual(TOLERANCE);
  });

  it('renders the same samples at 44.1 kHz too (sample-rate dependent constants)', async () => {
    const { samples, length } = await renderSynth(0.5, 44100);
    const reference = renderReference(length, 44100);
    let maxError = 0;
    for (let i = 0; i < length; i++) maxError = Math.max(maxError, Math.abs(samples[i] - reference[i]));
    expect(maxError).toBeLessThanOrEqual(TOLERANCE);
  });

  it('process() allocates nothing: heap stats after 750 blocks equal the stats after the constructor', async () => {
    const { before, after } = await renderSynth(2, 48000);
    expect(after.blocks).toBe(750); // 2 s × 48 000 / 128 frames
    expect(after.samples).toBe(96000);
    // peakUsedBytes is the strong one: even a block allocated and freed within process()
    // would have raised the peak above what the constructor left.
    expect(after.stats.usedBytes).toBe(before.stats.usedBytes);
    expect(after.stats.peakUsedBytes).toBe(before.stats.peakUsedBytes);
    expect(after.stats.liveBlocks).toBe(before.stats.liveBlocks);
    expect(after.stats.freeBlocks).toBe(before.stats.freeBlocks);
    expect(after.stats.heapBytes).toBe(before.stats.heapBytes);
    expect(after.check).toBe('ok');
    // the constructor did allocate: the arena and the delay line
    expect(before.stats.liveBlocks).toBeGreaterThanOrEqual(2);
  });

  it('with a heap shared with the page: same samples, and the page sees a flat heap directly', async () => {
    const { samples, length, before, after, pageHeap } = await renderSynth(1, 48000, true);
    const reference = renderReference(length, 48000);
    let maxError = 0;
    for (let i = 0; i < length; i++) maxError = Math.max(maxError, Math.abs(samples[i] - reference[i]));
    expect(maxError).toBeLessThanOrEqual(TOLERANCE);
    const now = pageHeap!.stats(); // read by the page, from shared memory
    expect(now.liveBlocks).toBe(before.stats.liveBlocks);
    expect(now.usedBytes).toBe(before.stats.usedBytes);
    expect(now.peakUsedBytes).toBe(before.stats.peakUsedBytes);
    expect(after.stats.peakUsedBytes).toBe(before.stats.peakUsedBytes);
    pageHeap!.check();
  });
});

describe('the library inside an AudioWorkletGlobalScope', () => {
  it.each([
    ['release', {}],
    ['debug', { debug: true }],
  ] as const)('evaluates without atob, TextDecoder, fetch, setTimeout or performance; the %s build works there', async (_kind, options) => {
    const module = await Heap.compile(options);
    expect(module).toBeInstanceOf(WebAssembly.Module);
    const ctx = new OfflineAudioContext(1, 128 * 4, 48000);
    await ctx.audioWorklet.addModule(PROBE_URL);
    const node = new AudioWorkletNode(ctx, 'wasm-arena-probe', { processorOptions: { module } });
    const report = nextMessage<Record<string, unknown>>(node.port, () => true, 'probe report');
    node.connect(ctx.destination);
    await ctx.startRendering();
    const r = await report;
    // The scope really lacks what the library must not use (else this test proves nothing)...
    expect(r.globals).toEqual({
      atob: 'undefined',
      TextDecoder: 'undefined',
      fetch: 'undefined',
      setTimeout: 'undefined',
      performance: 'undefined',
    });
    // ...and the library still works there.
    expect(r.error).toBeNull();
    expect(r.checked).toBe('ok');
    expect(r.roundTrip).toEqual([1.5, -2.25, 3]);
    expect(r.afterFree).toBe(r.initialUsed);
  });

  it('attaches to a shared heap the page posted (cross-origin isolated): both sides see one heap', async () => {
    expect(crossOriginIsolated).toBe(true);
    const module = await Heap.compile({ shared: true });
    const heap = Heap.fromModule(module, { initialBytes: 1 << 20 });
    const pagePointer = heap.alloc(16);
    heap.f64[pagePointer >>> 3] = 21.25;
    const ctx = new OfflineAudioContext(1, 128 * 4, 48000);
    await ctx.audioWorklet.addModule(PROBE_URL);
    const node = new AudioWorkletNode(ctx, 'wasm-arena-probe', {
      processorOptions: { module, memory: heap.memory, pagePointer },
    });
    const report = nextMessage<{ error: string | null; seen: number; ours: number }>(node.port, () => true, 'probe report');
    node.connect(ctx.destination);
    await ctx.startRendering();
    const r = await report;
    expect(r.error).toBeNull();
    expect(r.seen).toBe(21.25);
    expect(heap.f64[r.ours >>> 3]).toBe(42.5); // written by the audio thread, read here
    expect(heap.stats().liveBlocks).toBe(2);
    heap.free(r.ours);
    heap.free(pagePointer);
    heap.check();
  });
});
