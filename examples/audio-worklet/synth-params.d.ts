// Types for synth-params.js (the examples are plain JS; the tests are TypeScript).
export declare const SYNTH: {
  voices: number;
  tableSize: number;
  stepSeconds: number;
  attackSeconds: number;
  decaySeconds: number;
  voiceGain: number;
  cutoffHz: number;
  delaySeconds: number;
  delayFeedback: number;
  delayMix: number;
  pattern: number[];
};
