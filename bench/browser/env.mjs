// The Chromium host of the workloads (see lib/env.mjs). Served by the bench's static server
// (cross-origin isolated: COOP + COEP) from the repository root, so the page imports the built
// library from /dist/ and the peer modules from /bench/peers/build/.
//
// GC events: a page cannot observe collections, so the driver records them. Each repetition
// asks the driver (binding `benchTrace`) to start a CDP trace with the `v8` category; the page
// then sets a performance mark, whose trace event carries both the trace clock and the page's
// performance.now() time. At flush the driver ends the trace and returns the V8 `MinorGC` and
// `MajorGC` events of the page's main thread and the mark; the watcher moves them onto the
// page's clock and attributes them to measured windows like the Node watcher does. Collections
// the harness forces (between windows) fall outside the windows.

const modules = new Map();
const SYNC = 'wasm-arena-bench-sync';

class TraceGcWatch {
  constructor() {
    this.method = 'CDP tracing: V8 MinorGC/MajorGC trace events of the page main thread';
    this.events = []; // [startTime ms (page clock), duration ms, kind]
    this.tracing = false;
  }
  async startRep() {
    globalThis.gc?.();
    await globalThis.benchTrace('start');
    this.tracing = true;
    performance.mark(SYNC);
    this.events = [];
  }
  /** Ends the trace and takes its GC events (the trace clock is moved onto performance.now()). */
  async flush() {
    if (!this.tracing) return;
    this.tracing = false;
    const t = await globalThis.benchTrace('stop');
    if (t.syncTs == null) throw new Error(`GC trace without its sync mark (${t.eventCount} events)`);
    const offsetMs = t.syncTs / 1000 - t.syncStartMs;
    this.events = t.events.map(([ts, dur, kind]) => [ts / 1000 - offsetMs, dur / 1000, kind]);
  }
  inWindows(windows) {
    return this.events.filter(([s]) => windows.some(([a, b]) => s >= a && s <= b));
  }
  stop() {}
}

export const browserEnv = {
  name: 'chromium',
  loadWasmArena: (entry = 'index') => import(`../../dist/${entry}.js`),
  startThread(data) {
    const w = new Worker(new URL('./thread.js', import.meta.url), { type: 'module' });
    const result = new Promise((res, rej) => {
      w.onmessage = (e) => (e.data?.error ? rej(new Error(e.data.error)) : res(e.data));
      w.onerror = (e) => rej(new Error(`bench thread: ${e.message}`));
    });
    w.postMessage(data);
    return { result, terminate: () => w.terminate() };
  },
  async loadPeer(name) {
    if (!modules.has(name)) {
      const res = await fetch(new URL(`../peers/build/${name}.wasm`, import.meta.url));
      if (!res.ok) throw new Error(`peer module ${name}.wasm: HTTP ${res.status}`);
      modules.set(name, await WebAssembly.compile(await res.arrayBuffer()));
    }
    return new WebAssembly.Instance(modules.get(name), {}).exports;
  },
  // @thi.ng/malloc bundled into one ES module by lib/build-peers.mjs (no import maps needed).
  loadThing: () => import('../peers/build/thing.mjs'),
  loadRingbuf: () => import('../peers/build/ringbuf.mjs'),
  gcWatch: async () => new TraceGcWatch(),
  cpuMs: () => null,
  memoryBytes: () => performance.memory?.usedJSHeapSize ?? null,
  gc: (options) => globalThis.gc?.(options),
};
