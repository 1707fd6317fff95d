// A worker_threads thread of test/threads.test.ts (see job.js).
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { runJob } from './job.js';

runJob(workerData, (m) => parentPort.postMessage(m), () => performance.now());
