// check() of a profile heap: after the heap walk of heap.check(), the profiler's tables against a
// walk of the trailers (assembly/layout.ts, "Profile": the invariant). Reads memory only; the
// walk is bounded like check()'s.

import * as L from '../layout.js';
import type { Heap } from '../heap.js';
import { hex } from '../faults.js';
import { kindAt } from '../inspect.js';
import type { ProfilerState } from './state.js';
import { isHeld, rootWord, trailerSerial, trailerTag, walkBlocks } from './walk.js';
import { count64, tallyOf } from './report.js';

const TWO32 = 2 ** 32;

/** What is wrong with the profiler's tables, or null. `tag`: the Heap object's current tag id. */
export function profileFault(heap: Heap, p: ProfilerState, tag: number): string | null {
  const m = heap._fresh().u32;
  const t = p.table;
  if (m[rootWord(L.ROOT_PROFILE)] !== t || kindAt(m, t - L.HEADER, heap._s) !== L.KIND_PROFILE) {
    return `the root no longer names the profile table at ${hex(t)} (overwritten)`;
  }
  if (heap._c !== 0 && m[(heap._c + L.CACHE_TAG) >>> 2] !== tag) {
    return `this Heap object's tag word holds ${m[(heap._c + L.CACHE_TAG) >>> 2]}, not its tag id ${tag} (overwritten)`;
  }
  const serialNow = m[(t + L.PROFILE_SERIAL) >>> 2];
  // Every allocation took one serial and counted one alloc: Σ allocs = serial (mod 2^32).
  let allocs = 0;
  for (let id = 0; id < L.TAG_COUNT; id++) allocs += count64(m, p.tallyWord(id) + (L.TALLY_ALLOCS >>> 2));
  if (allocs % TWO32 !== serialNow) return `the profile table counts ${allocs} allocations, its serial number is ${serialNow}`;
  const serialsOk = allocs < TWO32; // before the serial wraps, every trailer's serial is below it
  const blocks = new Float64Array(L.TAG_COUNT);
  const bytes = new Float64Array(L.TAG_COUNT);
  let fault: string | null = null;
  walkBlocks(m, heap._s, (b, size, kind) => {
    if (fault !== null || !isHeld(kind)) return;
    const id = trailerTag(m, b, size);
    if (id >= p.names.length || (serialsOk && trailerSerial(m, b, size) >= serialNow)) {
      fault = `the block at ${hex(b + L.HEADER)}: its profile trailer (tag ${id}, serial ${trailerSerial(m, b, size)}) was overwritten (a write past the end of the block?)`;
      return;
    }
    blocks[id]++;
    bytes[id] += size;
  });
  if (fault !== null) return fault;
  for (let id = 0; id < L.TAG_COUNT; id++) {
    const t = tallyOf(m, p, id);
    if (t.liveBlocks !== blocks[id] || t.liveBytes !== bytes[id]) {
      return `the profile tally of tag ${tagName(p, id)} says ${t.liveBlocks} blocks of ${t.liveBytes} bytes, its trailers ${blocks[id]} blocks of ${bytes[id]} bytes`;
    }
    if (t.peakLiveBytes < t.liveBytes) return `the profile tally of tag ${tagName(p, id)}: its peak is below its live bytes`;
  }
  return null;
}

/** Tag `id` as a message names it: its name, or its id when it has none. */
function tagName(p: ProfilerState, id: number): string {
  return id < p.names.length ? JSON.stringify(p.names[id]) : `id ${id}`;
}
