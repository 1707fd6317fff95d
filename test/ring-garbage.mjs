// Child process of test/ring.garbage.test.ts (run with --expose-gc): after a warm-up, runs
// 1,000,000 rounds of every ring call on the real-time paths (full and empty rings included) and
// prints what the JS heap and the wasm heap did meanwhile, as JSON on stdout.

import { garbageOf } from './garbage-child.mjs';
import { Heap } from '../dist/index.js';
import '../dist/shared.js';

const shared = process.argv.includes('--shared');
const heap = new Heap({ shared, initialBytes: 1 << 20, maximumBytes: 1 << 20 });
const ring = heap.ring(Float32Array, 512, { channels: 2 });
const interleaved = new Float32Array(256).fill(0.25);
const out = new Float32Array(512);
const planes = [new Float32Array(128).fill(0.5), new Float32Array(128).fill(-0.5)];
const outPlanes = [new Float32Array(128), new Float32Array(128)];

let sink = 0;
function round() {
  ring.push(interleaved); //                      128 frames
  ring.pushPlanar(planes); //                     128 frames
  sink = (sink + ring.availableRead() + ring.availableWrite()) & 0xffff;
  const n = ring.beginWrite(300); //              256 frames fit of 300: an overrun
  const f32 = heap.f32;
  for (let i = 0; i < ring.length1; i++) f32[ring.start1 + i] = i;
  for (let i = 0; i < ring.length2; i++) f32[ring.start2 + i] = i;
  ring.commitWrite(n);
  sink = (sink + ring.push(interleaved)) & 0xffff; //               full: 0 written, an overrun
  sink = (sink + ring.popPlanar(outPlanes)) & 0xffff; //           128 frames
  sink = (sink + ring.pop(out)) & 0xffff; //                       256 frames
  const k = ring.beginRead(200); //                128 there of 200: an underrun
  for (let i = 0; i < ring.length1; i++) sink = (sink + f32[ring.start1 + i]) & 0xffff; // a small int: a float or a large int in a module variable would be boxed
  ring.commitRead(k);
  sink = (sink + ring.popPlanar(outPlanes)) & 0xffff; //           empty: an underrun
  sink = (sink + ring.overruns + ring.underruns) & 0xffff;
}

const statsBefore = heap.stats();
const ROUNDS = Number(process.env.RING_ROUNDS ?? 1_000_000);
const { gcEvents, jsHeapGrowth } = await garbageOf(round, 200_000, ROUNDS);
const statsAfter = heap.stats();
console.log(JSON.stringify({
  shared, rounds: ROUNDS, callsPerRound: 15, gcEvents, jsHeapGrowth, sink: Number.isFinite(sink),
  overruns: ring.overruns, underruns: ring.underruns, statsBefore, statsAfter,
}));
