// Workload — particles: every frame spawns SPAWN particles (position, velocity, life), moves
// every live one, and retires those whose life ran out. The JS peers use one object per particle;
// the allocator peers give each particle a 20-byte block (x, y, vx, vy, life as f32) addressed
// through a whole-memory Float32Array, and keep a Uint32Array of live pointers. Same seeded spawn
// sequence for all, so the end state (checksum) must agree.
//
// wasm-arena runs it three ways, a column each: 'wasm-arena' (heap blocks through heap.f32 by
// hand, as above), 'wasm-arena-soa' (one heap.soa table: add per spawn, swap-remove per retire,
// loops over the columns) and 'wasm-arena-cursor' (heap blocks read and written through one
// struct cursor).
//
// After the frames, most jobs also time the bare update of UPDATE_N particles (gravity and
// motion; nothing spawned or retired) in their own layout; wasm-arena's three jobs time it
// alternating repetition by repetition with plain JS objects in the same process, which gives the
// paired ratios of the struct targets (particles-update.mjs).
//
// wasm-arena's heaps here are fixed-size with room for the most particles (makeHeap `fixed`):
// they cannot grow, so no buffer is ever detached in the process (V8 makes every typed-array
// access slower after one detach: 1.5–2.5× on these loops in Node 20), and no engine switches
// them to a resizable buffer (slower views in Chromium). The three columns differ only in how
// the code reaches the same memory.

import { env } from '../lib/env.mjs';
import { makeHeap } from '../lib/peers.mjs';
import { Rng } from '../lib/prng.mjs';
import { summarize, percentiles, medianRep, gcFigures } from '../lib/stats.mjs';
import { Particle, particleType, measureUpdate } from './particles-update.mjs';

const SPAWN = 2000; // per frame
const LIFE_MIN = 10;
const LIFE_SPAN = 31; // life in [10, 40] frames → about 50 000 live particles
const CAP = SPAWN * (LIFE_MIN + LIFE_SPAN) + SPAWN;
const DT = 1 / 60;
const G = -9.81;
const PBYTES = 20;
const PRIME_STEPS = 64; // enough calls for V8 to allocate feedback (it does so lazily) and record it
// Room for the most particles ever live: CAP blocks of 32 bytes (20 + header, rounded) are 2.6 MiB.
const HEAP_BYTES = 4 << 20;

/**
 * Builds the system for a peer: `spawn(rng)` then `step()` is one frame; `checksum()` sums the
 * live positions; `add(life)` adds one particle (fields 0.25, position 0.5 for objects) and
 * `clear()` retires them all, for prime().
 */
async function makeSystem(peer) {
  if (peer === 'js-gc' || peer === 'js-pool') {
    const live = [];
    const spare = []; // js-pool only
    const pooled = peer === 'js-pool';
    const sys = {
      spawn(rng) {
        for (let s = 0; s < SPAWN; s++) {
          const x = rng.float();
          const y = rng.float();
          const vx = rng.float() - 0.5;
          const vy = rng.float() * 4;
          const life = LIFE_MIN + (rng.next() % LIFE_SPAN);
          let p;
          if (pooled && spare.length > 0) {
            p = spare.pop();
            p.x = x;
            p.y = y;
            p.vx = vx;
            p.vy = vy;
            p.life = life;
          } else p = new Particle(x, y, vx, vy, life);
          live.push(p);
        }
      },
      step() {
        let n = live.length;
        for (let i = 0; i < n; ) {
          const p = live[i];
          p.vy += G * DT;
          p.x += p.vx * DT;
          p.y += p.vy * DT;
          p.life = p.life - 1;
          if (p.life <= 0) {
            n = n - 1;
            live[i] = live[n]; // swap-remove; the GC peer drops p here
            if (pooled) spare.push(p);
          } else i = i + 1;
        }
        live.length = n;
      },
      add(life) {
        live.push(new Particle(0.5, 0.5, 0.25, 0.25, life));
      },
      clear() {
        live.length = 0;
        spare.length = 0;
      },
      checksum() {
        let s = 0;
        for (const p of live) s += Math.fround(p.x) + Math.fround(p.y);
        return s;
      },
    };
    return sys;
  }
  if (peer === 'js-prealloc') return preallocated();
  if (peer === 'wasm-arena-soa') return soaSystem(await makeHeap(HEAP_BYTES, { fixed: true }));
  let alloc, free, mem;
  if (peer === 'as-tlsf') {
    const ex = await env.loadPeer('tlsf');
    alloc = (n) => ex.alloc(n) >>> 0;
    free = (p) => ex.free(p);
    let f = new Float32Array(ex.memory.buffer);
    mem = () => (f.length === 0 ? (f = new Float32Array(ex.memory.buffer)) : f);
  } else if (peer === 'wasm-arena' || peer === 'wasm-arena-cursor') {
    const heap = await makeHeap(HEAP_BYTES, { fixed: true });
    alloc = (n) => heap.alloc(n);
    free = (p) => heap.free(p);
    mem = () => heap.f32;
    if (peer === 'wasm-arena-cursor') return cursorSystem(particleType((await env.loadWasmArena()).struct).cursor(heap), alloc, free);
  } else throw new Error(`particles: no ${peer} variant`);
  const live = new Uint32Array(CAP);
  let n = 0;
  const sys = {
    spawn(rng) {
      for (let s = 0; s < SPAWN; s++) {
        const p = alloc(PBYTES);
        const f = mem();
        const o = p >>> 2;
        f[o] = rng.float();
        f[o + 1] = rng.float();
        f[o + 2] = rng.float() - 0.5;
        f[o + 3] = rng.float() * 4;
        f[o + 4] = LIFE_MIN + (rng.next() % LIFE_SPAN);
        live[n] = p;
        n = n + 1;
      }
    },
    step() {
      const f = mem();
      for (let i = 0; i < n; ) {
        const p = live[i];
        const o = p >>> 2;
        f[o + 3] += G * DT;
        f[o] += f[o + 2] * DT;
        f[o + 1] += f[o + 3] * DT;
        const life = f[o + 4] - 1;
        f[o + 4] = life;
        if (life <= 0) {
          n = n - 1;
          live[i] = live[n];
          free(p);
        } else i = i + 1;
      }
    },
    add(life) {
      const p = alloc(PBYTES);
      mem().fill(0.25, p >>> 2, (p >>> 2) + 4);
      mem()[(p >>> 2) + 4] = life;
      live[n] = p;
      n = n + 1;
    },
    clear() {
      while (n > 0) free(live[--n]);
    },
    checksum() {
      const f = mem();
      let s = 0;
      for (let i = 0; i < n; i++) s += f[live[i] >>> 2] + f[(live[i] >>> 2) + 1];
      return s;
    },
  };
  return sys;
}

/**
 * Steps pairs of particles, one dying at once, one surviving a step, then retires them all.
 *
 * Why: the first frames have no particle old enough to retire, so the step loop, replaced
 * on the stack by optimised code during frame 1, has no type feedback for its retire branch. On
 * Node 20 that optimised loop was re-entered and deoptimised again and again, and code running
 * deoptimised boxes its doubles: garbage (GC events) billed to the allocator. A few cheap steps
 * in which particles both retire and live on give every branch its feedback first.
 */
function prime(sys) {
  for (let k = 0; k < PRIME_STEPS; k++) {
    sys.add(1);
    sys.add(2);
    sys.step();
  }
  sys.clear();
}

/** Particles in one SoA table: add() per spawn, remove() (the last row moves in) per retire. */
async function soaSystem(heap) {
  const { struct } = await env.loadWasmArena();
  const t = heap.soa(particleType(struct), CAP); // CAP rows up front: the columns never move
  const sys = {
    spawn(rng) {
      let { x, y, vx, vy, life } = t;
      let v = t.version;
      for (let s = 0; s < SPAWN; s++) {
        const r = t.add();
        if (t.version !== v) ({ x, y, vx, vy, life, version: v } = t); // the table grew: new columns
        x[r] = rng.float();
        y[r] = rng.float();
        vx[r] = rng.float() - 0.5;
        vy[r] = rng.float() * 4;
        life[r] = LIFE_MIN + (rng.next() % LIFE_SPAN);
      }
    },
    step() {
      const { x, y, vx, vy, life } = t; // remove() moves rows, never the columns
      let n = t.length;
      for (let i = 0; i < n; ) {
        vy[i] += G * DT;
        x[i] += vx[i] * DT;
        y[i] += vy[i] * DT;
        const l = life[i] - 1;
        life[i] = l;
        if (l <= 0) {
          t.remove(i); // the last row moves into i: look at i again
          n = n - 1;
        } else i = i + 1;
      }
    },
    add(life) {
      const r = t.add();
      t.x[r] = t.y[r] = t.vx[r] = t.vy[r] = 0.25;
      t.life[r] = life;
    },
    clear() {
      t.clear();
    },
    checksum() {
      const { x, y } = t;
      let s = 0;
      for (let i = 0; i < t.length; i++) s += x[i] + y[i];
      return s;
    },
  };
  return sys;
}

/** Particles in heap blocks, as the 'wasm-arena' peer's, read and written through one cursor. */
function cursorSystem(c, alloc, free) {
  const live = new Uint32Array(CAP);
  let n = 0;
  const sys = {
    spawn(rng) {
      for (let s = 0; s < SPAWN; s++) {
        const p = alloc(PBYTES);
        c.at(p);
        c.x = rng.float();
        c.y = rng.float();
        c.vx = rng.float() - 0.5;
        c.vy = rng.float() * 4;
        c.life = LIFE_MIN + (rng.next() % LIFE_SPAN);
        live[n] = p;
        n = n + 1;
      }
    },
    step() {
      for (let i = 0; i < n; ) {
        const p = live[i];
        c.at(p).vy += G * DT;
        c.x += c.vx * DT;
        c.y += c.vy * DT;
        const life = c.life - 1;
        c.life = life;
        if (life <= 0) {
          n = n - 1;
          live[i] = live[n];
          free(p);
        } else i = i + 1;
      }
    },
    add(life) {
      const p = alloc(PBYTES);
      c.at(p).x = c.y = c.vx = c.vy = 0.25;
      c.life = life;
      live[n] = p;
      n = n + 1;
    },
    clear() {
      while (n > 0) free(live[--n]);
    },
    checksum() {
      let s = 0;
      for (let i = 0; i < n; i++) s += c.at(live[i]).x + c.y;
      return s;
    },
  };
  return sys;
}

/**
 * The careful JS way: one preallocated Float32Array per field (struct of arrays) for the largest
 * live count, rows packed at the front; a retired particle is replaced by the last row. No
 * allocation after set-up, no allocator at all.
 */
function preallocated() {
  const x = new Float32Array(CAP);
  const y = new Float32Array(CAP);
  const vx = new Float32Array(CAP);
  const vy = new Float32Array(CAP);
  const lifeOf = new Float32Array(CAP);
  let n = 0;
  const sys = {
    spawn(rng) {
      for (let s = 0; s < SPAWN; s++) {
        x[n] = rng.float();
        y[n] = rng.float();
        vx[n] = rng.float() - 0.5;
        vy[n] = rng.float() * 4;
        lifeOf[n] = LIFE_MIN + (rng.next() % LIFE_SPAN);
        n = n + 1;
      }
    },
    step() {
      for (let i = 0; i < n; ) {
        vy[i] += G * DT;
        x[i] += vx[i] * DT;
        y[i] += vy[i] * DT;
        const life = lifeOf[i] - 1;
        lifeOf[i] = life;
        if (life <= 0) {
          n = n - 1;
          x[i] = x[n];
          y[i] = y[n];
          vx[i] = vx[n];
          vy[i] = vy[n];
          lifeOf[i] = lifeOf[n];
        } else i = i + 1;
      }
    },
    add(life) {
      x[n] = y[n] = vx[n] = vy[n] = 0.25;
      lifeOf[n] = life;
      n = n + 1;
    },
    clear() {
      n = 0;
    },
    checksum() {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i] + y[i];
      return s;
    },
  };
  return sys;
}

export async function run(job, ctx) {
  const sys = await makeSystem(job.peer);
  const rng = new Rng(7);
  prime(sys);
  for (let i = 0; i < ctx.framesWarm; i++) {
    sys.spawn(rng);
    sys.step();
  }
  const frames = ctx.frames;
  const t = new Float64Array(frames + 1);
  const dt = new Float64Array(frames);
  const watch = await env.gcWatch();
  const reps = [];
  for (let r = 0; r < ctx.reps; r++) {
    ctx.progress(`rep ${r + 1}/${ctx.reps}`);
    await watch.startRep();
    for (let i = 0; i < frames; i++) {
      t[i] = performance.now();
      sys.spawn(rng);
      sys.step();
    }
    t[frames] = performance.now();
    for (let i = 0; i < frames; i++) dt[i] = t[i + 1] - t[i];
    await watch.flush();
    const evs = watch.inWindows([[t[0], t[frames]]]);
    reps.push({ ...percentiles(dt), gc: gcFigures(evs), wallMs: t[frames] - t[0], gcTimeline: evs.map(([s, d]) => [(s - t[0]) / 1000, d]) });
  }
  watch.stop();
  const update = await measureUpdate(job.peer, ctx);
  const pick = (f) => reps.map(f);
  const ms = (f) => summarize(pick(f), 'ms');
  // The rep whose GC time is the median one supplies the GC timeline.
  const mid = medianRep(reps, (r) => r.gc.totalMs);
  return {
    metrics: {
      p50: ms((r) => r.p50),
      p99: ms((r) => r.p99),
      max: ms((r) => r.max),
      gcEvents: summarize(pick((r) => r.gc.count), 'events'),
      gcMs: ms((r) => r.gc.totalMs),
      gcLongestMs: ms((r) => r.gc.longestMs),
      ...update?.metrics,
    },
    extra: {
      frames, spawnPerFrame: SPAWN, checksum: sys.checksum(), gcTimeline: mid.gcTimeline, timelineMs: mid.wallMs, gcMethod: watch.method,
      ...update?.extra,
    },
  };
}
