// Workload — footprint: replay one recorded churn trace (16–512 B uniform, 10 000 live blocks,
// fill then random replacement) and report, per allocator, the peak bytes its heap spans against
// the peak bytes the program asked for, and the overhead per live block at the end.
// Allocator runs are deterministic, so one replay suffices (the JS GC figure is sampled and
// approximate: V8 heap + array buffers, every 500 operations).

import { env } from '../lib/env.mjs';
import { makeAllocator } from '../lib/peers.mjs';
import { sizeSequence, slotSequence, SEQ_MASK } from '../lib/prng.mjs';

export const TRACE = { live: 10_000, variant: 'small' };
const align8 = (n) => (n + 7) & ~7;

export async function run(job, ctx) {
  const { live } = TRACE;
  const steps = ctx.footprintSteps;
  const sizes = sizeSequence(TRACE.variant, 11);
  const idx = slotSequence(live, 12);
  env.gc();
  const mem0 = env.memoryBytes();
  const a = await makeAllocator(job.peer, live * 264, { growFromSmall: true });
  const slots = new Array(live).fill(0);
  const req = new Uint32Array(live);
  let liveBytes = 0;
  let peakLive = 0;
  let peakSpan = 0;
  const base = spanBase(job.peer, a);
  const sample = () => {
    const s = span(job.peer, a, mem0) - base;
    if (s > peakSpan) peakSpan = s;
  };
  for (let i = 0; i < live + steps; i++) {
    const m = i & SEQ_MASK;
    const j = i < live ? i : idx[m];
    if (i >= live) {
      a.free(slots[j]);
      liveBytes -= req[j];
    }
    slots[j] = a.alloc(sizes[m]);
    req[j] = sizes[m];
    liveBytes += sizes[m];
    if (liveBytes > peakLive) peakLive = liveBytes;
    if (job.peer === 'thing' || (i & 511) === 0) sample();
    if ((i & 16383) === 0) ctx.progress(`${i}/${live + steps} ops`);
  }
  sample();
  let aligned = 0;
  for (let j = 0; j < live; j++) aligned += align8(req[j]);
  const used = usedBytes(job.peer, a, slots);
  const out = {
    peakLiveBytes: peakLive,
    peakHeapBytes: peakSpan,
    ratio: peakSpan / peakLive,
    liveBlocks: live,
    usedBytesAtEnd: used,
    overheadPerBlock: used == null ? null : (used - aligned) / live,
    steps,
  };
  out.headerBytes = await headerProbe(job.peer);
  if (job.peer === 'wasm-arena') {
    const st = a.heap.stats();
    out.stats = st;
    out.peakUsedOverPeakLive = st.peakUsedBytes / peakLive;
  }
  const fixed = (x, unit) => ({ unit, median: x, min: x, max: x, reps: [x] });
  const metrics = { peakHeapBytes: fixed(peakSpan, 'B'), overheadPerBlock: fixed(out.overheadPerBlock, 'B'), ratio: fixed(out.ratio, '×') };
  return { metrics, extra: out };
}

/**
 * The per-block header, measured: in a fresh allocator, two back-to-back 64-byte allocations land
 * next to each other; the gap between their addresses beyond the 64 requested bytes is the header
 * (plus any rounding the allocator adds to every block).
 */
async function headerProbe(peer) {
  if (peer === 'js-gc' || peer === 'js-pool') return null;
  const a = await makeAllocator(peer, 1 << 16);
  const p = a.alloc(64);
  const q = a.alloc(64);
  return q > p ? q - p - 64 : null;
}

function spanBase(peer, a) {
  if (peer === 'thing') return a.pool.top; // initial top: state + alignment
  if (peer === 'as-tlsf') return a.ex.heapBase();
  return 0;
}

/** Bytes the allocator's heap spans right now (its high-water mark for these allocators). */
function span(peer, a, mem0) {
  switch (peer) {
    case 'wasm-arena':
      return a.heap.stats().heapBytes;
    case 'as-tlsf':
      return a.ex.memory.buffer.byteLength;
    case 'thing':
      return a.pool.top;
    case 'js-pool':
      return a.pool.ownedBytes;
    case 'js-gc':
      return env.memoryBytes() - mem0;
    default:
      throw new Error(`footprint: no ${peer} variant`);
  }
}

/** Bytes held by the live blocks, headers and padding included (read from each allocator's headers). */
function usedBytes(peer, a, slots) {
  let sum = 0;
  switch (peer) {
    case 'wasm-arena':
      return a.heap.stats().usedBytes;
    case 'as-tlsf': {
      // AS TLSF: a 4-byte mmInfo word before each block's data; size in its upper bits.
      const u32 = new Uint32Array(a.ex.memory.buffer);
      for (const p of slots) sum += (u32[(p - 4) >>> 2] & ~3) + 4;
      return sum;
    }
    case 'thing': {
      // thi.ng: an 8-byte header (size incl. header, next) before each block's data.
      const u32 = new Uint32Array(a.pool.buf);
      for (const p of slots) sum += u32[(p - 8) >>> 2];
      return sum;
    }
    case 'js-pool':
      for (const v of slots) sum += v.byteLength;
      return sum;
    default:
      return null;
  }
}
