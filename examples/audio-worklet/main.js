// Page side of the AudioWorklet example: compile the wasm-arena module once, hand it to the
// processor in processorOptions (a WebAssembly.Module is structured-cloneable, and so is a
// shared WebAssembly.Memory), draw the output and show the audio thread's heap stats.

import { Heap } from '../../dist/index.js';
import '../../dist/shared.js'; // the shared-memory build (for the cross-origin isolated page)
import { createHeapMeter } from '../shared/heap-meter.js';
import { STATE } from './synth-params.js';

const $ = (id) => document.getElementById(id);
const meter = createHeapMeter($('meter'), 'The heap is made when the processor starts: press Play or Render.');
const canvas = $('scope');
const g = canvas.getContext('2d');
const status = (text) => ($('status').textContent = text);

// Cross-origin isolated (COOP/COEP, as `npm run examples` serves it): the heap goes in shared
// memory that both threads attach to, and the meter reads it directly — the audio thread posts
// nothing. Otherwise the processor has a heap of its own and posts its stats every 16 blocks.
const SHARED = globalThis.crossOriginIsolated === true;
const modulePromise = Heap.compile({ shared: SHARED }); // async here; the worklet instantiates synchronously
const PROCESSOR_URL = new URL('./processor.js', import.meta.url);
const HEAP_BYTES = 1 << 20;

let live = null; // { ctx, synth, analyser, raf }

/**
 * Create the processor node in `ctx`. Resolves once the processor has built its buffers, with
 * `stats()` for the meter (read from shared memory, or the processor's latest message).
 */
async function createSynth(ctx, statsEvery) {
  const module = await modulePromise;
  await ctx.audioWorklet.addModule(PROCESSOR_URL);
  const heap = SHARED ? Heap.fromModule(module, { initialBytes: HEAP_BYTES, maximumBytes: HEAP_BYTES }) : null;
  const node = new AudioWorkletNode(ctx, 'arena-synth', {
    numberOfInputs: 0,
    outputChannelCount: [2],
    processorOptions: { module, memory: heap?.memory, statsEvery: heap ? 0 : statsEvery },
  });
  let first = null; // stats right after the processor's constructor
  let last = null; // latest message (non-shared mode)
  let stateAddress = 0;
  const ready = new Promise((resolve) => {
    node.port.onmessage = ({ data }) => {
      if (data.type === 'ready') {
        first = data.stats;
        stateAddress = data.stateAddress;
        resolve();
      }
      last = data;
    };
  });
  node.port.postMessage({ type: 'cutoff', value: Number($('cutoff').value) });
  node.port.postMessage({ type: 'feedback', value: Number($('feedback').value) });
  await ready;

  /** Current numbers for the meter. */
  const read = () => {
    if (heap) {
      const state = stateAddress >>> 3; // Float64 index of the processor's state array
      return {
        stats: heap.stats(),
        blocks: heap.f64[state + STATE.blocks],
        samples: heap.f64[state + STATE.sample],
        sampleRate: ctx.sampleRate,
      };
    }
    return last;
  };
  /** Full heap walk: directly on a shared heap, else the processor runs it and replies. */
  const check = () => {
    if (heap) {
      try {
        heap.check();
        return Promise.resolve('ok');
      } catch (err) {
        return Promise.resolve(String(err));
      }
    }
    return new Promise((resolve) => {
      node.port.onmessage = ({ data }) => {
        last = data;
        if (data.check !== null) resolve(data.check);
      };
      node.port.postMessage({ type: 'stats', check: true });
    });
  };
  return { node, heap, read, check, first: () => first };
}

function showStats(synth, checked) {
  const now = synth.read();
  if (!now) return;
  const s = now.stats;
  const first = synth.first();
  meter.update(s, [
    ['blocks rendered', String(now.blocks)],
    ['audio time', `${(now.samples / now.sampleRate).toFixed(1)} s`],
    ['allocated since start', `${s.liveBlocks - first.liveBlocks} blocks, ${s.usedBytes - first.usedBytes} B`, true],
    ['meter reads', synth.heap ? 'shared memory' : 'postMessage'],
    ...(checked ? [['heap.check()', checked, checked !== 'ok']] : []),
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
  const synth = await createSynth(ctx, 16); // non-shared: stats every 16 blocks (~43 ms at 48 kHz)
  const analyser = new AnalyserNode(ctx, { fftSize: 2048 });
  const gain = new GainNode(ctx, { gain: 0.7 });
  synth.node.connect(gain).connect(ctx.destination);
  synth.node.connect(analyser);
  await ctx.resume();
  const buf = new Float32Array(analyser.fftSize);
  live = { ctx, synth, analyser, raf: 0 };
  const frame = () => {
    analyser.getFloatTimeDomainData(buf);
    drawWave(buf, `live output · ${ctx.sampleRate} Hz · ${ctx.state}`);
    showStats(synth);
    live.raf = requestAnimationFrame(frame);
  };
  frame();
  $('play').textContent = '■ Stop';
  status(`Playing: AudioContext ${ctx.sampleRate} Hz, base latency ${(ctx.baseLatency * 1000).toFixed(1)} ms. ` +
    `Heap ${SHARED ? 'shared with the page (cross-origin isolated)' : 'private to the audio thread (page not cross-origin isolated)'}.`);
}

/** Render `seconds` of the synth silently; resolves with the samples (used by the tests too). */
async function renderOffline(seconds = 4, sampleRate = 48000) {
  const ctx = new OfflineAudioContext(1, Math.round(seconds * sampleRate), sampleRate);
  const synth = await createSynth(ctx, 0);
  synth.node.connect(ctx.destination);
  const t0 = performance.now();
  const buffer = await ctx.startRendering();
  const ms = performance.now() - t0;
  const samples = buffer.getChannelData(0);
  const checked = await synth.check();
  drawWave(samples, `offline render · ${seconds} s in ${ms.toFixed(0)} ms`);
  showStats(synth, checked);
  status(`Rendered ${seconds} s at ${sampleRate} Hz in ${ms.toFixed(0)} ms (OfflineAudioContext). Deterministic: the same samples every time.`);
  return samples;
}

$('play').onclick = () => play().catch((err) => status(`Error: ${err}`));
$('render').onclick = () => renderOffline().catch((err) => status(`Error: ${err}`));
for (const [id, unit] of [['cutoff', ' Hz'], ['feedback', '']]) {
  $(id).oninput = () => {
    const value = Number($(id).value);
    $(`${id}-out`).textContent = value + unit;
    live?.synth.node.port.postMessage({ type: id, value });
  };
}

// Hooks for the end-to-end test and for poking around in the console.
globalThis.audioExample = { play, renderOffline, isPlaying: () => live !== null };
