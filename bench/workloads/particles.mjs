// Workload — particles: every frame spawns SPAWN particles (position, velocity, life), moves
// every live one, and retires those whose life ran out. The JS peers use one object per particle;
// the allocator peers give each particle a 20-byte block (x, y, vx, vy, life as f32) addressed
// through a whole-memory Float32Array, and keep a Uint32Array of live pointers. Same seeded spawn
// sequence for all, so the end state (checksum) must agree.

import { env } from '../lib/env.mjs';
import { makeHeap } from '../lib/peers.mjs';
import { Rng } from '../lib/prng.mjs';
import { summarize, percentiles, medianRep, gcFigures } from '../lib/stats.mjs';

const SPAWN = 2000; // per frame
const LIFE_MIN = 10;
const LIFE_SPAN = 31; // life in [10, 40] frames → about 50 000 live particles
const CAP = SPAWN * (LIFE_MIN + LIFE_SPAN) + SPAWN;
const DT = 1 / 60;
const G = -9.81;
const PBYTES = 20;
const PRIME_STEPS = 64; // enough calls for V8 to allocate feedback (it does so lazily) and record it

class Particle {
  constructor(x, y, vx, vy, life) {
    this.x = x;
    this.y = y;
    this.vx = vx;
    this.vy = vy;
    this.life = life;
  }
}

/**
 * Builds the system for a peer: `spawn(rng)` then `step()` is one frame; `checksum()` sums the
 * live positions; `prime()` steps pairs of particles, one dying at once, one surviving a step.
 *
 * Why prime: the first frames have no particle old enough to retire, so the step loop, replaced
 * on the stack by optimised code during frame 1, has no type feedback for its retire branch. On
 * Node 20 that optimised loop was re-entered and deoptimised again and again, and code running
 * deoptimised boxes its doubles: garbage (GC events) billed to the allocator. A few cheap steps
 * in which particles both retire and live on give every branch its feedback first.
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
      prime() {
        for (let k = 0; k < PRIME_STEPS; k++) {
          live.push(new Particle(0.5, 0.5, 0.25, 0.25, 1), new Particle(0.5, 0.5, 0.25, 0.25, 2));
          sys.step();
        }
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
  let alloc, free, mem;
  if (peer === 'as-tlsf') {
    const ex = await env.loadPeer('tlsf');
    alloc = (n) => ex.alloc(n) >>> 0;
    free = (p) => ex.free(p);
    let f = new Float32Array(ex.memory.buffer);
    mem = () => (f.length === 0 ? (f = new Float32Array(ex.memory.buffer)) : f);
  } else if (peer === 'wasm-arena') {
    const heap = await makeHeap(4 << 20);
    alloc = (n) => heap.alloc(n);
    free = (p) => heap.free(p);
    mem = () => heap.f32;
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
    prime() {
      for (let k = 0; k < PRIME_STEPS; k++) {
        for (let life = 1; life <= 2; life++) {
          const p = alloc(PBYTES);
          mem().fill(0.25, p >>> 2, (p >>> 2) + 4);
          mem()[(p >>> 2) + 4] = life;
          live[n] = p;
          n = n + 1;
        }
        sys.step();
      }
      while (n > 0) {
        n = n - 1;
        free(live[n]);
      }
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
    prime() {
      for (let k = 0; k < PRIME_STEPS; k++) {
        for (let life = 1; life <= 2; life++) {
          x[n] = y[n] = vx[n] = vy[n] = 0.25;
          lifeOf[n] = life;
          n = n + 1;
        }
        sys.step();
      }
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
  sys.prime();
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
    },
    extra: { frames, spawnPerFrame: SPAWN, checksum: sys.checksum(), gcTimeline: mid.gcTimeline, timelineMs: mid.wallMs, gcMethod: watch.method },
  };
}
