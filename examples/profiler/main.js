// Page side of the profiler example: the particles simulation (../particles/sim.js) on a profile
// heap, plus three allocation patterns around it so that the map has something to show: burst
// records (heap blocks that live for a while), sparks (a pool), and a per-frame scratch arena.
// The heap map, the timeline and the report refresh on timers; the leak toggle makes the burst
// records leak now and then, for heap.leaks(snapshot) to find.
//
// URL parameters: ?seed=N (default 1), ?paused (start paused; the tests step frames by hand).

import { Heap } from '../../dist/index.js';
import '../../dist/profile.js';
import { HeapFireworks, fade } from '../particles/sim.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const seed = Number(params.get('seed') ?? 1);

const canvas = $('view');
const g = canvas.getContext('2d');
const { width, height } = canvas;
const image = g.createImageData(width, height);
const pixels = new Uint32Array(image.data.buffer);
pixels.fill(0xff000000);

// A heap that starts small and grows, so that the timeline shows growths.
const heap = new Heap({ profile: true, initialBytes: 256 << 10, maximumBytes: 32 << 20 });
// Call stacks of about one allocation per 4 KiB allocated, for leaks() by call site.
heap.sampleCallSites(4096);

heap.tag('particles');
const sim = new HeapFireworks(heap, { width, height, seed });
heap.tag('frame scratch');
const scratch = heap.arena(24 << 10);
heap.tag('sparks');
const sparks = heap.pool(40, { capacity: 128 });
heap.tag(null);

const BURST_LIFE = 150; // frames a burst record lives
const bursts = []; // [address, frame to free it at]
const live = []; // [spark address, frame to free it at]
let leaking = false;
let leaked = 0;
let paused = params.has('paused');
let launched = 0;
let frames = 0;
let snapshot = null;

/** A burst's record: its parameters and a trail buffer, in the heap (tag 'bursts'). */
function rememberBurst(n) {
  const previous = heap.tag('bursts');
  const p = heap.alloc(64 + 2 * n);
  heap.tag(previous);
  heap.u32[p >>> 2] = n;
  return p;
}

function stepFrame() {
  fade(pixels);
  heap.tag('particles'); // the table grows (a new block) while bursts are added
  sim.step(pixels);
  if (sim.launched !== launched) {
    launched = sim.launched;
    const p = rememberBurst(sim.next.n);
    // The leak: with the toggle on, every third record is dropped without heap.free().
    if (leaking && launched % 3 === 0) leaked++;
    else bursts.push([p, frames + BURST_LIFE]);
  }
  while (bursts.length && bursts[0][1] <= frames) heap.free(bursts.shift()[0]);
  // Sparks: a few pool blocks per frame, each freed 40 frames later.
  heap.tag('sparks');
  for (let i = 0; i < 3; i++) {
    const s = sparks.tryAlloc();
    if (s !== 0) live.push([s, frames + 40]);
  }
  while (live.length && live[0][1] <= frames) sparks.free(live.shift()[0]);
  // Scratch: per-frame temporaries from the arena, all dropped at once.
  scratch.reset();
  const hist = scratch.allocArray(Uint32Array, 64);
  hist.fill(0);
  heap.tag(null);
  frames++;
}

function drawCanvas() {
  g.putImageData(image, 0, 0);
}

function refreshReport() {
  $('report').textContent = String(heap.report());
  $('status').textContent = `seed ${seed} · frame ${frames} · ${sim.particles.toLocaleString('en')} particles · ` +
    `${leaked} burst records leaked · heap ${(heap.memory.buffer.byteLength / 1024).toFixed(0)} KiB (grew ${heap.generation}×)`;
}

function refreshMap() {
  $('map').innerHTML = heap.heapMap({ columns: 128, maxRows: 48, cellSize: 6 });
}

function refreshTimeline() {
  $('timeline').innerHTML = heap.timeline().toSVG({ width: 868, height: 220 });
}

function refreshAll() {
  heap.sample();
  refreshReport();
  refreshMap();
  refreshTimeline();
}

function takeSnapshot() {
  snapshot = heap.snapshot();
  $('leakReport').textContent = `snapshot taken at frame ${frames}; let it run, then ask for the leaks`;
}

function showLeaks() {
  if (!snapshot) takeSnapshot();
  // Records and sparks still within their lifetime are live too: the leak is what keeps growing.
  $('leakReport').textContent = String(heap.leaks(snapshot));
}

function loop() {
  if (!paused) {
    stepFrame();
    drawCanvas();
  }
  requestAnimationFrame(loop);
}

$('pause').onclick = () => {
  paused = !paused;
  $('pause').textContent = paused ? 'Resume' : 'Pause';
};
$('leak').onchange = (e) => (leaking = e.target.checked);
$('snap').onclick = takeSnapshot;
$('leaks').onclick = showLeaks;
$('pause').textContent = paused ? 'Resume' : 'Pause';

// Timeline samples four times a second; the pictures and the report twice a second.
setInterval(() => paused || heap.sample(), 250);
setInterval(() => paused || (refreshReport(), refreshMap(), refreshTimeline()), 500);
refreshAll();
drawCanvas();
requestAnimationFrame(loop);

// Hooks for the end-to-end test and the console.
globalThis.profilerDemo = {
  heap,
  sim,
  /** Run `n` frames synchronously, sampling the timeline every 10, then refresh everything. */
  runFrames(n) {
    for (let i = 0; i < n; i++) {
      stepFrame();
      if (frames % 10 === 0) heap.sample();
    }
    drawCanvas();
    refreshAll();
    return { frames, particles: sim.particles, launched: sim.launched, leaked, generation: heap.generation };
  },
  setLeak(on) {
    leaking = on;
    $('leak').checked = on;
  },
  snapshot: takeSnapshot,
  leaks() {
    showLeaks();
    return heap.leaks(snapshot);
  },
  check() {
    heap.check();
    return 'ok';
  },
};
