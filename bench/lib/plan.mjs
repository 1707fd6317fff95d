// Run modes and the job plan.
//
// A job is one (host, workload, peer, parameters, round). Timed workloads run in rounds spread
// over the run, a fresh process (Node) or page (Chromium) per job: a burst of load from something
// else on the machine then spoils a few repetitions of a figure, not all of them, and peers
// measured side by side in a round saw the same machine. A figure is the median of all its
// repetitions.

import { WORKLOADS, paramsOf } from '../workloads/index.mjs';

const everyLiveSet = () => true;

/**
 * V8 flags of every job, Node and Chromium alike. --expose-gc: the harness collects between
 * measured windows (never inside them). --no-liftoff: wasm is compiled by the optimizing tier up
 * front, so a tier-up that a loaded machine delays never lands inside a measurement (an engine
 * reaches that tier after a module's first calls anyway; the figures are steady state).
 */
export const V8_FLAGS = ['--expose-gc', '--no-liftoff'];

export const MODES = {
  quick: {
    name: 'quick',
    // --quick skips the slowest set-up (100 000 blocks of up to 64 KiB: ~0.8 GB per peer).
    churnLive: (variant, live) => !(variant === 'wide' && live === 100_000),
    ctx: { repMs: 8, warmMs: 25, audioBlocks: 10_000, audioWarm: 5_000, frames: 40, framesWarm: 20, footprintSteps: 5_000, scopes: 1_000_000 },
    microRounds: 1,
    microReps: 5,
    longRounds: 1,
    longReps: 3,
    jobTimeoutS: 60,
    blurb: 'smoke run: every workload and peer, very short repetitions; figures are not worth quoting',
  },
  default: {
    name: 'default',
    churnLive: everyLiveSet,
    ctx: { repMs: 25, warmMs: 80, audioBlocks: 30_000, audioWarm: 10_000, frames: 150, framesWarm: 50, footprintSteps: 50_000, scopes: 10_000_000 },
    microRounds: 1,
    microReps: 5,
    longRounds: 1,
    longReps: 3,
    jobTimeoutS: 120,
    blurb:
      'every workload and peer with fewer repetitions than --full (5 × 25 ms per figure, audio 30,000 ' +
      'blocks × 3, particles 150 frames × 3); use --full for figures to publish',
  },
  full: {
    name: 'full',
    churnLive: everyLiveSet,
    ctx: { repMs: 100, warmMs: 300, audioBlocks: 200_000, audioWarm: 40_000, frames: 2000, framesWarm: 200, footprintSteps: 200_000, scopes: 10_000_000 },
    microRounds: 3,
    microReps: 2,
    longRounds: 5,
    longReps: 1,
    jobTimeoutS: 300,
    blurb:
      'publication run: micro-benchmarks in 3 processes × 2 repetitions of 100 ms, audio 200,000 ' +
      'blocks and particles 2,000 frames in 5 processes each',
  },
};

/**
 * The jobs of a run for one host ('node' | 'chromium'), wasm-arena first in every group.
 * `only`: workload names to keep (all when null).
 */
export function plan(mode, host, only = null) {
  const groups = { micro: [], long: [], once: [] };
  for (const [workload, w] of Object.entries(WORKLOADS)) {
    if (only && !only.includes(workload)) continue;
    if (skippedOn(workload, host)) continue;
    for (const params of paramsOf(workload, mode))
      for (const peer of w.peers) groups[w.kind].push({ host, workload, peer, params, ...params });
  }
  const rounds = Math.max(mode.microRounds, mode.longRounds);
  const jobs = [];
  for (let r = 1; r <= rounds; r++) {
    if (r <= mode.microRounds) jobs.push(...groups.micro.map((j) => ({ ...j, reps: mode.microReps, round: r, rounds: mode.microRounds })));
    if (r <= mode.longRounds) jobs.push(...groups.long.map((j) => ({ ...j, reps: mode.longReps, round: r, rounds: mode.longRounds })));
    if (r === Math.min(2, rounds)) jobs.push(...groups.once.map((j) => ({ ...j, reps: 1, round: 1, rounds: 1 })));
  }
  return jobs;
}

/** Why a workload does not run on a host, or null. */
export function skippedOn(workload, host) {
  const b = WORKLOADS[workload].browser;
  if (host === 'node' || b === undefined || b === true) return null;
  return typeof b === 'string' ? b : 'Node only';
}
