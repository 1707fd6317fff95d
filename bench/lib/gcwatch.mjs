// Node: collects V8 GC events (perf_hooks entries of type 'gc') and attributes them to measured
// windows. Collections the harness forces between windows (flag 4 = forced) are never counted.
// The Chromium host has its own watcher with the same interface (bench/browser/env.mjs).

import { PerformanceObserver } from 'node:perf_hooks';

const FORCED = 4; // perf_hooks constants.NODE_PERFORMANCE_GC_FLAGS_FORCED

export class GcWatch {
  constructor() {
    this.method = "perf_hooks PerformanceObserver, entry type 'gc'";
    this.events = []; // [startTime ms, duration ms, kind]
    this.obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const flags = e.detail?.flags ?? e.flags ?? 0;
        if (flags & FORCED) continue;
        this.events.push([e.startTime, e.duration, e.detail?.kind ?? e.kind ?? 0]);
      }
    });
    this.obs.observe({ entryTypes: ['gc'] });
  }
  /** Lets the observer deliver pending entries (they arrive asynchronously). */
  async flush() {
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  }
  /** Events that started inside any of the [start, end] windows (performance.now() times). */
  inWindows(windows) {
    return this.events.filter(([s]) => windows.some(([a, b]) => s >= a && s <= b));
  }
  /** Starts a repetition from a clean slate: collect what came before, then forget its events. */
  async startRep() {
    globalThis.gc?.();
    await this.flush();
    this.events.length = 0;
  }
  stop() {
    this.obs.disconnect();
  }
}
