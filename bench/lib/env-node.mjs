// The Node host of the workloads (see env.mjs): one child process per job (bench/worker.mjs).

import { readFileSync, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { rootDir, peerBuildDir } from './paths.mjs';
import { GcWatch } from './gcwatch.mjs';

const modules = new Map();

export const nodeEnv = {
  name: 'node',
  /** Imports the built library (dist/, made by `npm run build`); BENCH_WASM_ARENA overrides the path. */
  async loadWasmArena() {
    const file = process.env.BENCH_WASM_ARENA ? resolve(process.env.BENCH_WASM_ARENA) : resolve(rootDir, 'dist/index.js');
    if (!existsSync(file)) throw new Error('wasm-arena is not built (dist/index.js missing): run `npm run build`');
    return import(pathToFileURL(file).href);
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
