// Timing of one repetition on a shared machine. Wall time is what is reported; process CPU time
// is read alongside it to notice when the process was descheduled (wall clearly above CPU: another
// process had the core). Such a repetition is run again, up to `tries` times, and the fastest
// attempt is kept and flagged. Calls here allocate (cpuUsage objects) but only between repetitions.

const SLACK = 1.1; // wall may exceed CPU by 10 % (+0.5 ms) before the repetition counts as disturbed

/** Runs `run()` (which performs `ops` operations) and returns ns per operation plus diagnostics. */
export function timeRep(run, ops, tries = 5) {
  let best = null;
  for (let t = 1; t <= tries; t++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    run();
    const wall = performance.now() - w0;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1000;
    const rep = { ns: (wall * 1e6) / ops, wallMs: wall, cpuMs: cpu, tries: t, disturbed: false };
    if (wall <= cpu * SLACK + 0.5) return rep;
    if (!best || rep.ns < best.ns) best = rep;
  }
  return { ...best, tries, disturbed: true };
}

/** Summary of the retry diagnostics of a list of timeRep results. */
export function retryInfo(reps) {
  return { retries: reps.reduce((a, r) => a + r.tries - 1, 0), disturbed: reps.filter((r) => r.disturbed).length };
}
