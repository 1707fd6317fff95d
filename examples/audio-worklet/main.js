// Page side of the AudioWorklet example: compile the wasm-arena module once, hand it to the
// processor in processorOptions (a WebAssembly.Module is structured-cloneable), draw the
// output and show the heap stats the processor posts back.

import { Heap } from '../../dist/index.js';
import { createHeapMeter } from '../shared/heap-meter.js';

const $ = (id) => document.getElementById(id);
const meter = createHeapMeter($('meter'));
const canvas = $('scope');
const g = canvas.getContext('2d');
const status = (text) => ($('status').textContent = text);

const modulePromise = Heap.compile(); // main thread, async; the worklet instantiates it synchronously
const PROCESSOR_URL = new URL('./processor.js', import.meta.url);

let live = null; // { ctx, node, analyser, raf }
let first = null; // stats right after the processor's constructor

/** Create the processor node in `ctx` and wire its stats messages to the meter. */
async function createSynth(ctx, statsEvery) {
  const module = await modulePromise;
  await ctx.audioWorklet.addModule(PROCESSOR_URL);
  const node = new AudioWorkletNode(ctx, 'arena-synth', {
    numberOfInputs: 0,
    outputChannelCount: [2],
    processorOptions: { module, statsEvery },
  });
  first = null;
  node.port.onmessage = (e) => showStats(e.data);
  node.port.postMessage({ type: 'cutoff', value: Number($('cutoff').value) });
  node.port.postMessage({ type: 'feedback', value: Number($('feedback').value) });
  return node;
}

function showStats(msg) {
  const s = msg.stats;
  if (msg.type === 'ready' || first === null) first = s;
  const grown = s.liveBlocks - first.liveBlocks;
  const usedDelta = s.usedBytes - first.usedBytes;
  meter.update(s, [
    ['blocks rendered', String(msg.blocks)],
    ['audio time', `${(msg.samples / msg.sampleRate).toFixed(1)} s`],
    ['allocations since start', `${grown} blocks, ${usedDelta} B`, true],
    ...(msg.check ? [['heap.check()', msg.check, msg.check !== 'ok']] : []),
  ]);
}

function drawWave(samples, label) {
  const { width: w, height: h } = canvas;
  g.fillStyle = '#05080b';
  g.fillRect(0, 0, w, h);
  g.strokeStyle = '#1d2833';
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(0, h / 2);
  g.lineTo(w, h / 2);
  g.stroke();
  // min/max per pixel column, so long renders read as an envelope
  g.fillStyle = '#58a6ff';
  const per = samples.length / w;
  for (let x = 0; x < w; x++) {
    let lo = 1, hi = -1;
    const end = Math.min(samples.length, Math.ceil((x + 1) * per));
    for (let i = Math.floor(x * per); i < end; i++) {
      const v = samples[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi < lo) continue;
    const y0 = h / 2 - hi * h * 0.45;
    const y1 = h / 2 - lo * h * 0.45;
    g.fillRect(x, y0, 1, Math.max(2, y1 - y0));
  }
  g.fillStyle = '#8b98a5';
  g.font = '26px system-ui, sans-serif';
  g.fillText(label, 16, 36);
}

async function play() {
  if (live) {
    cancelAnimationFrame(live.raf);
    await live.ctx.close();
    live = null;
    $('play').textContent = '▶ Play';
    status('Stopped.');
    return;
  }
  const ctx = new AudioContext({ latencyHint: 'interactive' });
  const node = await createSynth(ctx, 16); // stats ~ every 43 ms at 48 kHz
  const analyser = new AnalyserNode(ctx, { fftSize: 2048 });
  const gain = new GainNode(ctx, { gain: 0.7 });
  node.connect(gain).connect(ctx.destination);
  node.connect(analyser);
  await ctx.resume();
  const buf = new Float32Array(analyser.fftSize);
  live = { ctx, node, analyser, raf: 0 };
  const frame = () => {
    analyser.getFloatTimeDomainData(buf);
    drawWave(buf, `live output · ${ctx.sampleRate} Hz · ${ctx.state}`);
    live.raf = requestAnimationFrame(frame);
  };
  frame();
  $('play').textContent = '■ Stop';
  status(`Playing: AudioContext ${ctx.sampleRate} Hz, base latency ${(ctx.baseLatency * 1000).toFixed(1)} ms. crossOriginIsolated: ${crossOriginIsolated}.`);
}

/** Render `seconds` of the synth silently; resolves with the samples (used by the tests too). */
async function renderOffline(seconds = 4, sampleRate = 48000) {
  const ctx = new OfflineAudioContext(1, Math.round(seconds * sampleRate), sampleRate);
  const node = await createSynth(ctx, 0);
  node.connect(ctx.destination);
  const t0 = performance.now();
  const buffer = await ctx.startRendering();
  const ms = performance.now() - t0;
  const samples = buffer.getChannelData(0);
  node.port.postMessage({ type: 'stats', check: true });
  drawWave(samples, `offline render · ${seconds} s in ${ms.toFixed(0)} ms`);
  status(`Rendered ${seconds} s at ${sampleRate} Hz in ${ms.toFixed(0)} ms (OfflineAudioContext). Deterministic: the same samples every time.`);
  return samples;
}

$('play').onclick = () => play().catch((err) => status(`Error: ${err}`));
$('render').onclick = () => renderOffline().catch((err) => status(`Error: ${err}`));
for (const [id, unit] of [['cutoff', ' Hz'], ['feedback', '']]) {
  $(id).oninput = () => {
    const value = Number($(id).value);
    $(`${id}-out`).textContent = value + unit;
    live?.node.port.postMessage({ type: id, value });
  };
}

// Hooks for the end-to-end test and for poking around in the console.
globalThis.audioExample = { play, renderOffline, isPlaying: () => live !== null };
