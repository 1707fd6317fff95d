// The Chromium host of one bench job: the page counterpart of bench/worker.mjs. The driver
// (lib/chromium.mjs) opens a fresh browser context per job, so each peer's garbage, JIT state and
// heap are its own, exactly as with one Node process per job.

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
    const mod = await import(`../workloads/${job.workload}.mjs`);
    return { result: await mod.run(job, ctx) };
  } catch (err) {
    return { error: String(err?.message ?? err), stack: String(err?.stack ?? '') };
  }
};
globalThis.benchReady = true;
