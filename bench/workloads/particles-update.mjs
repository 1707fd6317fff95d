// The particles workload's update rows (particles.mjs runs them after its frames): UPDATE_N
// particles each moved once per pass (gravity and motion: three loads, three stores; nothing
// spawned or retired, nothing allocated), in the layout of the job's peer:
//
//   js-gc               plain JS objects (class Particle), made in one go with nothing else
//                       allocated in between, so they lie packed in allocation order: their best case
//   js-prealloc         one Float32Array per field
//   wasm-arena          records side by side in one heap block, through heap.f32 by hand
//   wasm-arena-soa      heap.soa columns (taken once per pass, as a hot loop does)
//   wasm-arena-cursor   the same records as wasm-arena, through one cursor: c.at(base + i * size)
//
// wasm-arena's three jobs also move the same particles as plain objects in the same process,
// alternating repetition by repetition with their own layout (lib/timing.mjs `alternate`): the
// median of the per-repetition ratios is 'vs:js-gc', which the struct targets read. Same-process
// pairs see the same machine load; separate processes seconds apart do not.
//
// The update heap is fixed-size, like the frame heap: nothing in a wasm-arena job can detach a
// buffer (particles.mjs says why that matters).

import { env } from '../lib/env.mjs';
import { makeHeap } from '../lib/peers.mjs';
import { Rng } from '../lib/prng.mjs';
import { summarize } from '../lib/stats.mjs';
import { calibrate, alternate, pairedMetrics, retryInfo } from '../lib/timing.mjs';

export const UPDATE_N = 10_000;
const FIELDS = 5; // x, y, vx, vy, life
const DT = 1 / 60;
const G = -9.81;
const REPS = 5; // paired repetitions per job at least (a long workload's ctx.reps is 1–3)
const WARM_PASSES = 50; // and ctx.warmMs, whichever lasts longer
const PRIME_CALLS = 5000; // short passes of PRIME_COUNT particles before the first whole one
const PRIME_COUNT = 16;

export class Particle {
  constructor(x, y, vx, vy, life) {
    this.x = x;
    this.y = y;
    this.vx = vx;
    this.vy = vy;
    this.life = life;
  }
}

let type = null;
/** The particle record: 20 bytes, the fields and order of the allocator peers' blocks. */
export const particleType = (struct) => (type ??= struct({ x: 'f32', y: 'f32', vx: 'f32', vy: 'f32', life: 'f32' }));

/** The starting values, FIELDS per particle, the same for every layout. */
function initialValues() {
  const rng = new Rng(11);
  const v = new Float64Array(UPDATE_N * FIELDS);
  for (let i = 0; i < v.length; i += FIELDS) {
    v[i] = rng.float();
    v[i + 1] = rng.float();
    v[i + 2] = rng.float() - 0.5;
    v[i + 3] = rng.float() * 4;
    v[i + 4] = 100;
  }
  return v;
}

/** Plain objects: `pass(count)` moves the first `count` once. */
function objects(v) {
  // A pre-sized array, so that no backing store is re-allocated between the objects; then a
  // packed copy (a holey array costs a hole check per read).
  const made = new Array(UPDATE_N);
  for (let i = 0; i < UPDATE_N; i++) {
    const k = i * FIELDS;
    made[i] = new Particle(v[k], v[k + 1], v[k + 2], v[k + 3], v[k + 4]);
  }
  const objs = [...made];
  return (count) => {
    for (let i = 0; i < count; i++) {
      const p = objs[i];
      p.vy += G * DT;
      p.x += p.vx * DT;
      p.y += p.vy * DT;
    }
  };
}

/** One Float32Array per field (JS preallocated). */
function columns(v) {
  const column = (f) => Float32Array.from({ length: UPDATE_N }, (_, i) => v[i * FIELDS + f]);
  const [x, y, vx, vy] = [0, 1, 2, 3].map(column); // (life: the update does not touch it)
  return (count) => {
    for (let i = 0; i < count; i++) {
      vy[i] += G * DT;
      x[i] += vx[i] * DT;
      y[i] += vy[i] * DT;
    }
  };
}

/** wasm-arena's layouts over one fixed-size heap. */
async function inHeap(peer, v) {
  const { struct } = await env.loadWasmArena();
  const P = particleType(struct);
  const heap = await makeHeap(1 << 20, { fixed: true });
  if (peer === 'wasm-arena-soa') {
    const t = heap.soa(P, UPDATE_N);
    const cols = [t.x, t.y, t.vx, t.vy, t.life];
    for (let i = 0; i < UPDATE_N; i++) {
      const r = t.add();
      for (let f = 0; f < FIELDS; f++) cols[f][r] = v[i * FIELDS + f];
    }
    return (count) => {
      const { x, y, vx, vy } = t;
      for (let i = 0; i < count; i++) {
        vy[i] += G * DT;
        x[i] += vx[i] * DT;
        y[i] += vy[i] * DT;
      }
    };
  }
  // Records side by side in one block (the cursor's and the hand-indexed layout alike).
  const base = heap.alloc(UPDATE_N * P.size, P.align);
  heap.f32.set(Float32Array.from(v), base >>> 2);
  if (peer === 'wasm-arena-cursor') {
    const c = P.cursor(heap);
    const size = P.size; // a property load per iteration otherwise
    return (count) => {
      for (let i = 0; i < count; i++) {
        c.at(base + i * size).vy += G * DT;
        c.x += c.vx * DT;
        c.y += c.vy * DT;
      }
    };
  }
  return (count) => {
    const f = heap.f32;
    for (let i = 0; i < count; i++) {
      const o = (base >>> 2) + i * FIELDS;
      f[o + 3] += G * DT;
      f[o] += f[o + 2] * DT;
      f[o + 1] += f[o + 3] * DT;
    }
  };
}

/** The pass of a peer's layout, or null where the row shows nothing. */
async function layoutOf(peer, v) {
  switch (peer) {
    case 'js-gc':
      return objects(v);
    case 'js-prealloc':
      return columns(v);
    case 'wasm-arena':
    case 'wasm-arena-soa':
    case 'wasm-arena-cursor':
      return inHeap(peer, v);
    default:
      return null; // js-pool moves the same objects as js-gc; AS TLSF's memory has grown (detached)
  }
}

/** A timing runner (lib/timing.mjs) over whole passes: step(n) moves n particles, n a multiple of UPDATE_N. */
const runner = (pass) => ({
  step(n) {
    for (let k = Math.max(1, Math.round(n / UPDATE_N)); k > 0; k--) pass(UPDATE_N);
  },
});

/**
 * Times the update in `peer`'s layout, paired with plain objects for wasm-arena's jobs:
 * { metrics: { updateNs, 'vs:js-gc'? }, extra } or null when the peer has no update row.
 */
export async function measureUpdate(peer, ctx) {
  const v = initialValues();
  const mine = await layoutOf(peer, v);
  if (!mine) return null;
  const partners = peer.startsWith('wasm-arena') ? ['js-gc'] : [];
  const passes = [mine, ...partners.map(() => objects(v))];
  // Short passes first, so that each loop is optimised as a function called many times, as a
  // frame's update is, rather than on the stack in its first long pass (on-stack replacement):
  // code optimised that way ran some processes at half speed, the same loop in the same engine.
  for (const pass of passes) for (let k = 0; k < PRIME_CALLS; k++) pass(PRIME_COUNT);
  const runners = passes.map(runner);
  const end = performance.now() + ctx.warmMs;
  for (let k = 0; k < WARM_PASSES || performance.now() < end; k++) for (const r of runners) r.step(UPDATE_N);
  const n = calibrate(runners[0], ctx.repMs, UPDATE_N);
  const reps = alternate(runners, n, { ...ctx, reps: Math.max(ctx.reps, REPS) }, 'update ');
  const metrics = pairedMetrics(reps, partners, 'updateNs');
  if (partners.length) metrics.objectsNs = summarize(reps[1].map((r) => r.ns), 'ns'); // for the targets' lines
  return { metrics, extra: { updateParticles: UPDATE_N, updatePassesPerRep: n / UPDATE_N, ...retryInfo(reps.flat()) } };
}
