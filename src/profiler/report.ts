// heap.report(): the tallies (exact, from linear memory) and a walk of the heap for free space.

import * as L from '../layout.js';
import type { Heap } from '../heap.js';
import { HeapCorruptionError } from '../errors.js';
import { hex } from '../faults.js';
import type { ProfilerState } from './state.js';
import type { FreeBucket, ProfileReport, TagReport } from './types.js';
import { bytes, count, table, tagName } from './format.js';
import { walkBlocks } from './walk.js';

const TWO32 = 2 ** 32;

/** A 64-bit count kept as two words (low, high) from word w. */
export const count64 = (m: Uint32Array, w: number): number => m[w] + m[w + 1] * TWO32;

/** Tag `id`'s figures from its tally. */
export function tallyOf(m: Uint32Array, p: ProfilerState, id: number): TagReport {
  const w = p.tallyWord(id);
  const allocs = count64(m, w + (L.TALLY_ALLOCS >>> 2));
  const frees = count64(m, w + (L.TALLY_FREES >>> 2));
  return {
    tag: p.names[id],
    liveBlocks: allocs - frees,
    liveBytes: m[w + (L.TALLY_LIVE_BYTES >>> 2)],
    peakLiveBytes: m[w + (L.TALLY_PEAK_LIVE_BYTES >>> 2)],
    allocs,
    frees,
  };
}

/** Live bytes of every tag id in use, indexed by id. */
export function liveBytesByTag(m: Uint32Array, p: ProfilerState): number[] {
  return p.names.map((_, id) => m[p.tallyWord(id) + (L.TALLY_LIVE_BYTES >>> 2)]);
}

/** Every tag that has allocated, most live bytes first. */
export function tagsOf(m: Uint32Array, p: ProfilerState): TagReport[] {
  const tags: TagReport[] = [];
  for (let id = 0; id < p.names.length; id++) {
    const t = tallyOf(m, p, id);
    if (t.allocs > 0) tags.push(t);
  }
  return tags.sort((a, b) => b.liveBytes - a.liveBytes);
}

export function makeReport(heap: Heap, p: ProfilerState): ProfileReport {
  const m = heap._fresh().u32;
  const tags = tagsOf(m, p);
  const total = { liveBlocks: 0, liveBytes: 0, allocs: 0, frees: 0 };
  for (const t of tags) {
    total.liveBlocks += t.liveBlocks;
    total.liveBytes += t.liveBytes;
    total.allocs += t.allocs;
    total.frees += t.frees;
  }
  // Free space, by a walk of every block (bounded: see walkBlocks).
  const buckets = new Map<number, FreeBucket>();
  let freeBlocks = 0, freeBytes = 0, largest = 0, cachedBlocks = 0, cachedBytes = 0;
  const end = walkBlocks(m, heap._s, (_b, size, kind) => {
    if (kind === L.KIND_CACHED) {
      cachedBlocks++;
      cachedBytes += size;
    } else if (kind === L.KIND_FREE) {
      freeBlocks++;
      freeBytes += size;
      if (size > largest) largest = size;
      const k = 31 - Math.clz32(size);
      const bucket = buckets.get(k) ?? { from: 2 ** k, to: 2 ** (k + 1), blocks: 0, bytes: 0 };
      bucket.blocks++;
      bucket.bytes += size;
      buckets.set(k, bucket);
    }
  });
  if (end !== m.byteLength - L.HEADER) throw new HeapCorruptionError(`report(): the heap is damaged at ${hex(end)} (see heap.check())`, end);
  const share = freeBytes > 0 ? largest / freeBytes : 1;
  const report: ProfileReport = {
    tags,
    total,
    peakUsedBytes: m[(L.ROOT + L.ROOT_PEAK_USED_BYTES) >>> 2],
    heapBytes: m.byteLength - m[(L.ROOT + L.ROOT_HEAP_START) >>> 2],
    cachedBlocks,
    cachedBytes,
    free: {
      blocks: freeBlocks,
      bytes: freeBytes,
      largest,
      largestShare: share,
      fragmentation: 1 - share,
      histogram: [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v),
    },
    toString: () => formatReport(report),
  };
  return report;
}

/** A report as a text table. */
export function formatReport(r: ProfileReport): string {
  const row = (name: string, t: ProfileReport['total'], peak: string) =>
    [name, count(t.liveBlocks), bytes(t.liveBytes), peak, count(t.allocs), count(t.frees)];
  const lines = [
    `heap ${bytes(r.heapBytes)}: ${bytes(r.total.liveBytes)} live in ${count(r.total.liveBlocks)} blocks, ` +
      `${bytes(r.cachedBytes)} cached, ${bytes(r.free.bytes)} free; at most ${bytes(r.peakUsedBytes)} held at once`,
    '',
    table([
      ['tag', 'live blocks', 'live bytes', 'peak bytes', 'allocs', 'frees'],
      ...r.tags.map((t) => row(tagName(t.tag), t, bytes(t.peakLiveBytes))),
      row('total', r.total, ''),
    ]),
    '',
    `free: ${count(r.free.blocks)} blocks, ${bytes(r.free.bytes)}; the largest, ${bytes(r.free.largest)}, is ` +
      `${(100 * r.free.largestShare).toFixed(1)}% of it (fragmentation ${r.free.fragmentation.toFixed(3)})`,
  ];
  if (r.free.histogram.length > 0) {
    lines.push('', table([
      ['free block size', 'blocks', 'bytes'],
      ...r.free.histogram.map((h) => [`${bytes(h.from)} – ${bytes(h.to)}`, count(h.blocks), bytes(h.bytes)]),
    ]));
  }
  return lines.join('\n');
}
