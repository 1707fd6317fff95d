// Workload — ring: one quantum (128 floats) pushed into a single-producer single-consumer ring of
// 1,024 frames and popped out again, on one thread: the cost of the two calls themselves (a
// producer and a consumer on two threads each pay their half). wasm-arena's `heap.ring` against
// ringbuf.js (its own SharedArrayBuffer, Atomics on both indices) and a hand-written JS ring over
// a Float32Array with its indices in JS fields (no checks, no atomics, the copies element by
// element, as most hand-written rings do).
//
// wasm-arena's process times it on a fixed-size heap (`nsPerPair`, plain index loads and stores,
// one thread's heap) and on a shared heap (`sharedNs`: Atomics on the indices, the set-up that
// crosses threads), alternating repetition by repetition with ringbuf.js and the JS ring, so the
// ratios are paired. GC events are counted while the main loop is timed.

import { env } from '../lib/env.mjs';
import { summarize } from '../lib/stats.mjs';
import { warm, calibrate, alternateCountingGc, pairedMetrics, retryInfo, fresh } from '../lib/timing.mjs';

export const QUANTUM = 128;
export const CAPACITY = 1024;
const HEAP_BYTES = 1 << 20;

/** A plain JS ring: what the others are measured against (element-by-element copies, nothing else). */
class JsRing {
  constructor(capacity) {
    this.data = new Float32Array(capacity);
    this.mask = capacity - 1;
    this.capacity = capacity;
    this.w = 0;
    this.r = 0;
  }
  push(src) {
    const k = Math.min(src.length, this.capacity - (this.w - this.r));
    const d = this.data;
    for (let i = 0; i < k; i++) d[(this.w + i) & this.mask] = src[i];
    this.w += k;
    return k;
  }
  pop(dst) {
    const k = Math.min(dst.length, this.w - this.r);
    const d = this.data;
    for (let i = 0; i < k; i++) dst[i] = d[(this.r + i) & this.mask];
    this.r += k;
    return k;
  }
}

/** `{ push(src), pop(dst) }` for the peer, or a string saying why this build cannot run it. */
async function makeRing(peer) {
  switch (peer) {
    case 'wasm-arena':
    case 'wasm-arena-shared': {
      const { Heap } = await env.loadWasmArena();
      const shared = peer === 'wasm-arena-shared';
      if (shared) {
        try {
          await env.loadWasmArena('shared'); // registers the shared build
        } catch (e) {
          return `the shared build did not load: ${e.message}`;
        }
      }
      const heap = new Heap({ shared, initialBytes: HEAP_BYTES, maximumBytes: HEAP_BYTES });
      if (typeof heap.ring !== 'function') return 'heap.ring() is not in this build';
      const ring = heap.ring(Float32Array, CAPACITY);
      return { push: (a) => ring.push(a), pop: (a) => ring.pop(a) };
    }
    case 'ringbuf': {
      const { RingBuffer } = await env.loadRingbuf();
      const rb = new RingBuffer(RingBuffer.getStorageForCapacity(CAPACITY, Float32Array), Float32Array);
      return { push: (a) => rb.push(a, a.length), pop: (a) => rb.pop(a, a.length) };
    }
    case 'js-prealloc': {
      const ring = new JsRing(CAPACITY);
      return { push: (a) => ring.push(a), pop: (a) => ring.pop(a) };
    }
    default:
      throw new Error(`ring: no ${peer} variant`);
  }
}

function ringLoop(q, src, dst, count) {
  let moved = 0;
  for (let k = 0; k < count; k++) {
    moved += q.push(src);
    moved -= q.pop(dst);
  }
  if (moved !== 0) throw new Error(`ring: ${moved} samples went missing`);
  return count;
}

/** A runner over one ring with its own copy of the loop (its own type feedback). */
function ringRunner(q) {
  const src = new Float32Array(QUANTUM).map((_, i) => Math.sin(i));
  const dst = new Float32Array(QUANTUM);
  const loop = fresh(ringLoop);
  return { k: 0, step(n) { this.k += loop(q, src, dst, n); } };
}

export async function run(job, ctx) {
  const q = await makeRing(job.peer);
  if (typeof q === 'string') return { unavailable: q, metrics: {}, extra: {} };
  const main = ringRunner(q);
  warm(main, ctx.warmMs, 50_000);
  const n = calibrate(main, ctx.repMs);
  const partners = job.peer === 'wasm-arena' ? ['wasm-arena-shared', 'ringbuf', 'js-prealloc'] : [];
  const runners = [main];
  for (const p of partners) {
    const other = await makeRing(p);
    if (typeof other === 'string') throw new Error(`ring: partner ${p}: ${other}`);
    const r = ringRunner(other);
    warm(r, ctx.warmMs, 50_000);
    runners.push(r);
  }
  const { reps, gc, gcMethod } = await alternateCountingGc(runners, n, ctx);
  const metrics = pairedMetrics(reps, partners);
  if (partners.length) metrics.sharedNs = summarize(reps[1].map((r) => r.ns), 'ns');
  metrics.gcEvents = summarize([gc.count], 'events');
  return { metrics, extra: { opsPerRep: n, gcMethod, ...retryInfo(reps[0]) } };
}
