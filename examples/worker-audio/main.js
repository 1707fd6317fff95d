// Page side of the Worker → ring → AudioWorklet example. It makes the heap and the ring, hands
// { module, memory, address } to both threads (ring.share() checks first that this page can post
// shared memory at all), and then only reads: fill level, counters and heap stats, straight from
// shared memory, once per animation frame.

import { Heap } from '../../dist/index.js';
import '../../dist/shared.js'; // the shared-memory build
import { createHeapMeter } from '../common/heap-meter.js';

const $ = (id) => document.getElementById(id);
const status = (text, bad = false) => {
  $('status').textContent = text;
  $('status').classList.toggle('bad', bad);
};
const meter = createHeapMeter($('meter'), 'The heap is made when you press Play.');
const canvas = $('history');
const g = canvas.getContext('2d');

const CAPACITY = 8192; // frames per channel: 171 ms at 48 kHz
const TARGET = 4096; // the Worker keeps the ring this full: 85 ms of latency at 48 kHz
const HEAP_BYTES = 1 << 20;

let live = null; // { ctx, heap, ring, node, worker, raf, history, first }

async function start() {
  const module = await Heap.compile({ shared: true });
  // Fixed size: nothing here grows memory while the other threads run.
  const heap = Heap.fromModule(module, { initialBytes: HEAP_BYTES, maximumBytes: HEAP_BYTES });
  const ring = heap.ring(Float32Array, CAPACITY, { channels: 2 });
  let handle;
  try {
    handle = ring.share(); // throws a TypeError that says what to do on a page that is not cross-origin isolated
  } catch (err) {
    ring.dispose();
    throw err;
  }
  const ctx = new AudioContext({ latencyHint: 'interactive' });
  // One thread attaches at a time (attaching walks the heap). The Worker goes first and fills the
  // ring; then the worklet attaches, and starts pulling once it is connected.
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  await new Promise((resolve, reject) => {
    worker.onmessage = resolve;
    worker.onerror = (e) => reject(new Error(`worker: ${e.message}`));
    worker.postMessage({ type: 'start', module, ...handle, sampleRate: ctx.sampleRate, target: TARGET });
  });
  await ctx.audioWorklet.addModule(new URL('./processor.js', import.meta.url));
  const node = new AudioWorkletNode(ctx, 'ring-player', {
    numberOfInputs: 0,
    outputChannelCount: [2],
    processorOptions: { module, ...handle },
  });
  await new Promise((resolve) => (node.port.onmessage = resolve));
  node.connect(ctx.destination);
  await ctx.resume();
  return { ctx, heap, ring, node, worker, raf: 0, history: [], first: heap.stats() };
}

function show() {
  const { ring, heap, ctx, history } = live;
  const fill = ring.availableRead();
  history.push(fill);
  if (history.length > 600) history.shift();
  const sr = ctx.sampleRate;
  document.querySelector('.fill .level').style.width = `${(100 * fill) / ring.capacity}%`;
  document.querySelector('.fill .target').style.left = `calc(${(100 * TARGET) / ring.capacity}% - 1px)`;
  const rows = [
    ['buffered', `${fill} frames (${((1000 * fill) / sr).toFixed(1)} ms)`],
    ['capacity', `${ring.capacity} frames × ${ring.channels} channels`],
    ['underruns', `${ring.underruns} (${ring.underrunFrames} frames of silence)`, ring.underruns > 0],
    ['overruns', String(ring.overruns)],
    ['audio time', `${ctx.currentTime.toFixed(1)} s`],
  ];
  $('ring').innerHTML = rows.map(([k, v, hl]) => `<dt>${k}</dt><dd${hl ? ' class="hl"' : ''}>${v}</dd>`).join('');
  const s = heap.stats();
  meter.update(s, [
    ['ring block', `${ring.capacity * ring.channels * 4 + 192} B at 0x${ring.address.toString(16)}`],
    ['allocated since start', `${s.liveBlocks - live.first.liveBlocks} blocks, ${s.usedBytes - live.first.usedBytes} B`, true],
  ]);
  draw(history, ring.capacity);
  live.raf = requestAnimationFrame(show);
}

function draw(history, capacity) {
  const { width: w, height: h } = canvas;
  g.fillStyle = '#05080b';
  g.fillRect(0, 0, w, h);
  const y = (frames) => h - 20 - ((h - 40) * frames) / capacity;
  g.strokeStyle = '#ffd33d55';
  g.setLineDash([8, 8]);
  g.beginPath();
  g.moveTo(0, y(TARGET));
  g.lineTo(w, y(TARGET));
  g.stroke();
  g.setLineDash([]);
  g.strokeStyle = '#58a6ff';
  g.lineWidth = 3;
  g.beginPath();
  history.forEach((f, i) => (i ? g.lineTo : g.moveTo).call(g, (i * w) / 600, y(f)));
  g.stroke();
  g.fillStyle = '#8b98a5';
  g.font = '26px system-ui, sans-serif';
  g.fillText('frames in the ring (dashed: the Worker\'s target); the last 10 s', 16, 36);
  g.textAlign = 'right';
  g.fillText(`${capacity} (full)`, w - 12, y(capacity) + 24);
  g.fillText('0 (empty: silence)', w - 12, y(0) - 8);
  g.textAlign = 'left';
}

async function play() {
  if (live) {
    cancelAnimationFrame(live.raf);
    live.worker.terminate();
    await live.ctx.close();
    live.ring.dispose(); // both other threads are gone
    live = null;
    $('play').textContent = '▶ Play';
    $('stall').disabled = true;
    status('Stopped.');
    return;
  }
  $('play').disabled = true;
  try {
    live = await start();
    $('play').textContent = '■ Stop';
    $('stall').disabled = false;
    status('Playing: the Worker renders, the worklet pops one quantum per process() call.');
    show();
  } catch (err) {
    status(`${err.name}: ${err.message}`, true);
  } finally {
    $('play').disabled = false;
  }
}

$('play').onclick = play;
$('stall').onclick = () => {
  live?.worker.postMessage({ type: 'stall', ms: 300 });
  status('The Worker stalls for 300 ms: the ring drains, then the worklet plays silence and counts underruns.');
};
if (!globalThis.crossOriginIsolated) {
  status('This page is not cross-origin isolated: Play will say why it cannot share memory with a Worker and a worklet.', true);
}

// Test hook (test/ring-example.e2e.browser.test.ts).
globalThis.workerAudio = {
  play,
  state: () =>
    live && {
      fill: live.ring.availableRead(),
      underruns: live.ring.underruns,
      overruns: live.ring.overruns,
      seconds: live.ctx.currentTime,
      stats: live.heap.stats(),
      first: live.first,
    },
  check() {
    try {
      live.heap.check();
      return 'ok';
    } catch (err) {
      return String(err);
    }
  },
};
