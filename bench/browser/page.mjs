// The Chromium host of one bench job: the page counterpart of bench/worker.mjs. The driver
// (lib/chromium.mjs) loads a fresh document per job, so each peer's globals, closures and type
// feedback are its own, as with one Node process per job; the previous document's garbage is
// collected before the job starts.

import { setEnv } from '../lib/env.mjs';
import { browserEnv } from './env.mjs';

setEnv(browserEnv);

globalThis.benchRun = async (job) => {
  const ctx = {
    ...job.ctx,
    progress(msg) {
      globalThis.benchProgress?.(msg); // exposed by the driver; fire and forget
    },
  };
  try {
    browserEnv.gc(); // the previous job's document and heaps, before anything is measured
    const mod = await import(`../workloads/${job.workload}.mjs`);
    return { result: await mod.run(job, ctx) };
  } catch (err) {
    return { error: String(err?.message ?? err), stack: String(err?.stack ?? '') };
  }
};
globalThis.benchReady = true;
