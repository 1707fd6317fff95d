// heap.snapshot() and heap.leaks(snapshot): the blocks live now that were allocated after the
// snapshot (their trailer's serial says when), by tag, and by call site for sampled ones.

import * as L from '../layout.js';
import type { Heap } from '../heap.js';
import { show } from '../args.js';
import { HeapCorruptionError } from '../errors.js';
import { hex } from '../faults.js';
import { now, type ProfilerState } from './state.js';
import { userFrames } from './sites.js';
import type { LeakReport, LeakSite, LeakTag, Snapshot } from './types.js';
import { bytes, count, table, tagName } from './format.js';
import { carries, isHeld, trailerSerial, trailerTag, walkBlocks } from './walk.js';

/** The serial number the next allocation will get. */
const serialOf = (m: Uint32Array, p: ProfilerState): number => m[(p.table + L.PROFILE_SERIAL) >>> 2];

export function takeSnapshot(heap: Heap, p: ProfilerState): Snapshot {
  const s: Snapshot = Object.freeze({ serial: serialOf(heap._fresh().u32, p), time: now() - p.born });
  p.snapshots.add(s);
  return s;
}

export function leaksSince(heap: Heap, p: ProfilerState, since: Snapshot): LeakReport {
  if (typeof since !== 'object' || since === null || !p.snapshots.has(since)) {
    throw new TypeError(`leaks: expected a snapshot from this heap's snapshot(), got ${show(since)}`);
  }
  const m = heap._fresh().u32;
  // Serials wrap at 2^32: "after the snapshot" is "less far from it than the next serial is".
  const span = (serialOf(m, p) - since.serial) >>> 0;
  const after = (serial: number) => ((serial - since.serial) >>> 0) < span;
  const byTag = new Map<number, LeakTag>();
  let blocks = 0, total = 0;
  const end = walkBlocks(m, heap._s, (b, size, kind) => {
    if (!isHeld(kind) || !after(trailerSerial(m, b, size))) return;
    const id = trailerTag(m, b, size);
    const t = byTag.get(id) ?? { tag: p.names[id] ?? `(tag id ${id})`, blocks: 0, bytes: 0 };
    t.blocks++;
    t.bytes += size;
    byTag.set(id, t);
    blocks++;
    total += size;
  });
  if (end !== m.byteLength - L.HEADER) throw new HeapCorruptionError(`leaks(): the heap is damaged at ${hex(end)} (see heap.check())`, end);
  const sites = new Map<string, LeakSite>();
  for (const [addr, s] of p.sites.samples) {
    if (!after(s.serial) || !carries(m, heap._s, addr, s.serial)) continue;
    const stack = userFrames(s.stack);
    const key = `${s.tag}\n${stack[0] ?? '?'}`;
    const site = sites.get(key) ?? { site: stack[0] ?? '(no stack)', stack, tag: p.names[s.tag] ?? null, sampledBlocks: 0, sampledBytes: 0, estimatedBytes: 0 };
    site.sampledBlocks++;
    site.sampledBytes += s.bytes;
    site.estimatedBytes += s.weight;
    sites.set(key, site);
  }
  const report: LeakReport = {
    since,
    blocks,
    bytes: total,
    tags: [...byTag.values()].sort((a, b) => b.bytes - a.bytes),
    sites: [...sites.values()].sort((a, b) => b.estimatedBytes - a.estimatedBytes),
    toString: () => formatLeaks(report),
  };
  return report;
}

/** A leak report as text. */
export function formatLeaks(r: LeakReport): string {
  const lines = [
    `${count(r.blocks)} blocks (${bytes(r.bytes)}) allocated since the snapshot are still live`,
  ];
  if (r.tags.length > 0) {
    lines.push('', table([['tag', 'blocks', 'bytes'], ...r.tags.map((t) => [tagName(t.tag), count(t.blocks), bytes(t.bytes)])]));
  }
  if (r.sites.length > 0) {
    lines.push('', 'by call site (sampled):');
    for (const s of r.sites) {
      lines.push(`  ~${bytes(s.estimatedBytes)} in ${count(s.sampledBlocks)} sampled blocks [${tagName(s.tag)}] at ${s.site}`);
    }
  }
  return lines.join('\n');
}
