// The Node host of the workloads (see env.mjs): one child process per job (bench/worker.mjs).

import { readFileSync, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { rootDir, peerBuildDir } from './paths.mjs';
import { GcWatch } from './gcwatch.mjs';

const modules = new Map();
const libraryFile = () => (process.env.BENCH_WASM_ARENA ? resolve(process.env.BENCH_WASM_ARENA) : resolve(rootDir, 'dist/index.js'));

export const nodeEnv = {
  name: 'node',
  /**
   * Imports the built library (dist/, made by `npm run build`), or another of its entry points
   * ('profile': dist/profile.js); BENCH_WASM_ARENA overrides the path of index.js (the other
   * entries are taken beside it).
   */
  async loadWasmArena(entry = 'index') {
    const index = libraryFile();
    const file = resolve(dirname(index), `${entry}.js`);
    if (!existsSync(file)) throw new Error(`wasm-arena is not built (${entry}.js missing beside ${index}): run \`npm run build\``);
    return import(pathToFileURL(file).href);
  },
  startThread(data) {
    const w = new Worker(new URL('./thread-node.mjs', import.meta.url), { workerData: data });
    const result = new Promise((res, rej) => {
      w.once('message', res);
      w.once('error', rej);
      w.once('exit', (code) => rej(new Error(`bench thread exited (${code}) before it reported`)));
    });
    return { result, terminate: () => w.terminate() };
  },
  async loadPeer(name) {
    if (!modules.has(name)) modules.set(name, new WebAssembly.Module(readFileSync(resolve(peerBuildDir, `${name}.wasm`))));
    return new WebAssembly.Instance(modules.get(name), {}).exports;
  },
  loadThing: () => import('@thi.ng/malloc'),
  loadRingbuf: () => import('ringbuf.js'),
  async gcWatch() {
    return new GcWatch();
  },
  cpuMs() {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  },
  memoryBytes() {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  },
  gc: (options) => globalThis.gc?.(options),
};
