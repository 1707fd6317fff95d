// A Worker of test/threads.browser.test.ts (see job.js).
import { runJob } from './job.js';

self.onmessage = (e) => {
  try {
    runJob(e.data, (m) => self.postMessage(m), () => performance.now());
  } catch (err) {
    self.postMessage({ error: `${err?.name}: ${err?.message}` });
  }
};
