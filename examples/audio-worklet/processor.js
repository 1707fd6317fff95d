// AudioWorklet processor: an 8-voice wavetable arpeggio synth with a one-pole low-pass and a
// feedback delay, in two memory modes the page switches between (A/B):
//
//   heap  every buffer lives in a wasm-arena heap, made once in the constructor:
//           heap (1 MiB, from the WebAssembly.Module the page posted in processorOptions; shared
//                 with the page when it is cross-origin isolated, so the page reads it directly)
//           ├── arena "voices"  wavetable, per-voice state (struct of arrays), mix bus, scalars
//           ├── block "scratch" one render buffer per voice
//           └── block "delay"   the delay line (one heap.allocArray, the largest buffer)
//         process() allocates nothing: heap stats before and after rendering are identical
//         (test/audio.browser.test.ts checks exactly that), and it creates no JS objects.
//   js    what naive code does: every quantum, a `new Float64Array(frames)` per voice and a
//         `new Float32Array(frames)` for the mix bus and for the output block, dropped at the
//         end of the quantum for the garbage collector (9 KiB per quantum at 128 frames).
//
// Both modes run the same code on the same numbers, so they render the same samples; only
// where the working buffers come from differs. The state (voices, filter, delay line) is shared,
// so switching modes while playing is seamless.
//
// What the processor counts, per mode (STATE.ab, see synth-params.js), after a warm-up of one
// second of audio (the constructor's garbage and JIT compilation belong to neither mode):
//   - GC events: a WeakRef to an otherwise unreferenced object is checked every quantum; when it
//     comes back empty, a garbage collection ran in this thread since the last check (at most one
//     is counted per quantum). V8 clears weak references in the collections of a running
//     AudioContext; an OfflineAudioContext renders in one task, which keeps the object alive, so
//     offline renders cannot see collections this way (the page says so).
//   - over-budget quanta: AudioWorkletGlobalScope has no performance.now(), only Date.now()
//     (1 ms ticks), so a process() call is counted when it spans at least floor(q) + 2 ticks,
//     q = one quantum in ms: then it certainly took longer than one quantum (a lower bound).
//   - garbage bytes: the typed-array storage js mode allocates (exact; object headers not included).
//
// The output depends only on the sample index, so an OfflineAudioContext renders the same
// samples every time; test/browser/synth-reference.ts recomputes them with plain JS numbers.
//
// AudioWorkletGlobalScope has no fetch, atob, TextDecoder, setTimeout or performance, and
// rejects dynamic import(): the library is loaded with a static import and instantiated
// synchronously with Heap.fromModule.

import { Heap } from '../../dist/index.js';
import { AB, MODE, STATE, SYNTH } from './synth-params.js';

const S_SAMPLE = STATE.sample;
const S_LP = STATE.lp;
const S_WRITE = STATE.write;
const S_LP_COEF = STATE.lpCoef;
const S_FEEDBACK = STATE.feedback;
const S_BLOCKS = STATE.blocks;
const S_MODE = STATE.mode;
const S_COUNT = STATE.count;

// The render quantum is 128 frames today; the buffers leave room for larger quanta.
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

    // One render buffer per voice: a block of V x MAX_FRAMES doubles, one view per voice.
    this.scratch = heap.allocArray(Float64Array, V * MAX_FRAMES);
    const scratchAt = heap.addressOf(this.scratch);
    this.voiceBufs = [];
    for (let v = 0; v < V; v++) this.voiceBufs.push(heap.view(Float64Array, scratchAt + v * MAX_FRAMES * 8, MAX_FRAMES));
    // js mode puts its fresh buffers here each quantum (the array itself is made once).
    this.jsVoiceBufs = new Array(V).fill(null);

    // The delay line is the big buffer: a block of its own, straight from the heap.
    this.delay = heap.allocArray(Float32Array, this.delaySamples);

    for (let i = 0; i <= N; i++) {
      const t = (2 * Math.PI * (i % N)) / N;
      this.table[i] = (Math.sin(t) + 0.5 * Math.sin(2 * t) + 0.25 * Math.sin(3 * t)) / 1.75;
    }
    SYNTH.pattern.forEach((note, i) => (this.pitches[i] = 440 * 2 ** ((note - 69) / 12)));
    // (allocArray memory is not zeroed: clear what must start at zero)
    this.state.fill(0);
    this.delay.fill(0);
    this.env.fill(0);
    this.phase.fill(0);
    this.inc.fill(0);
    this.attacking.fill(0);
    this.state[S_LP_COEF] = 1 - Math.exp((-2 * Math.PI * SYNTH.cutoffHz) / sampleRate);
    this.state[S_FEEDBACK] = SYNTH.delayFeedback;
    this.state[S_MODE] = opts.mode === 'js' ? MODE.js : MODE.heap;

    // Over budget: at least floor(q) + 2 ticks of the 1 ms clock, q = one 128-frame quantum in ms.
    this.budgetTicks = Math.floor((1000 * 128) / sampleRate) + 2;
    this.gcSentinel = new WeakRef({});
    this.warmupBlocks = Math.round(sampleRate / 128);

    this.statsEvery = opts.statsEvery ?? 0; // post stats every N blocks (0 = only on request)
    this.statsInto = {}; // heap.stats(into): no new object per message
    this.port.onmessage = (e) => this.onMessage(e.data);
    this.postStats('ready');
  }

  onMessage(msg) {
    if (msg.type === 'stats') this.postStats('stats', msg.check === true);
    else if (msg.type === 'cutoff') {
      this.state[S_LP_COEF] = 1 - Math.exp((-2 * Math.PI * msg.value) / sampleRate);
    } else if (msg.type === 'feedback') this.state[S_FEEDBACK] = msg.value;
    else if (msg.type === 'mode') this.state[S_MODE] = msg.value === 'js' ? MODE.js : MODE.heap;
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
      stats: this.heap.stats(this.statsInto),
      blocks: this.state[S_BLOCKS],
      samples: this.state[S_SAMPLE],
      state: this.state.slice(), // a copy: posting the view itself would copy the whole memory
      sampleRate,
      check: checked,
    });
  }

  process(_inputs, outputs) {
    const started = Date.now();
    const out = outputs[0];
    const left = out[0];
    if (left === undefined) return true;
    const frames = Math.min(left.length, MAX_FRAMES);
    const state = this.state;
    const mode = state[S_MODE];
    const ab = STATE.ab[mode];

    // A/B: the same render from buffers made once (heap) or made now and dropped (js).
    let voiceBufs, mix, dest;
    if (mode === MODE.js) {
      voiceBufs = this.jsVoiceBufs;
      for (let v = 0; v < voiceBufs.length; v++) voiceBufs[v] = new Float64Array(frames);
      mix = new Float32Array(frames);
      dest = new Float32Array(frames);
    } else {
      voiceBufs = this.voiceBufs;
      mix = this.mix;
      dest = left;
    }
    this.renderVoices(frames, voiceBufs);
    this.mixAndDelay(frames, voiceBufs, mix, dest);
    if (dest !== left) left.set(dest);
    for (let c = 1; c < out.length; c++) out[c].set(left);

    const blocks = ++state[S_BLOCKS];
    const counted = blocks > this.warmupBlocks ? 1 : 0;
    if (this.gcSentinel.deref() === undefined) {
      state[ab + AB.gcEvents] += counted;
      this.gcSentinel = new WeakRef({});
    }
    if (counted === 1) {
      state[ab + AB.quanta]++;
      if (mode === MODE.js) state[ab + AB.garbageBytes] += (voiceBufs.length * 8 + 2 * 4) * frames;
      const ticks = Date.now() - started;
      if (ticks > state[ab + AB.longestMs]) state[ab + AB.longestMs] = ticks;
      if (ticks >= this.budgetTicks) state[ab + AB.overBudget]++;
    }
    if (this.statsEvery > 0 && blocks % this.statsEvery === 0) this.postStats('stats');
    return true;
  }

  /** Each voice into its own buffer; the sequencer starts a note on the next voice every step. */
  renderVoices(frames, voiceBufs) {
    const V = SYNTH.voices;
    const N = SYNTH.tableSize;
    const { table, phase, inc, env, attacking, pitches, stepSamples, attackStep, decay } = this;
    const steps = pitches.length;
    const n0 = this.state[S_SAMPLE];
    for (let v = 0; v < V; v++) {
      const buf = voiceBufs[v];
      let p = phase[v];
      let e = env[v];
      let rate = inc[v];
      let rising = attacking[v];
      for (let f = 0, n = n0; f < frames; f++, n++) {
        if (n % stepSamples === 0 && (n / stepSamples) % V === v) {
          p = 0;
          rate = pitches[(n / stepSamples) % steps] / sampleRate;
          e = 0;
          rising = 1;
        }
        if (rising === 1) {
          e += attackStep;
          if (e >= 1) {
            e = 1;
            rising = 0;
          }
        } else {
          e *= decay;
        }
        const pos = p * N;
        const i = pos | 0;
        const a = table[i];
        buf[f] = (a + (table[i + 1] - a) * (pos - i)) * e;
        p += rate;
        if (p >= 1) p -= 1;
      }
      phase[v] = p;
      env[v] = e;
      inc[v] = rate;
      attacking[v] = rising;
    }
  }

  /** Sum the voices (in voice order, as doubles), then low-pass and the feedback delay into dest. */
  mixAndDelay(frames, voiceBufs, mix, dest) {
    const V = SYNTH.voices;
    const state = this.state;
    const delay = this.delay;
    for (let f = 0; f < frames; f++) {
      let s = 0;
      for (let v = 0; v < V; v++) s += voiceBufs[v][f];
      mix[f] = s * SYNTH.voiceGain;
    }
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
      dest[f] = lp + SYNTH.delayMix * d;
    }
    state[S_LP] = lp;
    state[S_WRITE] = w;
    state[S_SAMPLE] += frames;
  }
}

registerProcessor('arena-synth', ArenaSynthProcessor);
