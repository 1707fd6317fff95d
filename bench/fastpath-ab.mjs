#!/usr/bin/env node
// How far the fast paths are from the least their design can cost: each shipped fast path timed
// beside a *bare* copy of it — the same state in linear memory, the same loop, but nothing checked
// (no check word, no ownership test, no double-free test, no bounds) — beside the peers the
// targets name (two empty wasm calls, the hand-written JS pool). Repetitions alternate in one
// process, so load swings on a shared machine hit every variant alike.
//
//   node bench/fastpath-ab.mjs            (after `npm run build`)
//   node bench/fastpath-ab.mjs --reps 60  (default 30 repetitions of ~40 ms each)
//
// The bare variants are the floor of *this* design (state in linear memory, read through typed
// arrays): where even the bare copy misses a target, no amount of trimming the checks meets it.
//   heap:  alloc+free of 16–512 B, 1 000 live, random free order. Bare: one singly linked list per
//          8-byte size class in memory (head words, a link in the block), as the cache's bins are.
//   pool:  alloc+free of 64 B, 1 000 live, random free order. Bare: a stack of free addresses in
//          memory and its depth word.
//   bump:  arena allocation of 16–512 B, reset every 1 024. Bare: a cursor word and a limit word.

import { setEnv } from './lib/env.mjs';
import { nodeEnv } from './lib/env-node.mjs';
import { makeHeap, makeAllocator } from './lib/peers.mjs';
import { sizeSequence, slotSequence, SEQ_LEN, SEQ_MASK } from './lib/prng.mjs';
import { warm, calibrate, alternate, fresh } from './lib/timing.mjs';
import { summarize } from './lib/stats.mjs';
import { churnRunner, freshChurnLoop } from './workloads/churn.mjs';
import { BATCH, bumpLoop } from './workloads/bump.mjs';

setEnv(nodeEnv);
const args = process.argv.slice(2);
const repsArg = args.indexOf('--reps');
const REPS = repsArg >= 0 ? Number(args[repsArg + 1]) : 30;
const LIVE = 1000;

/** Linear memory of its own for a bare variant: a fixed-size wasm memory, as the heaps here. */
const memory = (bytes) => new Int32Array(new WebAssembly.Memory({ initial: bytes >>> 16, maximum: bytes >>> 16 }).buffer);

/** Bare small-block cache: class heads at words 0…127, blocks bumped from 4 KiB on, 8-byte headers. */
function bareHeap() {
  const m = memory(8 << 20);
  m[128] = 4096; // the bump cursor that makes new blocks
  return {
    alloc(n) {
      const cls = (n + 15) >>> 3;
      const b = m[cls];
      if (b !== 0) {
        m[cls] = m[(b >>> 2) + 2];
        return (b + 8) >>> 0;
      }
      const nb = m[128];
      m[128] = nb + (cls << 3);
      m[nb >>> 2] = cls;
      return (nb + 8) >>> 0;
    },
    free(p) {
      const b = p - 8;
      const cls = m[b >>> 2];
      m[(b >>> 2) + 2] = m[cls];
      m[cls] = b;
    },
  };
}

/** Bare pool of 64-byte slots: the depth at word 0, the stack from word 16, slots from 64 KiB. */
function barePool() {
  const m = memory(1 << 20);
  let next = 65536;
  return {
    alloc() {
      const top = m[0];
      if (top !== 0) {
        m[0] = top - 1;
        return m[16 + top - 1] >>> 0;
      }
      const p = next;
      next += 64;
      return p;
    },
    free(p) {
      const top = m[0];
      m[16 + top] = p;
      m[0] = top + 1;
    },
  };
}

/** Bare bump: the cursor at word 0, the limit at word 1, space from 64 KiB. */
function bareBump() {
  const m = memory(2 << 20);
  m[0] = 65536;
  m[1] = 65536 + (1 << 20);
  return {
    alloc(n) {
      const p = m[0];
      const q = (p + n + 7) & ~7;
      if (q > m[1]) return 0;
      m[0] = q;
      return p >>> 0;
    },
    reset() {
      m[0] = 65536;
    },
  };
}

function bumpRunner(a, sizes) {
  const out = new Array(BATCH).fill(0);
  const loop = fresh(bumpLoop, { BATCH, SEQ_MASK });
  const r = { k: 0, step: (n) => (r.k = loop(a, out, sizes, r.k, n)) };
  return r;
}

/** Times runners alternating; returns each one's median ns per op and its ratios to the others. */
function race(named, multiple = 1) {
  const list = Object.values(named);
  for (const r of list) warm(r, 600, 200_000);
  const n = calibrate(list[0], 40, multiple);
  const reps = alternate(list, n, { reps: REPS, progress: () => {} });
  const out = {};
  Object.keys(named).forEach((k, i) => (out[k] = { ns: summarize(reps[i].map((r) => r.ns), 'ns').median, reps: reps[i] }));
  /** Median of the per-repetition ratios a ÷ b. */
  out.ratio = (a, b) => summarize(out[a].reps.map((r, i) => r.ns / out[b].reps[i].ns), '×').median;
  return out;
}

const floor = await makeAllocator('floor', 0);
const floorCalls = { alloc: (n) => floor.alloc(n), reset: () => floor.ex.nop() };
const f = (v) => `${v.toFixed(1).padStart(5)} ns`;
const x = (v) => `${v.toFixed(2)}×`;

// Heap: the small-block cache path.
{
  const sizes = sizeSequence('small');
  const idx = slotSequence(LIVE);
  const heap = await makeHeap(8 << 20, { fixed: true });
  const r = race({
    shipped: await churnRunner({ alloc: (n) => heap.alloc(n), free: (p) => heap.free(p) }, LIVE, sizes, idx, freshChurnLoop()),
    bare: await churnRunner(bareHeap(), LIVE, sizes, idx, freshChurnLoop()),
    floor: await churnRunner(floor, LIVE, sizes, idx, freshChurnLoop()),
  });
  heap.check();
  console.log(`heap alloc+free 16–512 B, ${LIVE} live     shipped ${f(r.shipped.ns)}  bare ${f(r.bare.ns)}  two empty wasm calls ${f(r.floor.ns)}`);
  console.log(`   shipped ÷ floor ${x(r.ratio('shipped', 'floor'))}, bare ÷ floor ${x(r.ratio('bare', 'floor'))}, shipped ÷ bare ${x(r.ratio('shipped', 'bare'))}`);
}

// Pool: 64-byte blocks.
{
  const sizes = new Uint32Array(SEQ_LEN).fill(64);
  const idx = slotSequence(LIVE, 5);
  const heap = await makeHeap(1 << 20, { fixed: true });
  const pool = heap.pool(64, { capacity: LIVE + 24 });
  const js = [];
  const r = race({
    shipped: await churnRunner({ alloc: () => pool.alloc(), free: (p) => pool.free(p) }, LIVE, sizes, idx, freshChurnLoop()),
    bare: await churnRunner(barePool(), LIVE, sizes, idx, freshChurnLoop()),
    jsPool: await churnRunner({ alloc: () => (js.length > 0 ? js.pop() : new Uint8Array(64)), free: (v) => void js.push(v) }, LIVE, sizes, idx, freshChurnLoop()),
    floor: await churnRunner(floor, LIVE, sizes, idx, freshChurnLoop()),
  });
  heap.check();
  console.log(`pool alloc+free 64 B, ${LIVE} live         shipped ${f(r.shipped.ns)}  bare ${f(r.bare.ns)}  JS pool ${f(r.jsPool.ns)}  two empty wasm calls ${f(r.floor.ns)}`);
  console.log(`   shipped ÷ JS pool ${x(r.ratio('shipped', 'jsPool'))}, bare ÷ JS pool ${x(r.ratio('bare', 'jsPool'))}; shipped ÷ floor ${x(r.ratio('shipped', 'floor'))}, bare ÷ floor ${x(r.ratio('bare', 'floor'))}`);
}

// Bump: arena allocation.
{
  const sizes = sizeSequence('small', 21);
  const heap = await makeHeap(4 << 20, { fixed: true });
  const arena = heap.arena(1 << 20);
  const r = race({
    shipped: bumpRunner({ alloc: (n) => arena.alloc(n), reset: () => arena.reset() }, sizes),
    bare: bumpRunner(bareBump(), sizes),
    floor: bumpRunner(floorCalls, sizes),
  }, BATCH);
  heap.check();
  console.log(`bump alloc 16–512 B, reset every ${BATCH}   shipped ${f(r.shipped.ns)}  bare ${f(r.bare.ns)}  one empty wasm call ${f(r.floor.ns)}`);
  console.log(`   shipped ÷ floor ${x(r.ratio('shipped', 'floor'))}, bare ÷ floor ${x(r.ratio('bare', 'floor'))}, shipped ÷ bare ${x(r.ratio('shipped', 'bare'))}`);
}
console.log(`Node ${process.versions.node}, ${REPS} alternating repetitions; medians (ns per pair or per alloc, loop included)`);
