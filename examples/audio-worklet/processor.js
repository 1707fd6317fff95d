// AudioWorklet processor: an 8-voice wavetable arpeggio synth with a one-pole low-pass and a
// feedback delay. Every buffer it touches lives in a wasm-arena heap:
//
//   heap (1 MiB, from the WebAssembly.Module the page posted in processorOptions; shared with
//         the page when it is cross-origin isolated, so the page's meter reads it directly)
//   ├── arena "voices"   wavetable, per-voice state (struct of arrays), mix bus, scalars
//   └── block  "delay"   the delay line (one heap.allocArray, the largest buffer)
//
// Everything is allocated in the constructor. process() only reads and writes those views:
// it allocates nothing from the heap, so heap stats before and after rendering are identical
// (test/audio.browser.test.ts checks exactly that), and creates no JS objects — except the
// optional stats message every `statsEvery` blocks, which only a page without a shared heap
// asks for.
//
// The output depends only on the sample index, so an OfflineAudioContext renders the same
// samples every time; test/browser/synth-reference.ts recomputes them with plain JS numbers.
//
// AudioWorkletGlobalScope has no fetch, atob, TextDecoder, setTimeout or performance, and
// rejects dynamic import(): the library is loaded with a static import and instantiated
// synchronously with Heap.fromModule.

import { Heap } from '../../dist/index.js';
import { STATE, SYNTH } from './synth-params.js';

// Slots of the scalar state array (Float64Array in the arena).
const S_SAMPLE = STATE.sample;
const S_LP = STATE.lp;
const S_WRITE = STATE.write;
const S_LP_COEF = STATE.lpCoef;
const S_FEEDBACK = STATE.feedback;
const S_BLOCKS = STATE.blocks;
const S_COUNT = STATE.count;

// The render quantum is 128 frames today; the mix bus leaves room for larger quanta.
const MAX_FRAMES = 4096;

class ArenaSynthProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = options.processorOptions ?? {};
    // Synchronous instantiation from the module compiled on the main thread: either a heap of
    // our own, fixed-size (initial = maximum) so the audio thread never waits for memory to grow,
    // or — when the page is cross-origin isolated and posts a shared memory — the page's heap,
    // which the page then reads directly (no messages from the audio thread at all).
    this.heap = opts.memory
      ? Heap.fromModule(opts.module, { memory: opts.memory })
      : Heap.fromModule(opts.module, { initialBytes: 1 << 20, maximumBytes: 1 << 20 });
    const heap = this.heap;

    const N = SYNTH.tableSize;
    const V = SYNTH.voices;
    this.stepSamples = Math.round(sampleRate * SYNTH.stepSeconds);
    this.attackStep = 1 / Math.round(sampleRate * SYNTH.attackSeconds);
    this.decay = Math.exp(-1 / (sampleRate * SYNTH.decaySeconds));
    this.delaySamples = Math.round(sampleRate * SYNTH.delaySeconds);

    // One arena for the small fixed buffers: 8-byte aligned views, carved once.
    this.arena = heap.arena(64 * 1024);
    const arena = this.arena;
    this.table = arena.allocArray(Float32Array, N + 1);
    this.phase = arena.allocArray(Float64Array, V); // 0..1
    this.inc = arena.allocArray(Float64Array, V); // phase increment per sample
    this.env = arena.allocArray(Float64Array, V); // envelope level
    this.attacking = arena.allocArray(Int32Array, V); // 1 while the attack ramp runs
    this.mix = arena.allocArray(Float32Array, MAX_FRAMES); // mix bus for one block
    this.state = arena.allocArray(Float64Array, S_COUNT);
    this.pitches = arena.allocArray(Float64Array, SYNTH.pattern.length); // Hz per step

    // The delay line is the big buffer: a block of its own, straight from the heap.
    this.delay = heap.allocArray(Float32Array, this.delaySamples);

    for (let i = 0; i <= N; i++) {
      const t = (2 * Math.PI * (i % N)) / N;
      this.table[i] = (Math.sin(t) + 0.5 * Math.sin(2 * t) + 0.25 * Math.sin(3 * t)) / 1.75;
    }
    SYNTH.pattern.forEach((note, i) => (this.pitches[i] = 440 * 2 ** ((note - 69) / 12)));
    this.state[S_LP_COEF] = 1 - Math.exp((-2 * Math.PI * SYNTH.cutoffHz) / sampleRate);
    this.state[S_FEEDBACK] = SYNTH.delayFeedback;
    // (allocArray memory is not zeroed: clear what must start at zero)
    this.delay.fill(0);
    this.env.fill(0);
    this.phase.fill(0);
    this.inc.fill(0);
    this.attacking.fill(0);

    this.statsEvery = opts.statsEvery ?? 0; // post stats every N blocks (0 = only on request)
    this.port.onmessage = (e) => this.onMessage(e.data);
    this.postStats('ready');
  }

  onMessage(msg) {
    if (msg.type === 'stats') this.postStats('stats', msg.check === true);
    else if (msg.type === 'cutoff') {
      this.state[S_LP_COEF] = 1 - Math.exp((-2 * Math.PI * msg.value) / sampleRate);
    } else if (msg.type === 'feedback') this.state[S_FEEDBACK] = msg.value;
  }

  postStats(type, check = false) {
    let checked = null;
    if (check) {
      try {
        this.heap.check();
        checked = 'ok';
      } catch (err) {
        checked = String(err);
      }
    }
    this.port.postMessage({
      type,
      stateAddress: this.heap.addressOf(this.state),
      stats: this.heap.stats(),
      blocks: this.state[S_BLOCKS],
      samples: this.state[S_SAMPLE],
      sampleRate,
      check: checked,
    });
  }

  process(_inputs, outputs) {
    const out = outputs[0];
    const left = out[0];
    if (left === undefined) return true;
    const frames = Math.min(left.length, MAX_FRAMES);
    const V = SYNTH.voices;
    const N = SYNTH.tableSize;
    const { table, phase, inc, env, attacking, mix, state, delay, pitches } = this;
    const steps = pitches.length;

    let n = state[S_SAMPLE];
    for (let f = 0; f < frames; f++, n++) {
      // Sequencer: a new note on the next voice at every step boundary.
      if (n % this.stepSamples === 0) {
        const step = n / this.stepSamples;
        const v = step % V;
        phase[v] = 0;
        inc[v] = pitches[step % steps] / sampleRate;
        env[v] = 0;
        attacking[v] = 1;
      }
      let s = 0;
      for (let v = 0; v < V; v++) {
        let e = env[v];
        if (attacking[v] === 1) {
          e += this.attackStep;
          if (e >= 1) {
            e = 1;
            attacking[v] = 0;
          }
        } else {
          e *= this.decay;
        }
        env[v] = e;
        const pos = phase[v] * N;
        const i = pos | 0;
        const a = table[i];
        s += (a + (table[i + 1] - a) * (pos - i)) * e;
        let p = phase[v] + inc[v];
        if (p >= 1) p -= 1;
        phase[v] = p;
      }
      mix[f] = s * SYNTH.voiceGain;
    }

    // Second pass over the mix bus: low-pass, then the feedback delay.
    let lp = state[S_LP];
    let w = state[S_WRITE];
    const coef = state[S_LP_COEF];
    const fb = state[S_FEEDBACK];
    const D = this.delaySamples;
    for (let f = 0; f < frames; f++) {
      lp += (mix[f] - lp) * coef;
      const d = delay[w];
      delay[w] = lp + fb * d;
      if (++w === D) w = 0;
      left[f] = lp + SYNTH.delayMix * d;
    }
    for (let c = 1; c < out.length; c++) out[c].set(left);

    state[S_LP] = lp;
    state[S_WRITE] = w;
    state[S_SAMPLE] = n;
    const blocks = ++state[S_BLOCKS];
    if (this.statsEvery > 0 && blocks % this.statsEvery === 0) this.postStats('stats');
    return true;
  }
}

registerProcessor('arena-synth', ArenaSynthProcessor);
