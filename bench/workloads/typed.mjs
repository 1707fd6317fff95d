// Workload — typed: a Float32Array(128) that owns its memory, replaced in a live set of 1 000
// slots: `heap.allocArray(Float32Array, 128)` + `heap.free(view)` against `new Float32Array(128)`
// (dropped to the GC), a hand-written pool, arrays preallocated up front, thi.ng's `mallocAs` and
// AS TLSF + a view.

import { env } from '../lib/env.mjs';
import { makeHeap, makeThingPool } from '../lib/peers.mjs';
import { slotSequence, SEQ_MASK } from '../lib/prng.mjs';
import { summarize } from '../lib/stats.mjs';
import { warm, calibrate, alternate, retryInfo } from '../lib/timing.mjs';

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
      return { alloc: () => (free.length > 0 ? free.pop() : new Float32Array(LEN)), free: (v) => void free.push(v) };
    }
    case 'js-prealloc': {
      // Every array the loop will ever hold, created once; a fixed stack of the spare ones.
      const stack = [];
      for (let i = 0; i <= LIVE; i++) stack.push(new Float32Array(LEN));
      let top = stack.length;
      return {
        alloc: () => stack[--top],
        free: (v) => {
          stack[top++] = v;
        },
      };
    }
    case 'thing': {
      const pool = await makeThingPool(LIVE * (LEN * 4 + 16) * 2 + (1 << 20));
      return { alloc: () => pool.mallocAs('f32', LEN), free: (v) => pool.free(v) };
    }
    case 'as-tlsf': {
      const ex = await env.loadPeer('tlsf');
      return {
        alloc: () => {
          const p = ex.alloc(LEN * 4) >>> 0; // first: it may grow (and detach) the memory
          return new Float32Array(ex.memory.buffer, p, LEN);
        },
        free: (v) => ex.free(v.byteOffset),
      };
    }
    case 'wasm-arena': {
      const heap = await makeHeap(4 << 20);
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
  const runner = { k: 0, step: (n) => (runner.k = typedLoop(a, slots, idx, runner.k, n)) };
  warm(runner, ctx.warmMs, 200_000);
  const n = calibrate(runner, ctx.repMs);
  const [reps] = alternate([runner], n, ctx);
  return {
    metrics: { nsPerPair: summarize(reps.map((r) => r.ns), 'ns') },
    extra: { opsPerRep: n, live: LIVE, ...retryInfo(reps) },
  };
}
