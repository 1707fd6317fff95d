// Workload — audio: 128-frame blocks at 48 kHz. Each block allocates four temporary buffers
// (oscillator, noise, mix, out), runs the same DSP kernel over them, updates one persistent delay
// line, and releases the temporaries. Reports the block-time distribution and GC figures.
//
// Timer note: performance.now() itself leaves a 16-byte number on the JS heap per call. So that
// the harness never bills its own garbage to a peer, blocks are measured in windows of 10 000,
// and between windows (outside the measured time) the harness forces a minor collection, which
// the GC watcher ignores (forced flag). GC events are counted only inside the windows.

import { env } from '../lib/env.mjs';
import { makeHeap, makeThingPool } from '../lib/peers.mjs';
import { summarize, percentiles, quantileSorted, medianRep, gcFigures } from '../lib/stats.mjs';

const FRAMES = 128;
const BYTES = FRAMES * 4;
const DELAY = 4800; // 100 ms at 48 kHz
const TAP = 2400;
const WINDOW = 10_000;
export const QUANTUM_MS = (FRAMES / 48000) * 1000; // 2.667 ms of audio per block
export const OTHER_WORK_MS = 2; // the rest of the audio graph's share of each quantum
const BUDGET_MS = QUANTUM_MS - OTHER_WORK_MS;

/** The DSP of one block, identical for every peer: (array, offset) pairs address each buffer. */
function dsp(S, I, osc, oo, noi, no, mix, mo, out, ou, dl, dlo) {
  let ph = S[0];
  const inc = S[1];
  for (let i = 0; i < FRAMES; i++) {
    ph += inc;
    if (ph >= 1) ph -= 1;
    osc[oo + i] = 2 * ph - 1;
  }
  S[0] = ph;
  let x = I[0];
  for (let i = 0; i < FRAMES; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    noi[no + i] = x * 4.656612873077393e-10;
  }
  I[0] = x;
  let lp = S[2];
  for (let i = 0; i < FRAMES; i++) {
    lp += 0.1 * (0.7 * osc[oo + i] + 0.3 * noi[no + i] - lp);
    mix[mo + i] = lp;
  }
  S[2] = lp;
  let w = I[1];
  let sum = S[3];
  for (let i = 0; i < FRAMES; i++) {
    const r = w >= TAP ? w - TAP : w - TAP + DELAY;
    const y = mix[mo + i] + 0.5 * dl[dlo + r];
    dl[dlo + w] = y;
    out[ou + i] = y;
    sum += y;
    w = w + 1 === DELAY ? 0 : w + 1;
  }
  I[1] = w;
  S[3] = sum;
}

/** Returns `block()` for the peer: allocate temporaries, dsp, release. */
async function makeBlock(peer, S, I) {
  switch (peer) {
    case 'js-gc': {
      const dl = new Float32Array(DELAY);
      return () => {
        const a = new Float32Array(FRAMES);
        const b = new Float32Array(FRAMES);
        const c = new Float32Array(FRAMES);
        const d = new Float32Array(FRAMES);
        dsp(S, I, a, 0, b, 0, c, 0, d, 0, dl, 0);
      };
    }
    case 'js-prealloc': {
      // The careful JS way: four temporaries allocated once, reused by every block.
      const dl = new Float32Array(DELAY);
      const a = new Float32Array(FRAMES);
      const b = new Float32Array(FRAMES);
      const c = new Float32Array(FRAMES);
      const d = new Float32Array(FRAMES);
      return () => dsp(S, I, a, 0, b, 0, c, 0, d, 0, dl, 0);
    }
    case 'js-pool': {
      const dl = new Float32Array(DELAY);
      const pool = [];
      for (let i = 0; i < 4; i++) pool.push(new Float32Array(FRAMES));
      return () => {
        const a = pool.pop();
        const b = pool.pop();
        const c = pool.pop();
        const d = pool.pop();
        dsp(S, I, a, 0, b, 0, c, 0, d, 0, dl, 0);
        pool.push(d, c, b, a);
      };
    }
    case 'thing': {
      const pool = await makeThingPool(1 << 20);
      const f = new Float32Array(pool.buf);
      const dlo = pool.malloc(DELAY * 4) >>> 2;
      return () => {
        const a = pool.malloc(BYTES);
        const b = pool.malloc(BYTES);
        const c = pool.malloc(BYTES);
        const d = pool.malloc(BYTES);
        dsp(S, I, f, a >>> 2, f, b >>> 2, f, c >>> 2, f, d >>> 2, f, dlo);
        pool.free(d);
        pool.free(c);
        pool.free(b);
        pool.free(a);
      };
    }
    case 'as-tlsf': {
      const ex = await env.loadPeer('tlsf');
      const dlo = (ex.alloc(DELAY * 4) >>> 0) >>> 2;
      let f = new Float32Array(ex.memory.buffer);
      return () => {
        const a = ex.alloc(BYTES) >>> 0;
        const b = ex.alloc(BYTES) >>> 0;
        const c = ex.alloc(BYTES) >>> 0;
        const d = ex.alloc(BYTES) >>> 0;
        if (f.length === 0) f = new Float32Array(ex.memory.buffer); // memory grew
        dsp(S, I, f, a >>> 2, f, b >>> 2, f, c >>> 2, f, d >>> 2, f, dlo);
        ex.free(d);
        ex.free(c);
        ex.free(b);
        ex.free(a);
      };
    }
    case 'floor': {
      // No allocator at all: fixed offsets in a wasm memory, plus the same eight calls as the
      // allocating peers, to empty exports. The environment's own jitter shows here.
      const ex = await env.loadPeer('floor');
      const f = new Float32Array(ex.memory.buffer);
      const dlo = 4 * FRAMES;
      return () => {
        const a = ex.alloc(0);
        const b = ex.alloc(FRAMES);
        const c = ex.alloc(2 * FRAMES);
        const d = ex.alloc(3 * FRAMES);
        dsp(S, I, f, a, f, b, f, c, f, d, f, dlo);
        ex.free(d);
        ex.free(c);
        ex.free(b);
        ex.free(a);
      };
    }
    case 'wasm-arena-heap': {
      const heap = await makeHeap(1 << 20);
      const dlo = heap.alloc(DELAY * 4, 16) >>> 2;
      return () => {
        const a = heap.alloc(BYTES);
        const b = heap.alloc(BYTES);
        const c = heap.alloc(BYTES);
        const d = heap.alloc(BYTES);
        const f = heap.f32;
        dsp(S, I, f, a >>> 2, f, b >>> 2, f, c >>> 2, f, d >>> 2, f, dlo);
        heap.free(d);
        heap.free(c);
        heap.free(b);
        heap.free(a);
      };
    }
    case 'wasm-arena': {
      // The arena path: one frame arena, reset at the start of every block. Zero garbage.
      const heap = await makeHeap(1 << 20);
      const dlo = heap.alloc(DELAY * 4, 16) >>> 2;
      const frame = heap.arena(16 * 1024);
      return () => {
        frame.reset();
        const a = frame.alloc(BYTES, 16);
        const b = frame.alloc(BYTES, 16);
        const c = frame.alloc(BYTES, 16);
        const d = frame.alloc(BYTES, 16);
        const f = heap.f32;
        dsp(S, I, f, a >>> 2, f, b >>> 2, f, c >>> 2, f, d >>> 2, f, dlo);
      };
    }
    default:
      throw new Error(`audio: no ${peer} variant`);
  }
}

/** Runs blocks [0, n) in measured windows; t[i] is the start of block i, t[n] the end. */
function runBlocks(block, t, from, to) {
  for (let i = from; i < to; i++) {
    t[i] = performance.now();
    block();
  }
  t[to] = performance.now();
}

export async function run(job, ctx) {
  const S = new Float64Array([0, 220 / 48000, 0, 0]);
  const I = new Int32Array([0x12345678, 0]);
  const block = await makeBlock(job.peer, S, I);
  const blocks = ctx.audioBlocks;
  const t = new Float64Array(blocks + 1);
  const dt = new Float64Array(blocks);
  const watch = await env.gcWatch();

  // Prime: V8 allocates type feedback lazily, after a function's first calls; a long loop that is
  // optimised on the stack before that can keep deoptimising. Short calls first, then the loop.
  for (let i = 0; i < 64; i++) runBlocks(block, t, 0, 1);
  // Warm-up (excluded): enough blocks for the JIT and for the GC peer to reach steady state.
  for (let w = 0; w < ctx.audioWarm; w += WINDOW) runBlocks(block, t, 0, Math.min(WINDOW, ctx.audioWarm - w));

  const reps = [];
  for (let r = 0; r < ctx.reps; r++) {
    ctx.progress(`rep ${r + 1}/${ctx.reps}`);
    await watch.startRep();
    const windows = [];
    for (let from = 0; from < blocks; from += WINDOW) {
      const to = Math.min(blocks, from + WINDOW);
      env.gc({ type: 'minor' }); // the harness's own timer garbage; not counted
      runBlocks(block, t, from, to);
      windows.push([t[from], t[to]]);
      if (to < blocks) t[to] = NaN; // next window restarts the chain
    }
    let miss = 0;
    for (let i = 0; i < blocks; i++) {
      const next = (i + 1) % WINDOW === 0 ? windows[(i + 1) / WINDOW - 1][1] : t[i + 1];
      dt[i] = next - t[i];
      if (dt[i] > BUDGET_MS) miss++;
    }
    await watch.flush();
    const evs = watch.inWindows(windows);
    const pct = percentiles(dt); // sorts dt
    const curve = [];
    for (const q of CURVE_Q) curve.push([q, quantileSorted(dt, q) * 1000]);
    const t0 = windows[0][0];
    reps.push({
      ...pct,
      gc: gcFigures(evs),
      missFrac: miss / blocks,
      curve,
      gcTimeline: evs.map(([s, d, k]) => [(s - t0) / 1000, d, k]),
      wallMs: windows.reduce((acc, [a, b]) => acc + (b - a), 0),
      windowsSpanMs: windows[windows.length - 1][1] - windows[0][0],
    });
  }
  watch.stop();
  const pick = (f) => reps.map(f);
  const us = (f) => summarize(pick((r) => f(r) * 1000), 'µs');
  // The rep whose p99.9 is the median one supplies the curve for the charts…
  const mid = medianRep(reps, (r) => r.p999);
  // …and the rep whose GC time is the median one supplies the GC timeline.
  const midGc = medianRep(reps, (r) => r.gc.totalMs);
  return {
    metrics: {
      p50: us((r) => r.p50),
      p99: us((r) => r.p99),
      p999: us((r) => r.p999),
      max: us((r) => r.max),
      gcEvents: summarize(pick((r) => r.gc.count), 'events'),
      gcMs: summarize(pick((r) => r.gc.totalMs), 'ms'),
      gcLongestMs: summarize(pick((r) => r.gc.longestMs), 'ms'),
      missPct: summarize(pick((r) => r.missFrac * 100), '%'),
      p999OverP50: summarize(pick((r) => r.p999 / r.p50), '×'),
    },
    extra: {
      blocks,
      checksum: S[3],
      curve: mid.curve,
      gcTimeline: midGc.gcTimeline,
      timelineMs: midGc.windowsSpanMs,
      repWallMs: pick((r) => r.wallMs),
      budgetMs: BUDGET_MS,
      gcMethod: watch.method,
    },
  };
}

/** Quantiles for the block-time chart, spaced evenly in "nines" (0.5, 0.9, 0.99, …). */
const CURVE_Q = [];
for (let z = Math.log10(2); z <= 5.001; z += 0.05) CURVE_Q.push(1 - Math.pow(10, -z));
CURVE_Q.push(1);
