// Page side of the particles example: runs the simulation on requestAnimationFrame, shows heap
// stats and frame times, and switches between heap-backed and JS-object particle state.
// Frame-time percentiles leave out each mode's first WARMUP frames (JIT warm-up, first growth of
// the table): what they show is the steady state.
//
// URL parameters: ?seed=N (default 1), ?paused (start paused; the tests step frames by hand).

import { Heap } from '../../dist/index.js';
import { checkHeap, createHeapMeter } from '../common/heap-meter.js';
import { HeapFireworks, JsFireworks, fade } from './sim.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const seed = Number(params.get('seed') ?? 1);

const canvas = $('view');
const g = canvas.getContext('2d');
const { width, height } = canvas;
const image = g.createImageData(width, height);
const pixels = new Uint32Array(image.data.buffer);
pixels.fill(0xff000000);

// A fixed-size heap: 2 MiB that never grows. The particle table inside it grows by doubling;
// when it cannot, tryAdd returns -1 and the burst is skipped instead of stalling a frame.
const heap = new Heap({ initialBytes: 2 << 20, maximumBytes: 2 << 20 });
const meter = createHeapMeter($('meter'));

let mode = 'heap';
let sim = makeSim(mode);
let paused = params.has('paused');
let lastCheck = 'not run';

// Frame-time history: moving and plotting the particles (the part that differs between modes).
const HISTORY = 240;
const times = new Float64Array(HISTORY);
const timeModes = new Uint8Array(HISTORY); // 0 heap, 1 js: colour of each bar
const timeWarm = new Uint8Array(HISTORY); // 1: a warm-up frame, left out of the percentiles
const WARMUP = 60;
let timeIndex = 0;
let frames = 0;
let modeFrames = 0; // frames since the last mode switch

function makeSim(which) {
  const options = { width, height, seed };
  return which === 'heap' ? new HeapFireworks(heap, options) : new JsFireworks(options);
}

function setMode(which) {
  if (which === mode) return;
  sim.dispose();
  mode = which;
  sim = makeSim(which);
  modeFrames = 0;
  pixels.fill(0xff000000);
  for (const r of document.querySelectorAll('input[name=mode]')) r.checked = r.value === which;
}

/** Advance one frame; returns the simulation time in ms (the trail fade is not counted). */
function stepFrame() {
  fade(pixels);
  const t0 = performance.now();
  sim.step(pixels);
  const ms = performance.now() - t0;
  times[timeIndex] = ms;
  timeModes[timeIndex] = mode === 'heap' ? 0 : 1;
  timeWarm[timeIndex] = modeFrames++ < WARMUP ? 1 : 0;
  timeIndex = (timeIndex + 1) % HISTORY;
  frames++;
  return ms;
}

function draw() {
  g.putImageData(image, 0, 0);
  drawTimes();
  const steady = steadyTimes();
  const pct = (p) => (steady.length ? steady[Math.min(steady.length - 1, Math.floor(p * steady.length))].toFixed(2) + ' ms' : 'warming up');
  const jsHeap = performance.memory?.usedJSHeapSize;
  $('frame').innerHTML = [
    ['mode', mode === 'heap' ? 'wasm-arena heap (heap.soa)' : 'JS objects'],
    ['particles', sim.particles.toLocaleString('en')],
    ['bursts launched', String(sim.launched)],
    ['sim time p50', pct(0.5)],
    ['sim time p99', pct(0.99)],
    ['frames measured', `${steady.length} (first ${WARMUP} after a switch left out)`],
    ...(jsHeap ? [['JS heap', `${(jsHeap / (1 << 20)).toFixed(1)} MiB`]] : []),
  ]
    .map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`)
    .join('');
  $('heap-title').textContent = mode === 'heap' ? 'wasm-arena heap' : 'wasm-arena heap (unused in JS-object mode)';
  const t = sim.table;
  meter.update(heap.stats(), [
    ...(t ? [['table rows / capacity', `${t.length.toLocaleString('en')} / ${t.capacity.toLocaleString('en')}`], ['table version', String(t.version)]] : []),
    ['skipped (heap full)', String(sim.skipped ?? 0)],
    ['heap.check()', lastCheck, lastCheck !== 'ok'],
  ]);
}

/** This mode's frame times in the history after its warm-up, sorted. */
function steadyTimes() {
  const out = [];
  const cur = mode === 'heap' ? 0 : 1;
  for (let i = 0; i < Math.min(frames, HISTORY); i++) if (timeModes[i] === cur && !timeWarm[i]) out.push(times[i]);
  return out.sort((a, b) => a - b);
}

const tctx = $('times').getContext('2d');
function drawTimes() {
  const { width: w, height: h } = tctx.canvas;
  const scale = 8; // ms at the top of the chart
  tctx.fillStyle = '#05080b';
  tctx.fillRect(0, 0, w, h);
  tctx.strokeStyle = '#2a3542';
  tctx.fillStyle = '#8b98a5';
  tctx.font = '20px system-ui, sans-serif';
  for (const ms of [4, 8]) {
    const y = h - (ms / scale) * h;
    tctx.beginPath();
    tctx.moveTo(0, y + 0.5);
    tctx.lineTo(w, y + 0.5);
    tctx.stroke();
    tctx.fillText(`${ms} ms`, 6, y + 20);
  }
  const bw = w / HISTORY;
  for (let i = 0; i < HISTORY; i++) {
    const k = (timeIndex + i) % HISTORY;
    const bh = Math.min(h, (times[k] / scale) * h);
    tctx.fillStyle = timeWarm[k] ? '#4a5562' : timeModes[k] === 0 ? '#f0883e' : '#a371f7';
    tctx.fillRect(i * bw, h - bh, Math.max(1, bw - 0.5), bh);
  }
  // legend, right-aligned
  tctx.textAlign = 'right';
  tctx.fillStyle = '#a371f7';
  tctx.fillText('JS objects', w - 8, 24);
  const jsWidth = tctx.measureText('JS objects').width;
  tctx.fillStyle = '#f0883e';
  tctx.fillText('heap', w - 20 - jsWidth, 24);
  const heapWidth = tctx.measureText('heap').width;
  tctx.fillStyle = '#8b98a5';
  tctx.fillText('warm-up', w - 32 - jsWidth - heapWidth, 24);
  tctx.textAlign = 'left';
}

function runCheck() {
  lastCheck = checkHeap(heap);
  return lastCheck;
}

function loop() {
  if (!paused) {
    stepFrame();
    if (frames % 120 === 0) runCheck();
    draw();
  }
  requestAnimationFrame(loop);
}

for (const r of document.querySelectorAll('input[name=mode]')) r.onchange = () => setMode(r.value);
$('pause').onclick = () => {
  paused = !paused;
  $('pause').textContent = paused ? 'Resume' : 'Pause';
};
$('check').onclick = () => {
  runCheck();
  draw();
};
$('pause').textContent = paused ? 'Resume' : 'Pause';
$('status').textContent = `seed ${seed} · ${width}×${height} · crossOriginIsolated: ${crossOriginIsolated}`;
runCheck();
draw();
requestAnimationFrame(loop);

// Hooks for the end-to-end test and the console.
globalThis.particlesDemo = {
  heap,
  get sim() {
    return sim;
  },
  setMode,
  pause: (on = true) => ((paused = on), ($('pause').textContent = on ? 'Resume' : 'Pause')),
  /** Run `n` frames synchronously (simulation + drawing), then refresh the readout. */
  runFrames(n) {
    for (let i = 0; i < n; i++) stepFrame();
    draw();
    return { frames, particles: sim.particles, launched: sim.launched, skipped: sim.skipped };
  },
  check: runCheck,
  /** This mode's sim-time percentiles after warm-up, and how many frames they cover. */
  frameTimes() {
    const s = steadyTimes();
    const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return { measured: s.length, p50: at(0.5), p99: at(0.99) };
  },
};
