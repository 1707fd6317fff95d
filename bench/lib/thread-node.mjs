// A worker_threads thread of a Node bench job (env.startThread): the same env as its parent,
// then the workload module's thread(data); what it returns goes back to the parent.

import { parentPort, workerData } from 'node:worker_threads';
import { setEnv } from './env.mjs';
import { nodeEnv } from './env-node.mjs';

setEnv(nodeEnv);
const mod = await import(`../workloads/${workerData.workload}.mjs`);
parentPort.postMessage(await mod.thread(workerData));
