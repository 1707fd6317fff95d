// Entry point 'wasm-arena/profile': importing it once makes the profile build available to
// `new Heap({ profile: true })`, `Heap.compile({ profile: true })` and friends, and with it the
// profiler (tags, report, leaks, heap map, timeline: src/profiler/). A separate entry so that
// apps that never use it never bundle its bytes or its code.
import bytes from './builds/profile.js';
import { registerBuild } from './wasm.js';
import { PROFILER } from './heap.js';
import { adoptProfiler } from './profiler/heap.js';

registerBuild('profile', bytes);
(globalThis as Record<symbol, unknown>)[PROFILER] ??= adoptProfiler;

export type { TagReport, FreeBucket, ProfileReport, Snapshot, LeakTag, LeakSite, LeakReport, HeapMapOptions, TimelineSample, Timeline } from './profiler/types.js';
