// Workload — threads: one shared heap, several threads (worker_threads in Node, Workers in
// Chromium; env.startThread).
//
//   scaling   the churn of the churn workload (1,000 live blocks of 16–512 B: free a random one,
//             allocate a random size into its slot) on one thread alone, then on two at once, each
//             on its own blocks, alternating; the ratio of total throughputs, repetition by
//             repetition. Two cores at most can make it 2×.
//   shared    the same churn on one thread, in this process, on a shared heap and on a non-shared
//             one (plain buffer), alternating: what the shared build costs a thread that has the
//             heap to itself.
//   realtime  while two threads churn, a third thread's realtime Heap times each of its
//             tryAlloc+free pairs of 16–512 B; its counter of lock waits must stay 0.
//
// The threads start together and run phases the job sets in a control block (shared memory):
// which threads run, for how long. A thread not in a phase sleeps (Atomics.wait) and costs no CPU.

import { env } from '../lib/env.mjs';
import { sizeSequence, slotSequence } from '../lib/prng.mjs';
import { summarize, percentiles } from '../lib/stats.mjs';
import { calibrate, alternate, pairedMetrics, retryInfo, warm } from '../lib/timing.mjs';
import { churnRunner, freshChurnLoop, warmOps } from './churn.mjs';

const LIVE = 1000;
// Control block words.
const PHASE = 0; // bumped to start a phase (-1: quit)
const MASK = 1; // bit i: thread i runs in this phase
const MS = 2; // phase length
const DONE = 3; // threads that finished the phase
const READY = 4; // threads attached
const OPS = 16; // OPS + i: operations thread i ran in the phase
const WORDS = 32;
/** Latency samples the realtime thread keeps (the rest of a long phase is not timed). */
const MAX_SAMPLES = 1 << 21;

/** One thread: attaches, then runs the phases it is in until told to quit. */
export async function thread(data) {
  const { Heap } = await env.loadWasmArena();
  await env.loadWasmArena('shared');
  const { module, memory, ctl, id, role } = data;
  const realtime = role === 'latency';
  const heap = Heap.fromModule(module, { memory, realtime });
  const bit = 1 << id;
  const runner = realtime ? null : await churnRunner(heapAllocator(heap), LIVE, sizeSequence('small', 1 + id), slotSequence(LIVE, 2 + id));
  // Written once now: the first write to each page of a fresh array faults it in (microseconds),
  // which would land in the samples.
  const samples = realtime ? new Float64Array(MAX_SAMPLES).fill(1) : null;
  let taken = 0;
  let busy = 0;
  let seed = 12345;
  Atomics.add(ctl, READY, 1);
  for (let seen = 0; ; ) {
    while (Atomics.load(ctl, PHASE) === seen) Atomics.wait(ctl, PHASE, seen, 100);
    seen = Atomics.load(ctl, PHASE);
    if (seen < 0) break;
    if (ctl[MASK] & bit) {
      const end = performance.now() + ctl[MS];
      let ops = 0;
      if (runner) {
        while (performance.now() < end) {
          runner.step(1024);
          ops += 1024;
        }
      } else {
        // Timed pairs; samples[taken] keeps the first MAX_SAMPLES after the warm-up phase.
        const timing = ctl[MASK] & (1 << 30);
        for (let t0 = performance.now(); t0 < end; ) {
          seed ^= seed << 13;
          seed ^= seed >>> 17;
          seed ^= seed << 5;
          const p = heap.tryAlloc(16 + ((seed >>> 0) % 497));
          if (p !== 0) heap.free(p);
          else if (timing) busy++;
          const t1 = performance.now();
          if (timing && taken < MAX_SAMPLES) samples[taken++] = t1 - t0;
          t0 = t1;
          ops++;
        }
      }
      ctl[OPS + id] = ops;
    }
    Atomics.add(ctl, DONE, 1);
  }
  const stats = heap.stats();
  // A realtime Heap's dispose() never waits either: it throws while another thread holds the lock.
  for (let tries = 0; ; tries++) {
    try {
      heap.dispose();
      break;
    } catch (e) {
      if (!realtime || !/busy/.test(e.message) || tries > 1e6) throw e;
    }
  }
  return realtime
    ? { samples: samples.subarray(0, taken), busy, waits: stats.waits, contended: stats.contended }
    : { waits: stats.waits, contended: stats.contended };
}

const heapAllocator = (heap) => ({ alloc: (n) => heap.alloc(n), free: (p) => heap.free(p) });

/** Polls (the page's main thread may not wait) until `ctl[word]` reaches `value`. */
async function until(ctl, word, value) {
  while (Atomics.load(ctl, word) < value) await new Promise((r) => setTimeout(r, 1));
}

export async function run(job, ctx) {
  const { Heap } = await env.loadWasmArena();
  await env.loadWasmArena('shared');
  const sizes = sizeSequence('small');
  const idx = slotSequence(LIVE);

  // 1. One thread, this process: shared heap vs non-shared heap, alternating repetitions. The
  // non-shared heap keeps a plain buffer (resizable: false): element access through a resizable
  // one is slower in Chromium, and the comparison is with the faster of the two.
  const plainHeap = new Heap({ initialBytes: 16 << 20, resizable: false });
  const sharedHeap = new Heap({ shared: true, initialBytes: 16 << 20 });
  const shared = await churnRunner(heapAllocator(sharedHeap), LIVE, sizes, idx);
  const plain = await churnRunner(heapAllocator(plainHeap), LIVE, sizes, idx, freshChurnLoop());
  warm(shared, ctx.warmMs, warmOps(LIVE));
  warm(plain, ctx.warmMs, warmOps(LIVE));
  const n = calibrate(shared, ctx.repMs);
  const single = alternate([shared, plain], n, ctx, 'shared vs plain: ');
  const paired = pairedMetrics(single, ['plain']);

  // 2. Threads on one shared heap: two that churn, one realtime that times its pairs.
  const module = await Heap.compile({ shared: true });
  const heap = new Heap({ shared: true, initialBytes: 32 << 20, maximumBytes: 1 << 30 });
  const ctl = new Int32Array(new SharedArrayBuffer(WORDS * 4));
  const roles = ['churn', 'churn', 'latency'];
  const threads = roles.map((role, id) => env.startThread({ workload: 'threads', module, memory: heap.memory, ctl, id, role }));
  await until(ctl, READY, roles.length);
  let phases = 0;
  const phase = async (mask, ms) => {
    ctl[MASK] = mask;
    ctl[MS] = ms;
    for (let i = 0; i < roles.length; i++) ctl[OPS + i] = 0;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, PHASE, ++phases);
    Atomics.notify(ctl, PHASE);
    await until(ctl, DONE, roles.length);
    return roles.map((_, i) => ctl[OPS + i]);
  };
  const windowMs = Math.max(100, ctx.repMs * 8);
  await phase(0b111, Math.max(200, ctx.warmMs * 2)); // warm-up: every thread's loop compiled
  const one = [];
  const two = [];
  const scaling = [];
  const rounds = Math.max(5, ctx.reps);
  for (let r = 0; r < rounds; r++) {
    ctx.progress(`threads: round ${r + 1}/${rounds}`);
    const a = await phase(0b001, windowMs);
    const b = await phase(0b011, windowMs);
    one.push(a[0] / windowMs / 1000);
    two.push((b[0] + b[1]) / windowMs / 1000);
    scaling.push((b[0] + b[1]) / a[0]);
  }
  ctx.progress('threads: realtime thread under load');
  await phase(0b111 | (1 << 30), Math.max(windowMs, 500));
  Atomics.store(ctl, PHASE, -1);
  Atomics.notify(ctl, PHASE);
  const reports = await Promise.all(threads.map((t) => t.result));
  for (const t of threads) t.terminate();
  const rt = reports[2];
  const p = percentiles(Float64Array.from(rt.samples));
  const us = (ms) => summarize([ms * 1000], 'µs');
  return {
    metrics: {
      scaling: summarize(scaling, '×'),
      mops1: summarize(one, 'Mops/s'),
      mops2: summarize(two, 'Mops/s'),
      sharedNs: paired.nsPerPair,
      sharedVsPlain: paired['vs:plain'],
      rtP50: us(p.p50),
      rtP99: us(p.p99),
      rtP999: us(p.p999),
      rtMax: us(p.max),
      rtWaits: summarize([rt.waits], 'events'),
      rtBusy: summarize([rt.busy], 'events'),
    },
    extra: {
      opsPerRep: n,
      windowMs,
      rounds,
      rtSamples: rt.samples.length,
      churnWaits: reports[0].waits + reports[1].waits,
      churnContended: reports[0].contended + reports[1].contended,
      ...retryInfo(single[0]),
    },
  };
}

