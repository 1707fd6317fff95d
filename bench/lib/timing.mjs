// Timed repetitions of the micro-benchmarks, on a shared machine.
//
// Wall time is what is reported. Where the host can tell its CPU time (Node), it is read alongside
// to notice when the process was descheduled (wall clearly above CPU: another process had the
// core); such a repetition is run again, up to `tries` times, and the fastest attempt is kept and
// flagged. Chromium pages cannot read CPU time: there every repetition is kept as measured, and
// the median over repetitions is what absorbs the noise. Calls here allocate (cpu readings) but
// only between repetitions, never inside the timed loop.

import { env } from './env.mjs';
import { summarize, gcFigures } from './stats.mjs';

const SLACK = 1.1; // wall may exceed CPU by 10 % (+0.5 ms) before the repetition counts as disturbed

/**
 * Runs `run()` (which performs `ops` operations) and returns ns per operation plus diagnostics.
 * `windows`, when given, receives the [start, end] of every attempt (for GC attribution).
 */
export function timeRep(run, ops, tries = 5, windows = null) {
  let best = null;
  for (let t = 1; t <= tries; t++) {
    const c0 = env.cpuMs();
    const w0 = performance.now();
    run();
    const w1 = performance.now();
    const c1 = env.cpuMs();
    windows?.push([w0, w1]);
    const wall = w1 - w0;
    const rep = { ns: (wall * 1e6) / ops, wallMs: wall, tries: t, disturbed: false };
    if (c0 == null || wall <= (c1 - c0) * SLACK + 0.5) return rep;
    if (!best || rep.ns < best.ns) best = rep;
  }
  return { ...best, tries, disturbed: true };
}

/** Summary of the retry diagnostics of a list of timeRep results. */
export function retryInfo(reps) {
  return { retries: reps.reduce((a, r) => a + r.tries - 1, 0), disturbed: reps.filter((r) => r.disturbed).length };
}

/** A copy of `fn` with its own type feedback (for a second allocator in the same process). */
export function fresh(fn, scope = {}) {
  return new Function(...Object.keys(scope), `return ${fn.toString()}`)(...Object.values(scope));
}

/**
 * A runner drives one allocator through a loop: `step(n)` performs n more operations.
 * warm(): until `minOps` operations ran and the loop is optimised, or `ms` passed (the O(n)
 * peers at large live sets). Warm-up is never timed.
 */
export function warm(runner, ms, minOps) {
  const end = performance.now() + ms;
  let done = 0;
  for (let chunk = 16; done < minOps && performance.now() < end; chunk = Math.min(16384, chunk * 2)) {
    runner.step(chunk);
    done += chunk;
  }
}

/**
 * Operations per repetition for about `ms` milliseconds (a multiple of `multiple`). Doubles a
 * chunk until it takes ms/8 — long against any timer's resolution (Chromium's is 5 µs) — timing
 * each size twice and keeping the faster, so that one pause (a GC, a compile, another process)
 * cannot make the repetitions short. Then checks the estimate with full-size runs and scales it
 * up while a run takes less than half of `ms`: code that was still warming up (a warm-up cut
 * short by its time cap on a loaded machine) speeds up under the estimate.
 */
export function calibrate(runner, ms, multiple = 1) {
  const time = (n) => {
    const t0 = performance.now();
    runner.step(n);
    return performance.now() - t0;
  };
  const round = (n) => Math.max(multiple, Math.round(n / multiple) * multiple);
  let n = 8;
  for (;;) {
    const dt = Math.min(time(n), time(n));
    if (dt >= ms / 8) {
      n = Math.max(round(n), round((n * ms) / dt));
      break;
    }
    n *= 2;
  }
  for (let check = 0; check < 4; check++) {
    const dt = time(n);
    if (dt >= ms / 2) break;
    n = round((n * ms) / Math.max(dt, ms / 64));
  }
  return n;
}

/**
 * Times `runners[0]` and its partners with the same n, alternating repetition by repetition:
 * ratios of neighbouring repetitions survive the load swings of a shared machine that separate
 * processes, seconds apart, do not. Returns one list of timeRep results per runner; the first
 * runner's attempts are recorded in `windows` when given.
 */
export function alternate(runners, n, ctx, label = '', windows = null) {
  const reps = runners.map(() => []);
  for (let r = 0; r < ctx.reps; r++) {
    ctx.progress(`${label}rep ${r + 1}/${ctx.reps}`);
    runners.forEach((runner, i) => reps[i].push(timeRep(() => runner.step(n), n, 5, i === 0 ? windows : null)));
  }
  return reps;
}

/** Metrics of an alternated measurement: the main runner's ns per op and a paired ratio per partner. */
export function pairedMetrics(reps, partnerNames, metric = 'nsPerPair') {
  const metrics = { [metric]: summarize(reps[0].map((r) => r.ns), 'ns') };
  partnerNames.forEach((p, i) => {
    metrics[`vs:${p}`] = summarize(reps[0].map((r, k) => r.ns / reps[i + 1][k].ns), '×');
  });
  return metrics;
}

/**
 * alternate(), counting the GC events that fall inside the first runner's repetitions:
 * { reps, gc: { count, totalMs, longestMs }, gcMethod }.
 */
export async function alternateCountingGc(runners, n, ctx) {
  const watch = await env.gcWatch();
  await watch.startRep();
  const windows = [];
  const reps = alternate(runners, n, ctx, '', windows);
  await watch.flush();
  const gc = gcFigures(watch.inWindows(windows));
  watch.stop();
  return { reps, gc, gcMethod: watch.method };
}
