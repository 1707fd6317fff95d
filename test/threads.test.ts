// Threads: any Heap attached to a shared memory may call every operation concurrently with the
// others, and a block allocated on one thread may be freed, reallocated or measured on another.
// Node worker_threads churn one heap with stamped blocks handed around through rings (see
// test/threads/churn.js) while the main thread runs check() and stats(). `npm run fuzz` runs the
// same churn with 1 000 000 operations per thread and random seeds (WASM_ARENA_THREADS_OPS).

import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Heap, HeapError, InvalidPointerError, OutOfMemoryError, Pool, type HeapStats } from '../src/index.js';
import * as L from '../src/layout.js';
import { controlLayout } from './threads/churn.js';

const LOCK_W = (L.ROOT + L.ROOT_LOCK) >>> 2;
const EPOCH_W = (L.ROOT + L.ROOT_EPOCH) >>> 2;

const FUZZ_OPS = Number(process.env.WASM_ARENA_THREADS_OPS ?? 0);
const OPS = FUZZ_OPS > 0 ? FUZZ_OPS : 150_000;
const SEEDS = FUZZ_OPS > 0 ? [1, 2, 3].map(() => (Math.random() * 2 ** 31) >>> 0) : [1, 2];
/** Per test: the long runs of `npm run fuzz` take minutes on two cores. */
const TIMEOUT = FUZZ_OPS > 0 ? 3600_000 : 120_000;
const WORKER = new URL('./threads/node-worker.mjs', import.meta.url);

interface Counters {
  id: number; ops: number; allocs: number; frees: number; crossFrees: number; reallocs: number; crossReallocs: number;
  received: number; sent: number; busy: number; overwritten: number; firstError: string; stats: HeapStats;
}
interface Latency { times: Float64Array; busy: number; churning: number; stats: HeapStats; }

interface Job { job: 'churn' | 'latency' | 'pool'; realtime?: boolean; samples?: number; }

/**
 * Runs `jobs` on worker threads attached to `heap` (thread i is jobs[i]); the main thread calls
 * check() and stats() until they are done. Resolves with what each reported.
 */
async function run(heap: Heap, jobs: Job[], ops: number, seed: number): Promise<{ reports: unknown[]; checks: number }> {
  const module = await Heap.compile({ shared: true });
  const layout = controlLayout(jobs.length, 8192);
  const ctl = new Int32Array(new SharedArrayBuffer(layout.words * 4));
  const go = new Int32Array(ctl.buffer, layout.startAt * 4, 1);
  let attached = 0;
  const workers = jobs.map((j, id) => new Worker(WORKER, {
    workerData: { ...j, module, memory: heap.memory, ctl, layout, id, ops, seed },
  }));
  const reports = workers.map((w) => new Promise((resolve, reject) => {
    w.on('message', (m) => {
      if ('attached' in m) {
        if (++attached === jobs.length) {
          Atomics.store(go, 0, -1);
          Atomics.notify(go, 0);
        }
      } else resolve(m);
    });
    w.on('error', reject);
    w.on('exit', (code) => reject(new Error(`worker exited with ${code} before it reported`)));
  }));
  let done = false;
  const all = Promise.all(reports).finally(() => (done = true));
  // Meanwhile the main thread checks the whole heap and reads its figures, again and again.
  let checks = 0;
  const into = {} as HeapStats;
  while (!done) {
    heap.check();
    heap.stats(into);
    expect(into.consistent).toBe(true);
    checks++;
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(workers.map((w) => w.terminate()));
  return { reports: await all, checks };
}

const sharedHeap = () => new Heap({ shared: true, initialBytes: 256 * 1024, maximumBytes: 512 << 20 });

describe.each([2, 4])('%i worker threads churn one heap', (threads) => {
  it.each(SEEDS)(`seed %i: ${OPS.toLocaleString('en-US')} random alloc/free/realloc of 8 B–4 KiB each, ≥ 30 % of frees cross-thread; no stamp overwritten, nothing lost, check() clean`, async (seed) => {
    const heap = sharedHeap();
    const before = heap.stats();
    const generation = heap.generation;
    const { reports, checks } = await run(heap, Array.from({ length: threads }, () => ({ job: 'churn' as const })), OPS, seed);
    const counters = reports as Counters[];
    for (const c of counters) {
      if (FUZZ_OPS > 0 || c.crossFrees / c.frees < 0.3) console.log(`seed ${seed}: ${JSON.stringify({ ...c, stats: undefined })}`);
      expect(c.firstError).toBe('');
      expect(c.overwritten).toBe(0);
      expect(c.ops).toBeGreaterThanOrEqual(OPS);
      expect(c.crossFrees / c.frees).toBeGreaterThanOrEqual(0.3);
      expect(c.crossReallocs).toBeGreaterThan(0);
      expect(c.stats.waits).toBeGreaterThanOrEqual(0);
    }
    expect(checks).toBeGreaterThan(0);
    // Memory grew while they ran (some blocks were made in memory other threads' views lacked).
    expect(heap.generation).toBeGreaterThan(generation);
    const after = heap.stats();
    expect(after.liveBlocks).toBe(before.liveBlocks);
    expect(after.usedBytes).toBe(before.usedBytes);
    expect(after.cachedBlocks).toBe(0);
    heap.check();
  }, TIMEOUT);
});

describe('a realtime thread while two others churn', () => {
  it('its tryAlloc+free of 16–512 B never waits (the counter says 0), p99.9 ≤ 5 µs', async () => {
    const heap = sharedHeap();
    const jobs: Job[] = [{ job: 'churn' }, { job: 'churn' }, { job: 'latency', realtime: true, samples: 200_000 }];
    const { reports } = await run(heap, jobs, OPS, 7);
    const rt = reports[2] as Latency;
    expect(rt.stats.waits).toBe(0);
    const sorted = Float64Array.from(rt.times).sort();
    const at = (q: number) => sorted[Math.floor(sorted.length * q)] * 1000;
    const p999 = at(0.999);
    console.log(`realtime alloc+free: p50 ${at(0.5).toFixed(2)} µs, p99 ${at(0.99).toFixed(2)} µs, p99.9 ${p999.toFixed(2)} µs, max ${(sorted[sorted.length - 1] * 1000).toFixed(1)} µs; busy ${rt.busy} of ${sorted.length}; ${rt.churning} threads still churning at the end`);
    expect(p999).toBeLessThanOrEqual(5);
    for (const c of reports.slice(0, 2) as Counters[]) expect(c.overwritten).toBe(0);
    heap.check();
  }, TIMEOUT);
});

describe('growth by another thread', () => {
  it('a block another thread allocated in memory it just grew is readable, measurable and freeable here', async () => {
    const heap = new Heap({ shared: true, initialBytes: 64 * 1024, maximumBytes: 64 << 20 });
    const old = heap.u8; // a view made before the growth
    const generation = heap.generation;
    const module = await Heap.compile({ shared: true });
    const w = new Worker(WORKER, { workerData: { job: 'grow', module, memory: heap.memory, bytes: 1 << 20 } });
    const r = await new Promise<{ p: number; n: number }>((resolve, reject) => {
      w.on('message', resolve);
      w.on('error', reject);
    });
    await w.terminate();
    expect(r.p + r.n).toBeGreaterThan(old.length); // past what the old view covers
    expect(heap.generation).toBeGreaterThan(generation);
    const u8 = heap.u8;
    for (let i = 0; i < r.n; i += 4093) expect(u8[r.p + i]).toBe(i & 0xff);
    expect(heap.usableSize(r.p)).toBeGreaterThanOrEqual(r.n);
    heap.free(r.p);
    heap.check();
  });
});

describe('realtime heaps never wait', () => {
  it('with the lock taken elsewhere: tryAlloc returns 0, alloc throws OutOfMemoryError (busy), frees are deferred, then returned', async () => {
    const heap = sharedHeap();
    const rt = new Heap({ shared: true, memory: heap.memory, realtime: true });
    const small = rt.alloc(64);
    const large = rt.alloc(8000);
    const start = rt.stats();
    await holdLock(heap, async () => {
      expect(rt.tryAlloc(5000)).toBe(0);
      expect(() => rt.alloc(5000)).toThrow(OutOfMemoryError);
      expect(() => rt.alloc(5000)).toThrow(/busy/);
      rt.free(large); // needs the lock: deferred
      expect(rt.stats().deferredBlocks).toBe(1);
      expect(() => rt.free(large)).toThrow(InvalidPointerError); // a deferred block is free already
      rt.free(small); // the cache takes it: no lock needed
      rt.trim(); // does nothing while the lock is taken
      expect(() => rt.dispose()).toThrow(/busy/);
      expect(() => rt.check()).toThrow(HeapError);
      expect(rt.stats().consistent).toBe(false); // read without the lock, and it never got a clean read
    });
    const s = rt.stats();
    expect(s.waits).toBe(0);
    expect(s.busy).toBeGreaterThan(start.busy);
    const p = rt.alloc(5000); // takes the lock: the deferred block goes back first
    expect(rt.stats().deferredBlocks).toBe(0);
    rt.free(p);
    rt.trim();
    heap.check();
    rt.dispose();
  });

  it('prefill: a realtime heap allocates and frees that size without the lock, even while it is taken', async () => {
    const heap = sharedHeap();
    const rt = new Heap({ shared: true, memory: heap.memory, realtime: true });
    rt.prefill(200, 100);
    expect(rt.stats().cachedBlocks).toBeGreaterThanOrEqual(100);
    await holdLock(heap, async () => {
      const ps: number[] = [];
      for (let i = 0; i < 100; i++) ps.push(rt.alloc(200));
      expect(new Set(ps).size).toBe(100);
      for (const p of ps) rt.free(p);
    });
    expect(rt.stats().busy).toBe(0);
    expect(rt.stats().waits).toBe(0);
    rt.trim();
    heap.check();
  });
});

describe('realtime caches are kept', () => {
  it('growth does not flush a realtime heap\'s cache (its reserve for when the lock is taken)', () => {
    const heap = new Heap({ shared: true, initialBytes: 128 * 1024, maximumBytes: 64 << 20 });
    const rt = new Heap({ shared: true, memory: heap.memory, realtime: true });
    rt.prefill(100, 200);
    const cached = rt.stats().cachedBlocks;
    const generation = heap.generation;
    const big = rt.alloc(1 << 20); // needs growth: found by this realtime heap
    expect(heap.generation).toBeGreaterThan(generation);
    expect(rt.stats().cachedBlocks).toBe(cached);
    rt.free(big);
    heap.check();
  });
});

describe('frees on another thread', () => {
  it('a block freed by one Heap object and then by another is a double free (InvalidPointerError)', () => {
    const heap = sharedHeap();
    const other = new Heap({ shared: true, memory: heap.memory });
    const small = heap.alloc(40);
    const large = heap.alloc(40_000);
    heap.free(small);
    heap.free(large);
    expect(() => other.free(small)).toThrow(InvalidPointerError);
    expect(() => other.free(large)).toThrow(InvalidPointerError);
    heap.check();
  });

  it('a Worker that ends without dispose() leaves its cache attached: its blocks stay counted as cached', async () => {
    const heap = sharedHeap();
    const module = await Heap.compile({ shared: true });
    const w = new Worker(`
      const { parentPort, workerData: { memory, module, dist } } = require('node:worker_threads');
      import(dist + '/shared.js').then(() => import(dist + '/index.js')).then(({ Heap }) => {
        const h = Heap.fromModule(module, { memory });
        for (let i = 0; i < 50; i++) h.free(h.alloc(64));
        parentPort.postMessage('done'); // no dispose()
      });
    `, { eval: true, workerData: { memory: heap.memory, module, dist: new URL('../dist', import.meta.url).href } });
    await new Promise((r) => w.once('message', r));
    await w.terminate();
    const s = heap.stats();
    expect(s.cachedBlocks).toBeGreaterThan(0);
    expect(s.liveBlocks).toBe(0);
    heap.check();
  });
});

describe('pools across threads', () => {
  it('a pool attached on another thread frees remotely; the owner takes the blocks back before it grows', () => {
    const heap = sharedHeap();
    const other = new Heap({ shared: true, memory: heap.memory });
    const pool = heap.pool(48, { capacity: 64 });
    const remote = Pool.attach(other, pool.address);
    const ps = Array.from({ length: pool.capacity }, () => pool.alloc());
    for (const p of ps) remote.free(p);
    expect(pool.live).toBe(pool.capacity); // counted as live until the owner takes them back
    expect(remote.live).toBe(pool.capacity);
    expect(() => remote.free(ps[0])).toThrow(/double free/);
    expect(() => pool.free(ps[0])).toThrow(/double free/);
    expect(() => remote.alloc()).toThrow(TypeError);
    expect(() => remote.dispose()).toThrow(TypeError);
    heap.check();
    const capacity = pool.capacity;
    const again = Array.from({ length: capacity }, () => pool.alloc());
    expect(pool.capacity).toBe(capacity); // reused, not grown
    expect(new Set(again)).toEqual(new Set(ps));
    for (const p of again) pool.free(p);
    pool.dispose();
    expect(remote.disposed).toBe(true);
    expect(() => remote.free(ps[0])).toThrow(InvalidPointerError); // freed into a disposed pool: refused, nothing written
    heap.check();
  });

  it.each([2, 4])('%i threads: the owner allocates, the others free most blocks remotely at once; every block comes back, nothing overwritten', async (threads) => {
    const heap = sharedHeap();
    const before = heap.stats();
    const { reports } = await run(heap, Array.from({ length: threads }, () => ({ job: 'pool' as const })), OPS, 5);
    const [owner, ...others] = reports as Record<string, number | string | boolean>[];
    for (const r of reports as Record<string, number | string>[]) expect(r.firstError).toBe('');
    const remote = others.reduce((n, r) => n + (r.remoteFrees as number), 0);
    expect(remote).toBe(owner.sent);
    expect(remote + (owner.localFrees as number)).toBe(owner.allocs);
    expect(remote / (owner.allocs as number)).toBeGreaterThanOrEqual(0.3);
    expect(owner.grew).toBe(false); // taking the whole capacity needed no new slab: every block came back
    expect(owner.distinct).toBe(owner.capacity);
    expect(owner.live).toBe(0);
    const after = heap.stats();
    expect(after.liveBlocks).toBe(before.liveBlocks);
    heap.check();
  }, TIMEOUT);

  it('Pool.attach refuses an address that is not a pool, and the owner\'s own pool', () => {
    const heap = sharedHeap();
    const other = new Heap({ shared: true, memory: heap.memory });
    const p = heap.alloc(64);
    expect(() => Pool.attach(other, p)).toThrow(InvalidPointerError);
    const pool = heap.pool(16);
    expect(() => Pool.attach(heap, pool.address)).toThrow(/heap\.pool\(\) returned/);
  });
});

describe('a thread that died holding the lock', () => {
  it('the others get a HeapError after lockTimeoutMs instead of hanging', async () => {
    const heap = new Heap({ shared: true, initialBytes: 256 * 1024, maximumBytes: 64 << 20, lockTimeoutMs: 300 });
    const module = await Heap.compile({ shared: true });
    // A worker takes the lock (as a heap call does) and is terminated before it releases it.
    const w = new Worker(`
      const { parentPort, workerData } = require('node:worker_threads');
      const i32 = new Int32Array(workerData.memory.buffer);
      Atomics.store(i32, ${LOCK_W}, 1);
      parentPort.postMessage('locked');
      for (;;) {}
    `, { eval: true, workerData: { memory: heap.memory, module } });
    await new Promise((r) => w.once('message', r));
    await w.terminate();
    const t0 = Date.now();
    expect(() => heap.alloc(5000)).toThrow(HeapError);
    expect(() => heap.check()).toThrow(/lock was held/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });
});

/**
 * Runs `body` while another thread holds the heap's lock (a worker takes it with the same atomic
 * operation the module uses and keeps it until `body` is done).
 */
async function holdLock(heap: Heap, body: () => Promise<void>): Promise<void> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const w = new Worker(`
    const { parentPort, workerData: { memory, flag } } = require('node:worker_threads');
    const i32 = new Int32Array(memory.buffer);
    while (Atomics.compareExchange(i32, ${LOCK_W}, 0, 1) !== 0) {}
    parentPort.postMessage('locked');
    Atomics.wait(flag, 0, 0);
    Atomics.add(i32, ${EPOCH_W}, 1);
    if (Atomics.exchange(i32, ${LOCK_W}, 0) === 2) Atomics.notify(i32, ${LOCK_W}, 1);
    parentPort.postMessage('released');
  `, { eval: true, workerData: { memory: heap.memory, flag } });
  await new Promise((r) => w.once('message', r));
  try {
    await body();
  } finally {
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    await new Promise((r) => w.once('message', r));
    await w.terminate();
  }
}
