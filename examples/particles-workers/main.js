// Page side of the particles-workers example: one shared heap, two threads. The page allocates
// a Launch record for each burst and hands its address to the simulation Worker, which adds the
// particles and frees the record; the Worker steps the particles in a struct-of-arrays table
// while the page draws them from the same columns. Nothing is copied or posted per frame: the
// threads meet in the heap (a Link record, see link.js).
//
// URL parameters: ?seed=N (default 1), ?paused (start paused; the tests step frames by hand).

import { Heap } from '../../dist/index.js';
import '../../dist/shared.js';
import { checkHeap, createHeapMeter } from '../common/heap-meter.js';
import { Launch, fade, nextBurst, rng } from '../particles/sim.js';
import { Link, RING, word } from './link.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const seed = Number(params.get('seed') ?? 1);
const LAUNCH_EVERY = 5;

const canvas = $('view');
const g = canvas.getContext('2d');
const { width, height } = canvas;
const image = g.createImageData(width, height);
const pixels = new Uint32Array(image.data.buffer);
pixels.fill(0xff000000);
const meter = createHeapMeter($('meter'));

if (!crossOriginIsolated) {
  $('status').textContent = 'This page needs cross-origin isolation (COOP/COEP) for shared memory: serve it with `npm run examples`.';
  throw new Error('not cross-origin isolated');
}

// A fixed-size shared heap (8 MiB): views never go stale, and neither thread ever waits for growth.
const module = await Heap.compile({ shared: true });
const heap = Heap.fromModule(module, { initialBytes: 8 << 20, maximumBytes: 8 << 20 });
const link = heap.calloc(Link.size, Link.align);
const i32 = heap.i32;
const u32 = heap.u32;
const f32 = heap.f32;
const launch = Launch.cursor(heap);
const random = rng(seed + 1000);

const worker = new Worker(new URL('./sim-worker.js', import.meta.url), { type: 'module' });
await new Promise((resolve, reject) => {
  worker.onmessage = resolve;
  worker.onerror = (e) => reject(new Error(`simulation worker: ${e.message}`));
  worker.postMessage({ module, memory: heap.memory, link, seed, width, height });
});

let paused = params.has('paused');
let frames = 0;
let allocated = 0; // Launch records this page allocated
let drawMs = 0;
let lastCheck = 'not run';

/** Every LAUNCH_EVERY frames: a burst, as a Launch record the Worker will free. */
function maybeLaunch() {
  if (frames % LAUNCH_EVERY !== 0) return;
  const tail = i32[word(link, 'tail')];
  if (tail - Atomics.load(i32, word(link, 'head')) >= RING) return; // the Worker is behind
  const p = heap.alloc(Launch.size, Launch.align);
  nextBurst(random, width, height, launch.at(p)); // written through a cursor on the record
  u32[word(link, 'ring') + (tail % RING)] = p;
  Atomics.store(i32, word(link, 'tail'), tail + 1); // publishes the record to the Worker
  allocated++;
}

/** Asks the Worker for one more frame (it runs while this thread draws the previous one). */
function requestFrame() {
  maybeLaunch();
  Atomics.add(i32, word(link, 'wanted'), 1);
  Atomics.notify(i32, word(link, 'wanted'));
  frames++;
}

/** Plots the particles the Worker's last frame left, reading its columns in place. */
function draw() {
  const t0 = performance.now();
  fade(pixels);
  const n = Atomics.load(i32, word(link, 'live'));
  const xw = u32[word(link, 'x')] >>> 2;
  const yw = u32[word(link, 'y')] >>> 2;
  const cw = u32[word(link, 'color')] >>> 2;
  for (let i = 0; i < n; i++) {
    const xi = f32[xw + i] | 0;
    const yi = f32[yw + i] | 0;
    if (xi >= 0 && xi < width - 1 && yi >= 0 && yi < height - 1) {
      const k = yi * width + xi;
      pixels[k] = pixels[k + 1] = pixels[k + width] = pixels[k + width + 1] = u32[cw + i];
    }
  }
  g.putImageData(image, 0, 0);
  drawMs = performance.now() - t0;
  readout();
}

function counters() {
  return {
    frames,
    done: Atomics.load(i32, word(link, 'done')),
    particles: Atomics.load(i32, word(link, 'live')),
    allocatedByPage: allocated,
    freedByWorker: Atomics.load(i32, word(link, 'freed')),
    skipped: Atomics.load(i32, word(link, 'skipped')),
  };
}

function readout() {
  const c = counters();
  $('threads').innerHTML = [
    ['page: frames asked', String(c.frames)],
    ['Worker: frames simulated', String(c.done)],
    ['particles (Worker’s table)', c.particles.toLocaleString('en')],
    ['Worker sim time, last frame', `${f32[word(link, 'simMs')].toFixed(2)} ms`],
    ['page draw time, last frame', `${drawMs.toFixed(2)} ms`],
    ['bursts: records allocated by the page', String(c.allocatedByPage)],
    ['bursts: records freed by the Worker', String(c.freedByWorker)],
    ['bursts skipped (table full)', String(c.skipped)],
  ]
    .map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`)
    .join('');
  meter.update(heap.stats(), [['heap.check() (page, while the Worker runs)', lastCheck, lastCheck !== 'ok']]);
}

function runCheck() {
  lastCheck = checkHeap(heap); // takes the heap's lock: safe while the Worker allocates and frees
  return lastCheck;
}

function loop() {
  if (!paused) {
    requestFrame();
    draw();
    if (frames % 120 === 0) runCheck();
  }
  requestAnimationFrame(loop);
}

/** Resolves once the Worker has finished every frame asked for (this thread may not block). */
async function settled() {
  const done = word(link, 'done');
  for (;;) {
    const have = Atomics.load(i32, done);
    if (have === Atomics.load(i32, word(link, 'wanted'))) return;
    if (Atomics.waitAsync) await Atomics.waitAsync(i32, done, have, 100).value;
    else await new Promise((r) => setTimeout(r, 1));
  }
}

$('pause').onclick = () => {
  paused = !paused;
  $('pause').textContent = paused ? 'Resume' : 'Pause';
};
$('check').onclick = () => {
  runCheck();
  readout();
};
$('pause').textContent = paused ? 'Resume' : 'Pause';
$('status').textContent = `seed ${seed} · ${width}×${height} · simulated by a Worker, drawn by the page, one shared heap`;
runCheck();
readout();
requestAnimationFrame(loop);

// Hooks for the end-to-end test and the console.
globalThis.particlesWorkers = {
  heap,
  counters,
  check: runCheck,
  pause: (on = true) => ((paused = on), ($('pause').textContent = on ? 'Resume' : 'Pause')),
  /** Runs `n` frames in lockstep (ask, wait for the Worker, draw) and returns the counters. */
  async runFrames(n) {
    for (let i = 0; i < n; i++) {
      requestFrame();
      await settled();
      draw();
    }
    return counters();
  },
};
