// A Worker of a Chromium bench job (env.startThread): the same env as its page, then the workload
// module's thread(data); what it returns goes back to the page.

import { setEnv } from '../lib/env.mjs';
import { browserEnv } from './env.mjs';

setEnv(browserEnv);
self.onmessage = async (e) => {
  try {
    const mod = await import(`../workloads/${e.data.workload}.mjs`);
    self.postMessage(await mod.thread(e.data));
  } catch (err) {
    self.postMessage({ error: String(err?.stack ?? err) });
  }
};
