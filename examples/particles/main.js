// Page side of the particles example: runs the simulation on requestAnimationFrame, shows heap
// stats and frame times, and switches between heap-backed and JS-object particle state.
//
// URL parameters: ?seed=N (default 1), ?paused (start paused; the tests step frames by hand).

import { Heap } from '../../dist/index.js';
import { createHeapMeter } from '../shared/heap-meter.js';
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

// A fixed-size heap: 1 MiB that never grows. When a burst does not fit, tryAlloc returns 0 and
// the burst is skipped instead of stalling a frame.
const heap = new Heap({ initialBytes: 1 << 20, maximumBytes: 1 << 20 });
const meter = createHeapMeter($('meter'));

let mode = 'heap';
let sim = makeSim(mode);
let paused = params.has('paused');
let lastCheck = 'not run';

// Frame-time history: moving and plotting the particles (the part that differs between modes).
const HISTORY = 240;
const times = new Float64Array(HISTORY);
const timeModes = new Uint8Array(HISTORY); // 0 heap, 1 js: colour of each bar
let timeIndex = 0;
let frames = 0;

function makeSim(which) {
  const options = { width, height, seed };
  return which === 'heap' ? new HeapFireworks(heap, options) : new JsFireworks(options);
}

function setMode(which) {
  if (which === mode) return;
  sim.dispose();
  mode = which;
  sim = makeSim(which);
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
  timeIndex = (timeIndex + 1) % HISTORY;
  frames++;
  return ms;
}

function draw() {
  g.putImageData(image, 0, 0);
  drawTimes();
  const sorted = Array.from(times).sort((a, b) => a - b);
  const filled = Math.min(frames, HISTORY);
  const recent = sorted.slice(HISTORY - filled);
  const pct = (p) => (filled ? recent[Math.min(filled - 1, Math.floor(p * filled))] : 0);
  const jsHeap = performance.memory?.usedJSHeapSize;
  $('frame').innerHTML = [
    ['mode', mode === 'heap' ? 'wasm-arena heap' : 'JS objects'],
    ['particles', sim.particles.toLocaleString('en')],
    ['bursts live / total', `${sim.bursts} / ${sim.launched}`],
    ['sim time p50', `${pct(0.5).toFixed(2)} ms`],
    ['sim time p99', `${pct(0.99).toFixed(2)} ms`],
    ...(jsHeap ? [['JS heap', `${(jsHeap / (1 << 20)).toFixed(1)} MiB`]] : []),
  ]
    .map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`)
    .join('');
  $('heap-title').textContent = mode === 'heap' ? 'wasm-arena heap' : 'wasm-arena heap (unused in JS-object mode)';
  meter.update(heap.stats(), [
    ['skipped (heap full)', String(sim.skipped ?? 0)],
    ['heap.check()', lastCheck, lastCheck !== 'ok'],
  ]);
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
    tctx.fillStyle = timeModes[k] === 0 ? '#f0883e' : '#a371f7';
    tctx.fillRect(i * bw, h - bh, Math.max(1, bw - 0.5), bh);
  }
  // legend, right-aligned
  tctx.textAlign = 'right';
  tctx.fillStyle = '#a371f7';
  tctx.fillText('JS objects', w - 8, 24);
  const jsWidth = tctx.measureText('JS objects').width;
  tctx.fillStyle = '#f0883e';
  tctx.fillText('heap', w - 20 - jsWidth, 24);
  tctx.textAlign = 'left';
}

function runCheck() {
  try {
    heap.check();
    lastCheck = 'ok';
  } catch (err) {
    lastCheck = String(err.message ?? err);
  }
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
    return { frames, particles: sim.particles, bursts: sim.bursts, launched: sim.launched, skipped: sim.skipped };
  },
  check: runCheck,
};
