// Workload 3 — particles: every frame spawns SPAWN particles (position, velocity, life), moves
// every live one, and retires those whose life ran out. The JS peers use one object per particle;
// the allocator peers give each particle a 20-byte block (x, y, vx, vy, life as f32) addressed
// through a whole-memory Float32Array, and keep a Uint32Array of live pointers. Same seeded spawn
// sequence for all, so the end state (checksum) must agree.
//
// wasm-arena's struct API runs it twice more: 'wasm-arena-soa' keeps the particles in
// `heap.soa(Particle, CAP)` (add / swap-remove, column loops), 'wasm-arena-cursor' gives each
// particle a heap block and reads and writes it through one `Particle.cursor(heap)`.
// The soa job also times the bare update of 10 000 particles (no spawn, no retire) as plain JS
// objects, SoA columns and a cursor over records, alternating repetitions in one process: the
// paired ratios of the struct targets.

import { loadAsPeer, loadWasmArena } from '../lib/peers.mjs';
import { Rng } from '../lib/prng.mjs';
import { summarize, percentiles, medianRep } from '../lib/stats.mjs';
import { GcWatch, gcFigures } from '../lib/gcwatch.mjs';
import { timeRep, retryInfo } from '../lib/timing.mjs';

const SPAWN = 2000; // per frame
const LIFE_MIN = 10;
const LIFE_SPAN = 31; // life in [10, 40] frames → about 50 000 live particles
const CAP = SPAWN * (LIFE_MIN + LIFE_SPAN) + SPAWN;
const DT = 1 / 60;
const G = -9.81;
const PBYTES = 20;
const PRIME_STEPS = 64; // enough calls for V8 to allocate feedback (it does so lazily) and record it
const UPDATE_N = 10_000; // particles in the paired update measurement

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
  if (peer === 'wasm-arena-soa') return makeSoaSystem();
  let alloc, free, mem;
  let cursor = null;
  if (peer === 'as-tlsf') {
    const ex = loadAsPeer('tlsf');
    alloc = (n) => ex.alloc(n) >>> 0;
    free = (p) => ex.free(p);
    let f = new Float32Array(ex.memory.buffer);
    mem = () => (f.length === 0 ? (f = new Float32Array(ex.memory.buffer)) : f);
  } else if (peer === 'wasm-arena' || peer === 'wasm-arena-cursor') {
    const { Heap, struct } = await loadWasmArena();
    const heap = new Heap({ initialBytes: 4 << 20 });
    alloc = (n) => heap.alloc(n);
    free = (p) => heap.free(p);
    mem = () => heap.f32;
    if (peer === 'wasm-arena-cursor') cursor = particleType(struct).cursor(heap);
  } else throw new Error(`particles: no ${peer} variant`);
  if (cursor) return makeCursorSystem(cursor, alloc, free);
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

/** The particle record: 20 bytes, the same fields and order as the allocator peers' blocks. */
const particleType = (struct) => struct({ x: 'f32', y: 'f32', vx: 'f32', vy: 'f32', life: 'f32' });

/** Particles in one SoA table: add() per spawn, remove() (swap with the last row) per retire. */
async function makeSoaSystem() {
  const { Heap, struct } = await loadWasmArena();
  const heap = new Heap({ initialBytes: 4 << 20 });
  const t = heap.soa(particleType(struct), CAP);
  let cols = t; // re-read the columns only when t.version says they moved (never here: CAP rows reserved)
  let version = t.version;
  const sys = {
    spawn(rng) {
      for (let s = 0; s < SPAWN; s++) {
        const r = t.add();
        if (t.version !== version) ((version = t.version), (cols = t));
        cols.x[r] = rng.float();
        cols.y[r] = rng.float();
        cols.vx[r] = rng.float() - 0.5;
        cols.vy[r] = rng.float() * 4;
        cols.life[r] = LIFE_MIN + (rng.next() % LIFE_SPAN);
      }
    },
    step() {
      const { x, y, vx, vy, life } = t;
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
    prime() {
      for (let k = 0; k < PRIME_STEPS; k++) {
        for (let life = 1; life <= 2; life++) {
          const r = t.add();
          t.x[r] = t.y[r] = t.vx[r] = t.vy[r] = 0.25;
          t.life[r] = life;
        }
        sys.step();
      }
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

/** Particles in heap blocks as the 'wasm-arena' peer, read and written through one cursor. */
function makeCursorSystem(c, alloc, free) {
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
    prime() {
      for (let k = 0; k < PRIME_STEPS; k++) {
        for (let life = 1; life <= 2; life++) {
          const p = alloc(PBYTES);
          c.at(p).x = c.y = c.vx = c.vy = 0.25;
          c.life = life;
          live[n] = p;
          n = n + 1;
        }
        sys.step();
      }
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
 * The bare update of UPDATE_N particles (gravity and motion; no spawn, no retire) in three
 * layouts, alternating repetitions: plain objects (made in one go, so as close together in
 * memory as V8 puts them: the objects' best case), SoA columns, and a cursor over records side by
 * side in one block. Returns ns per particle for each, per repetition.
 */
async function pairedUpdate(ctx) {
  const { Heap, struct } = await loadWasmArena();
  const heap = new Heap({ initialBytes: 4 << 20 });
  const P = particleType(struct);
  const rng = new Rng(11);
  const objs = [];
  const t = heap.soa(P, UPDATE_N);
  const base = heap.alloc(UPDATE_N * P.size, P.align);
  const c = P.cursor(heap);
  for (let i = 0; i < UPDATE_N; i++) {
    const v = [rng.float(), rng.float(), rng.float() - 0.5, rng.float() * 4, 100];
    objs.push(new Particle(...v));
    const r = t.add();
    [t.x[r], t.y[r], t.vx[r], t.vy[r], t.life[r]] = v;
    c.at(base + i * P.size);
    [c.x, c.y, c.vx, c.vy, c.life] = v;
  }
  const loops = {
    objects() {
      for (let i = 0; i < UPDATE_N; i++) {
        const p = objs[i];
        p.vy += G * DT;
        p.x += p.vx * DT;
        p.y += p.vy * DT;
      }
    },
    soa() {
      const { x, y, vx, vy } = t;
      const n = t.length;
      for (let i = 0; i < n; i++) {
        vy[i] += G * DT;
        x[i] += vx[i] * DT;
        y[i] += vy[i] * DT;
      }
    },
    cursor() {
      const size = P.size; // a property load per iteration otherwise (V8 does not fold it)
      for (let i = 0; i < UPDATE_N; i++) {
        c.at(base + i * size).vy += G * DT;
        c.x += c.vx * DT;
        c.y += c.vy * DT;
      }
    },
  };
  const names = Object.keys(loops);
  const warmEnd = performance.now() + ctx.warmMs;
  while (performance.now() < warmEnd) for (const k of names) loops[k]();
  // Passes per repetition: about ctx.repMs for the slowest loop.
  let passes = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < passes; i++) loops.objects();
    if (performance.now() - t0 > ctx.repMs / 4 || passes > 1e6) break;
    passes *= 2;
  }
  passes *= 4;
  const ns = Object.fromEntries(names.map((k) => [k, []]));
  const reps = [];
  for (let r = 0; r < ctx.reps; r++) {
    ctx.progress(`paired update rep ${r + 1}/${ctx.reps}`);
    for (const k of names) {
      const rep = timeRep(() => {
        for (let i = 0; i < passes; i++) loops[k]();
      }, passes * UPDATE_N);
      ns[k].push(rep.ns);
      reps.push(rep);
    }
  }
  return { ns, reps };
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
  const watch = new GcWatch();
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
  let paired = null;
  if (job.peer === 'wasm-arena-soa') paired = await pairedUpdate(ctx);
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
      ...(paired && {
        updateNsObjects: summarize(paired.ns.objects, 'ns'),
        updateNsSoa: summarize(paired.ns.soa, 'ns'),
        updateNsCursor: summarize(paired.ns.cursor, 'ns'),
        pairedSoaVsObjects: summarize(paired.ns.soa.map((x, i) => x / paired.ns.objects[i]), '×'),
        pairedCursorVsObjects: summarize(paired.ns.cursor.map((x, i) => x / paired.ns.objects[i]), '×'),
      }),
    },
    extra: {
      frames, spawnPerFrame: SPAWN, checksum: sys.checksum(), gcTimeline: mid.gcTimeline, timelineMs: mid.wallMs,
      ...(paired && { updateParticles: UPDATE_N, ...retryInfo(paired.reps) }),
    },
  };
}
