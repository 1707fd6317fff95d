// For the child processes of the garbage tests (run with --expose-gc): times nothing, counts what
// the garbage collector did.

import { PerformanceObserver } from 'node:perf_hooks';

/**
 * Runs `round` `warm` times (warm-up: compiled code and type feedback settle), collects, then
 * `rounds` more times while counting GC events; returns them with the JS heap's growth meanwhile.
 */
export async function garbageOf(round, warm, rounds) {
  // One loop for both, entered several times while warming up: the measured rounds run code the
  // warm-up compiled (compiling then would count as growth).
  const repeat = (n) => {
    for (let i = 0; i < n; i++) round();
  };
  for (let k = 0; k < 4; k++) repeat(Math.ceil(warm / 4));
  globalThis.gc();
  let gcEvents = 0;
  const obs = new PerformanceObserver((list) => (gcEvents += list.getEntries().length));
  obs.observe({ entryTypes: ['gc'] });
  const before = process.memoryUsage().heapUsed;
  repeat(rounds);
  const after = process.memoryUsage().heapUsed;
  await new Promise((r) => setTimeout(r, 50)); // let the observer report
  obs.disconnect();
  return { gcEvents, jsHeapGrowth: after - before };
}
