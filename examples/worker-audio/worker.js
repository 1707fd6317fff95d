// The producer: renders a slow stereo arpeggio straight into the ring's planes (the zero-copy
// calls: beginWrite gives index ranges into heap.f32, commitWrite publishes them) and keeps the
// ring filled to a target level, checking every 5 ms. It never waits on the audio thread and the
// audio thread never waits on it: when the ring is full it renders nothing, when it is late the
// worklet plays silence and counts an underrun. A 'stall' message stops it for a while, to show
// exactly that.

import { Heap, Ring } from '../../dist/index.js';

let heap, ring, rate, target, stalledUntil = 0;
let t = 0; // frames rendered so far
const voices = [
  { note: 0, pan: 0.25 },
  { note: 0, pan: 0.75 },
];
const SCALE = [57, 60, 64, 67, 69, 72, 76, 79]; // A minor pentatonic-ish, MIDI notes
const STEP = 0.25; // seconds per note

/** Sample of the arpeggio at frame `f`, channel `c`. */
function sample(f, c) {
  const s = f / rate;
  let y = 0;
  for (let v = 0; v < voices.length; v++) {
    const step = Math.floor(s / STEP + v * 0.5);
    const note = SCALE[(step * (3 + v * 2)) % SCALE.length] - 12 * v;
    const hz = 440 * 2 ** ((note - 69) / 12);
    const age = s - (step - v * 0.5) * STEP;
    const env = Math.exp(-age * 6) * Math.min(1, age * 200);
    const x = 2 * Math.PI * hz * s;
    const gain = c === 0 ? 1 - voices[v].pan : voices[v].pan;
    y += gain * env * (Math.sin(x) + 0.3 * Math.sin(2 * x) + 0.1 * Math.sin(3 * x));
  }
  return 0.3 * y;
}

function fill() {
  if (Date.now() < stalledUntil) return;
  let want = target - ring.availableRead();
  while (want > 0) {
    const n = ring.beginWrite(Math.min(want, 512));
    if (n === 0) break;
    const f32 = heap.f32;
    for (let c = 0; c < ring.channels; c++) {
      const plane = c * ring.capacity;
      for (let i = 0; i < ring.length1; i++) f32[ring.start1 + plane + i] = sample(t + i, c);
      for (let i = 0; i < ring.length2; i++) f32[ring.start2 + plane + i] = sample(t + ring.length1 + i, c);
    }
    ring.commitWrite(n);
    t += n;
    want -= n;
  }
}

self.onmessage = ({ data }) => {
  if (data.type === 'start') {
    heap = Heap.fromModule(data.module, { memory: data.memory });
    ring = Ring.attach(heap, data.address, Float32Array);
    rate = data.sampleRate;
    target = data.target;
    fill(); // the ring starts full: the page connects the worklet once this is done
    self.postMessage({ type: 'ready' });
    setInterval(fill, 5);
  } else if (data.type === 'stall') {
    stalledUntil = Date.now() + data.ms;
  }
};
