// Threads in Chromium: Workers and an AudioWorklet on one shared heap, the same stamped churn as
// test/threads.test.ts (see test/threads/churn.js) while the page (which may not wait) runs
// check() and stats(). The AudioWorklet's Heap is realtime: a counter proves it never waited.

import { describe, expect, it } from 'vitest';
import { Heap, HeapError, type HeapStats } from '../src/index.js';
import * as L from '../src/layout.js';
import '../src/shared.js';
import { controlLayout } from './threads/churn.js';

/** `npm run fuzz` runs 1 000 000 per thread (VITE_WASM_ARENA_THREADS_OPS). */
const LONG = Number((import.meta as unknown as { env: Record<string, string | undefined> }).env.VITE_WASM_ARENA_THREADS_OPS ?? 0);
const OPS = LONG > 0 ? LONG : 100_000;
/** Fixed in npm test; fresh (and printed) in the long run. */
const SEED = LONG > 0 ? (Math.random() * 2 ** 31) >>> 0 : 11;
if (LONG > 0) console.log(`threads.browser: ${OPS} operations per thread, seed ${SEED}`);
const TIMEOUT = LONG > 0 ? 1800_000 : 30_000;
const WORKER = new URL('./threads/browser-worker.js', import.meta.url);
const WORKLET = new URL('./threads/worklet.js', import.meta.url).href;

interface Counters {
  error?: string; id: number; ops: number; frees: number; crossFrees: number; crossReallocs: number; measured: number;
  busy: number; overwritten: number; firstError: string; stats: HeapStats; times?: Float64Array; quanta?: number;
}

/** A thread of the run: something that reports through a message port-like object. */
interface Thread { port: { onmessage: ((e: MessageEvent) => void) | null }; stop(): void; }

async function runThreads(heap: Heap, threads: ((ctl: Int32Array, layout: ReturnType<typeof controlLayout>, id: number) => Promise<Thread>)[]) {
  const layout = controlLayout(threads.length, 8192);
  const ctl = new Int32Array(new SharedArrayBuffer(layout.words * 4));
  const go = new Int32Array(ctl.buffer, layout.startAt * 4, 1);
  let attached = 0;
  const started = await Promise.all(threads.map((make, id) => make(ctl, layout, id)));
  const reports = started.map((t) => new Promise<Counters>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`a thread did not report in ${TIMEOUT - 5000} ms`)), TIMEOUT - 5000);
    t.port.onmessage = (e: MessageEvent) => {
      if ('attached' in e.data) {
        if (++attached === threads.length) Atomics.store(go, 0, -1); // the worklet polls; Workers wake within 5 ms
        return;
      }
      clearTimeout(timer);
      resolve(e.data as Counters);
    };
  }));
  let done = false;
  const all = Promise.all(reports).finally(() => (done = true));
  let checks = 0;
  const into = {} as HeapStats;
  while (!done) {
    heap.check(); // the page may not wait: it spins for the lock, briefly
    heap.stats(into);
    checks++;
    await new Promise((r) => setTimeout(r, 5));
  }
  for (const t of started) t.stop();
  return { reports: await all, checks };
}

/**
 * Every thread ran all its operations, ≥ 30 % of its frees of other threads' blocks, found no
 * stamp overwritten; the heap holds what it held before (nothing lost) and checks out.
 */
function expectSound(reports: Counters[], heap: Heap, before: HeapStats): void {
  for (const r of reports) {
    expect(r.error).toBeUndefined();
    expect(r.firstError).toBe('');
    expect(r.overwritten).toBe(0);
    expect(r.ops).toBe(OPS);
    expect(r.crossFrees / r.frees).toBeGreaterThanOrEqual(0.3);
    expect(r.measured).toBeGreaterThan(0);
  }
  const after = heap.stats();
  expect(after.liveBlocks).toBe(before.liveBlocks);
  expect(after.usedBytes).toBe(before.usedBytes);
  heap.check();
}

const worker = (module: WebAssembly.Module, memory: WebAssembly.Memory, job: object) =>
  async (ctl: Int32Array, layout: object, id: number): Promise<Thread> => {
    const w = new Worker(WORKER, { type: 'module' });
    w.postMessage({ job: 'churn', ...job, module, memory, ctl, layout, id, ops: OPS, seed: SEED });
    return { port: w as unknown as Thread['port'], stop: () => w.terminate() };
  };

describe('threads in Chromium', () => {
  it.each([2, 4])(`%i Workers: ${OPS.toLocaleString('en-US')} random alloc/free/realloc each, ≥ 30 % of frees cross-thread; nothing overwritten or lost; check() clean`, async (n) => {
    expect(crossOriginIsolated).toBe(true);
    const module = await Heap.compile({ shared: true });
    const heap = Heap.fromModule(module, { initialBytes: 256 * 1024, maximumBytes: 256 << 20 });
    const before = heap.stats();
    const { reports, checks } = await runThreads(heap, Array.from({ length: n }, () => worker(module, heap.memory, {})));
    expectSound(reports, heap, before);
    expect(checks).toBeGreaterThan(0);
  }, TIMEOUT);

  it('2 Workers and a realtime AudioWorklet: the worklet frees the Workers\' blocks and never waits', async () => {
    const module = await Heap.compile({ shared: true });
    const heap = Heap.fromModule(module, { initialBytes: 256 * 1024, maximumBytes: 256 << 20 });
    const before = heap.stats();
    const ctx = new AudioContext();
    await ctx.audioWorklet.addModule(WORKLET);
    const worklet = async (ctl: Int32Array, layout: object, id: number): Promise<Thread> => {
      const node = new AudioWorkletNode(ctx, 'threads-churn', {
        processorOptions: { module, memory: heap.memory, ctl, layout, id, ops: OPS, seed: SEED + 2, perQuantum: 2000 },
      });
      node.connect(ctx.destination);
      return { port: node.port as unknown as Thread['port'], stop: () => node.disconnect() };
    };
    await ctx.resume();
    const { reports } = await runThreads(heap, [worker(module, heap.memory, {}), worker(module, heap.memory, {}), worklet]);
    await ctx.close();
    expectSound(reports, heap, before);
    expect(reports[2].stats.waits).toBe(0); // the audio thread never waited for the lock
  }, TIMEOUT);

  it('a pool across 3 Workers: the owner allocates, the others free remotely; every block comes back', async () => {
    const module = await Heap.compile({ shared: true });
    const heap = Heap.fromModule(module, { initialBytes: 256 * 1024, maximumBytes: 256 << 20 });
    const { reports } = await runThreads(heap, [0, 1, 2].map(() => worker(module, heap.memory, { job: 'pool' })));
    const [owner, ...others] = reports as unknown as Record<string, number | string | boolean>[];
    for (const r of reports) expect(r.firstError).toBe('');
    expect(others.reduce((n, r) => n + (r.remoteFrees as number), 0)).toBe(owner.sent);
    expect(owner.grew).toBe(false);
    expect(owner.live).toBe(0);
    heap.check();
  }, TIMEOUT);

  it('the page, which may not wait, spins for a lock nobody releases only until lockTimeoutMs, then gets a HeapError', async () => {
    const module = await Heap.compile({ shared: true });
    const heap = Heap.fromModule(module, { initialBytes: 256 * 1024, maximumBytes: 64 << 20, lockTimeoutMs: 300 });
    // The lock word as a thread that died inside a heap call leaves it: taken, and never released.
    Atomics.store(new Int32Array(heap.memory.buffer), (L.ROOT + L.ROOT_LOCK) >>> 2, 1);
    const t0 = performance.now();
    expect(() => heap.alloc(100_000)).toThrow(HeapError);
    const spun = performance.now() - t0;
    console.info(`lockTimeoutMs 300: the page spun ${spun.toFixed(0)} ms`);
    expect(spun).toBeGreaterThanOrEqual(100); // it did spin (the spin count is an estimate of time)
    const s = heap.stats(); // never throws for the lock: it says its figures may mix two moments
    expect(s.consistent).toBe(false);
    expect(s.waits).toBeGreaterThanOrEqual(1); // spins past the short one (this thread may not Atomics.wait)
  });

  it('a block another thread allocated in memory it just grew is readable through the page\'s views', async () => {
    const module = await Heap.compile({ shared: true });
    const heap = Heap.fromModule(module, { initialBytes: 64 * 1024, maximumBytes: 64 << 20 });
    const old = heap.u8; // a view made before the growth
    const w = new Worker(WORKER, { type: 'module' });
    const r = await new Promise<{ error?: string; p: number; n: number }>((resolve) => {
      w.onmessage = (e) => resolve(e.data);
      w.postMessage({ job: 'grow', module, memory: heap.memory, bytes: 1 << 20 });
    });
    w.terminate();
    expect(r.error).toBeUndefined();
    expect(r.p + r.n).toBeGreaterThan(old.length); // the block lies past what the old view covers
    const u8 = heap.u8;
    for (let i = 0; i < r.n; i += 4093) expect(u8[r.p + i]).toBe(i & 0xff);
    expect(heap.usableSize(r.p)).toBeGreaterThanOrEqual(r.n);
    heap.free(r.p);
    heap.check();
  });
});
