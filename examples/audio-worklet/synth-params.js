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

/**
 * Slots of the processor's scalar state (a Float64Array in its heap). With a shared heap the
 * page reads `blocks` and `sample` straight from memory at the address the processor reports.
 */
export const STATE = {
  sample: 0, // index of the next sample to render
  lp: 1, // low-pass filter state
  write: 2, // delay line write index
  lpCoef: 3,
  feedback: 4,
  blocks: 5, // number of process() calls so far
  count: 6,
};
