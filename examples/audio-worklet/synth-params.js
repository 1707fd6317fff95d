// Parameters of the example synth, shared by the processor, the page and the test's reference
// renderer (test/browser/synth-reference.ts). Plain data: safe to import anywhere.

export const SYNTH = {
  voices: 8,
  tableSize: 2048, // wavetable length (plus one guard sample for interpolation)
  stepSeconds: 0.15, // one arpeggio note per step
  attackSeconds: 0.005,
  decaySeconds: 0.4, // exponential decay time constant
  voiceGain: 0.2,
  cutoffHz: 2500,
  delaySeconds: 0.375,
  delayFeedback: 0.45,
  delayMix: 0.35,
  // A minor, F major, C major, G major arpeggios (MIDI note numbers).
  pattern: [57, 60, 64, 69, 53, 57, 60, 65, 48, 55, 60, 64, 55, 59, 62, 67],
};

/** Where a quantum's working buffers come from (the A/B switch of the page). */
export const MODE = {
  heap: 0, // views of the wasm-arena heap, made once in the processor's constructor
  js: 1, // `new Float64Array(frames)` per voice and `new Float32Array(frames)` x2, every quantum
};

/** Counters the processor keeps for each mode, after one second of warm-up: STATE.ab[mode] + one of these. */
export const AB = {
  quanta: 0, // process() calls counted in this mode (after the warm-up)
  garbageBytes: 1, // bytes of typed-array storage allocated and dropped (0 in heap mode)
  gcEvents: 2, // collections seen by the GC sentinel (a WeakRef checked every quantum)
  overBudget: 3, // process() calls that certainly took longer than one quantum
  longestMs: 4, // longest process() call, on the worklet's millisecond clock
  count: 5,
};

/**
 * Slots of the processor's scalar state (a Float64Array in its heap). With a shared heap the
 * page reads them straight from memory at the address the processor reports.
 */
export const STATE = {
  sample: 0, // index of the next sample to render
  lp: 1, // low-pass filter state
  write: 2, // delay line write index
  lpCoef: 3,
  feedback: 4,
  blocks: 5, // number of process() calls so far
  mode: 6, // MODE.heap or MODE.js
  ab: [7, 7 + AB.count], // first slot of each mode's counters (index: MODE value)
  count: 7 + 2 * AB.count,
};
