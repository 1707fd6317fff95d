// Reference renderer for examples/audio-worklet: the same synth written the plain-JS way
// (voices are objects, buffers are ordinary arrays of doubles, no wasm, no typed views), so a
// bug in how the processor uses heap memory (overlapping blocks, stale views, unzeroed state)
// shows up as a difference in the samples.

import { SYNTH } from '../../examples/audio-worklet/synth-params.js';

interface Voice {
  phase: number;
  inc: number;
  env: number;
  attacking: boolean;
}

/** Render `length` mono samples at `sampleRate` with the example's default parameters. */
export function renderReference(length: number, sampleRate: number): number[] {
  const N = SYNTH.tableSize;
  const stepSamples = Math.round(sampleRate * SYNTH.stepSeconds);
  const attackStep = 1 / Math.round(sampleRate * SYNTH.attackSeconds);
  const decay = Math.exp(-1 / (sampleRate * SYNTH.decaySeconds));
  const coef = 1 - Math.exp((-2 * Math.PI * SYNTH.cutoffHz) / sampleRate);
  const delay: number[] = new Array(Math.round(sampleRate * SYNTH.delaySeconds)).fill(0);
  const wave = (t: number) => (Math.sin(t) + 0.5 * Math.sin(2 * t) + 0.25 * Math.sin(3 * t)) / 1.75;
  const table: number[] = [];
  for (let i = 0; i <= N; i++) table.push(wave((2 * Math.PI * (i % N)) / N));

  const voices: Voice[] = [];
  for (let v = 0; v < SYNTH.voices; v++) voices.push({ phase: 0, inc: 0, env: 0, attacking: false });

  const out: number[] = [];
  let lp = 0;
  let w = 0;
  for (let n = 0; n < length; n++) {
    if (n % stepSamples === 0) {
      const step = n / stepSamples;
      const note = SYNTH.pattern[step % SYNTH.pattern.length];
      voices[step % SYNTH.voices] = {
        phase: 0,
        inc: (440 * 2 ** ((note - 69) / 12)) / sampleRate,
        env: 0,
        attacking: true,
      };
    }
    let s = 0;
    for (const voice of voices) {
      if (voice.attacking) {
        voice.env += attackStep;
        if (voice.env >= 1) {
          voice.env = 1;
          voice.attacking = false;
        }
      } else {
        voice.env *= decay;
      }
      const pos = voice.phase * N;
      const i = Math.floor(pos);
      s += (table[i] + (table[i + 1] - table[i]) * (pos - i)) * voice.env;
      voice.phase += voice.inc;
      if (voice.phase >= 1) voice.phase -= 1;
    }
    lp += (s * SYNTH.voiceGain - lp) * coef;
    const d = delay[w];
    delay[w] = lp + SYNTH.delayFeedback * d;
    w = (w + 1) % delay.length;
    out.push(lp + SYNTH.delayMix * d);
  }
  return out;
}
