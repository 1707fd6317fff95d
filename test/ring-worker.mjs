// One end of a ring for test/ring.threads.test.ts, in a Node worker thread: attaches to the
// test's shared heap and pushes (producer) or pops and checks (consumer) `total` sequence numbers
// in random chunks of 1 … chunkMax frames, through push/pop, pushPlanar/popPlanar or the
// zero-copy calls (beginWrite/commitWrite, beginRead/commitRead). Channel c of frame s carries
// s · channels + c (mod 2^32). Plain JavaScript over the built library.

import { parentPort, workerData } from 'node:worker_threads';
import { Heap, Ring } from '../dist/index.js';
import '../dist/shared.js';

const { memory, address, role, mode, total, seed, chunkMax } = workerData;
const heap = new Heap({ shared: true, memory });
const ring = Ring.attach(heap, address, Uint32Array);
const C = ring.channels;
parentPort.postMessage({ ready: true });

let state = seed >>> 0 || 1;
/** xorshift32: 1 … chunkMax. */
const chunk = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return 1 + ((state >>> 0) % chunkMax);
};

// When the other side is behind, back off briefly instead of spinning hot on a shared machine.
const nap = new Int32Array(new SharedArrayBuffer(4));
let idle = 0;
const waitABit = () => {
  if (++idle > 64) Atomics.wait(nap, 0, 0, 0.05);
};

const buf = new Uint32Array(chunkMax * C);
const planes = Array.from({ length: C }, () => new Uint32Array(chunkMax));
let done = 0; // frames moved
let lost = 0, duplicated = 0, reordered = 0, checked = 0;
let expected = 0; // next frame number the consumer expects

/**
 * Consumer: a frame arrived whose channel c holds `get(c)`. Channel 0 names the frame (mod 2^32);
 * a frame number past the expected one means frames were lost, an earlier one a duplicate (or a
 * late, reordered frame); a channel that does not carry the frame's own value is reordered data.
 */
function frameSeen(get) {
  const v0 = get(0);
  checked += C;
  if (v0 !== Math.imul(expected, C) >>> 0) {
    const frame = Math.floor(v0 / C);
    if (v0 % C !== 0) reordered++;
    else if (frame > expected) lost += frame - expected;
    else duplicated++;
    expected = frame;
  }
  for (let c = 1; c < C; c++) if (get(c) !== (Math.imul(expected, C) + c) >>> 0) reordered++;
  expected++;
}

const started = Date.now();
while (done < total) {
  const want = Math.min(chunk(), total - done);
  let n = 0;
  if (role === 'producer') {
    if (mode === 'push') {
      for (let i = 0; i < want; i++) for (let c = 0; c < C; c++) buf[i * C + c] = Math.imul(done + i, C) + c;
      // push what fits, then the rest, until the whole chunk is in
      let at = 0;
      while (at < want * C) {
        const k = ring.push(buf, at, want * C - at);
        if (k === 0) waitABit();
        else idle = 0;
        at += k;
      }
      n = want;
    } else if (mode === 'planar') {
      for (let c = 0; c < C; c++) for (let i = 0; i < want; i++) planes[c][i] = Math.imul(done + i, C) + c;
      n = ring.pushPlanar(planes, want);
    } else {
      n = ring.beginWrite(want);
      const u32 = heap.u32;
      for (let c = 0; c < C; c++) {
        const plane = c * ring.capacity;
        for (let i = 0; i < ring.length1; i++) u32[ring.start1 + plane + i] = Math.imul(done + i, C) + c;
        for (let i = 0; i < ring.length2; i++) u32[ring.start2 + plane + i] = Math.imul(done + ring.length1 + i, C) + c;
      }
      ring.commitWrite(n);
    }
  } else {
    if (mode === 'push') {
      n = ring.pop(buf, 0, want * C) / C;
      for (let i = 0; i < n; i++) frameSeen((c) => buf[i * C + c]);
    } else if (mode === 'planar') {
      n = ring.popPlanar(planes, want);
      for (let i = 0; i < n; i++) frameSeen((c) => planes[c][i]);
    } else {
      n = ring.beginRead(want);
      const u32 = heap.u32;
      for (let i = 0; i < n; i++) {
        const at = i < ring.length1 ? ring.start1 + i : ring.start2 + i - ring.length1;
        frameSeen((c) => u32[at + c * ring.capacity]);
      }
      ring.commitRead(n);
    }
  }
  if (n === 0) waitABit();
  else idle = 0;
  done += n;
}

parentPort.postMessage({
  role, done, checked, lost, duplicated, reordered, ms: Date.now() - started,
  overruns: ring.overruns, underruns: ring.underruns,
});
