// Workload 1b — typed: a Float32Array(128) that owns its memory, replaced in a live set of 1 000
// slots: `heap.allocArray(Float32Array, 128)` + `heap.free(view)` against `new Float32Array(128)`
// (dropped to the GC), a hand-written pool, thi.ng's `mallocAs` and AS TLSF + a view.

import { loadAsPeer, loadWasmArena, makeThingPool } from '../lib/peers.mjs';
import { slotSequence, SEQ_MASK } from '../lib/prng.mjs';
import { summarize } from '../lib/stats.mjs';
import { timeRep, retryInfo } from '../lib/timing.mjs';

const LEN = 128;
const LIVE = 1000;

function typedLoop(a, slots, idx, from, count) {
  const end = from + count;
  for (let k = from; k < end; k++) {
    const j = idx[k & SEQ_MASK];
    a.free(slots[j]);
    const v = a.alloc();
    v[0] = k; // touch it, as a user would
    slots[j] = v;
  }
  return end;
}

async function makeTyped(peer) {
  switch (peer) {
    case 'js-gc':
      return { alloc: () => new Float32Array(LEN), free: (_v) => {} };
    case 'js-pool': {
      const free = [];
      return {
        alloc: () => (free.length > 0 ? free.pop() : new Float32Array(LEN)),
        free: (v) => {
          free.push(v);
        },
      };
    }
    case 'thing': {
      const pool = await makeThingPool(LIVE * (LEN * 4 + 16) * 2 + (1 << 20));
      return { alloc: () => pool.mallocAs('f32', LEN), free: (v) => pool.free(v) };
    }
    case 'as-tlsf': {
      const ex = loadAsPeer('tlsf');
      return {
        alloc: () => {
          const p = ex.alloc(LEN * 4) >>> 0; // first: it may grow (and detach) the memory
          return new Float32Array(ex.memory.buffer, p, LEN);
        },
        free: (v) => ex.free(v.byteOffset),
      };
    }
    case 'wasm-arena': {
      const { Heap } = await loadWasmArena();
      const heap = new Heap({ initialBytes: 4 << 20 });
      return { alloc: () => heap.allocArray(Float32Array, LEN), free: (v) => heap.free(v) };
    }
    default:
      throw new Error(`typed: no ${peer} variant`);
  }
}

export async function run(job, ctx) {
  const a = await makeTyped(job.peer);
  const idx = slotSequence(LIVE, 3);
  const slots = [];
  for (let i = 0; i < LIVE; i++) slots.push(a.alloc());
  let k = 0;
  const warmEnd = performance.now() + ctx.warmMs;
  while (k < 200_000 && performance.now() < warmEnd) k = typedLoop(a, slots, idx, k, 1024);
  const t0 = performance.now();
  let n = 64;
  let done = 0;
  for (;;) {
    k = typedLoop(a, slots, idx, k, n);
    done += n;
    const dt = performance.now() - t0;
    if (dt > ctx.repMs / 8) {
      n = Math.max(64, Math.round((done * ctx.repMs) / dt));
      break;
    }
    n *= 2;
  }
  const reps = [];
  for (let r = 0; r < ctx.reps; r++) {
    ctx.progress(`rep ${r + 1}/${ctx.reps}`);
    reps.push(timeRep(() => (k = typedLoop(a, slots, idx, k, n)), n));
  }
  return {
    metrics: { nsPerPair: summarize(reps.map((r) => r.ns), 'ns') },
    extra: { opsPerRep: n, live: LIVE, ...retryInfo(reps) },
  };
}
