// Child process: runs one (workload, peer, parameters) job and sends the result to run.mjs over IPC.
// One job per process, so each peer's garbage, JIT state and heap are its own.

import { setEnv } from './lib/env.mjs';
import { nodeEnv } from './lib/env-node.mjs';

const job = JSON.parse(process.argv[2]);
const ctx = {
  ...job.ctx,
  progress(msg) {
    process.send?.({ type: 'progress', msg });
  },
};

try {
  setEnv(nodeEnv);
  const mod = await import(`./workloads/${job.workload}.mjs`);
  const result = await mod.run(job, ctx);
  process.send({ type: 'result', result }, () => process.exit(0));
} catch (err) {
  process.send({ type: 'error', message: String(err?.message ?? err), stack: String(err?.stack ?? '') }, () =>
    process.exit(1),
  );
}
