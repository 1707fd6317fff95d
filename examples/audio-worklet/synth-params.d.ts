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
export declare const MODE: { heap: number; js: number };
export declare const AB: {
  quanta: number;
  garbageBytes: number;
  gcEvents: number;
  overBudget: number;
  longestMs: number;
  count: number;
};
export declare const STATE: {
  sample: number;
  lp: number;
  write: number;
  lpCoef: number;
  feedback: number;
  blocks: number;
  mode: number;
  ab: [number, number];
  count: number;
};
