// Child process of test/heap.garbage.test.ts (run with --expose-gc): after a warm-up, runs rounds
// of the heap's everyday calls, slow paths included (cache bins filling and emptying: flushes and
// refills; blocks above the caches: one wasm call each way; realloc; pools growing by slabs and
// shrinking; arena bumps and resets), and prints what the JS heap and the wasm heap did
// meanwhile, as JSON on stdout.

import { garbageOf } from './garbage-child.mjs';
import { Heap } from '../dist/index.js';
import '../dist/shared.js';

const shared = process.argv.includes('--shared');
const heap = new Heap({ shared, initialBytes: 8 << 20, maximumBytes: 8 << 20 });
const BLOCKS = 4096;
const held = new Uint32Array(BLOCKS);
// Sizes and free order from a fixed xorshift sequence: the same calls every round.
let x = 2463534242;
const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0);
const sizes = Uint32Array.from({ length: BLOCKS }, () => 8 + (next() % 1017));
/** 0 … n-1 in a shuffled order. */
function shuffled(n) {
  const a = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = next() % (i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
const order = shuffled(BLOCKS);
const poolOrder = shuffled(1024);
const pool = heap.pool(48);
const arena = heap.arena(64 << 10);
/** Heap, pool and arena calls per round. */
const CALLS = 2 * BLOCKS + 8 * 5 + 2048 + 513;

function round() {
  for (let i = 0; i < BLOCKS; i++) held[i] = heap.alloc(sizes[i]); // bins run empty: refills
  for (let i = 0; i < BLOCKS; i++) heap.free(held[order[i]]); //      bins run full: flushes
  for (let i = 0; i < 8; i++) {
    const big = heap.alloc(4096 + i * 1000); //                        above the caches: wasm calls
    const moved = heap.realloc(big, 20_000);
    heap.free(heap.calloc(64));
    heap.free(moved);
  }
  for (let i = 0; i < 1024; i++) held[i] = pool.alloc(); //            the pool grows by slabs
  for (let i = 0; i < 1024; i++) pool.free(held[poolOrder[i]]);
  for (let i = 0; i < 512; i++) arena.alloc(sizes[i] & 127);
  arena.reset();
}

round(); // the pool's slabs and the arena's block are made in the first round
const statsBefore = heap.stats();
const ROUNDS = Number(process.env.HEAP_ROUNDS ?? 400);
const { gcEvents, jsHeapGrowth } = await garbageOf(round, 200, ROUNDS);
const statsAfter = heap.stats();
heap.check(); // throws if anything is damaged
console.log(JSON.stringify({ shared, rounds: ROUNDS, calls: ROUNDS * CALLS, gcEvents, jsHeapGrowth, statsBefore, statsAfter, checked: true }));
