// The timeline: live bytes per tag over time, recorded at every memory growth and on request
// (heap.sample()), and drawn as a stacked area chart (the `mprof plot` of this heap).

import * as L from '../layout.js';
import type { Heap } from '../heap.js';
import { now, type ProfilerState } from './state.js';
import type { Timeline, TimelineSample } from './types.js';
import { liveBytesByTag } from './report.js';
import { bytes } from './format.js';
import { esc, label, legend, svgOpen, tagColour } from './svg.js';
import { rootWord } from './walk.js';

/** Records one sample (drops the oldest beyond the capacity). */
export function record(heap: Heap, p: ProfilerState, reason: TimelineSample['reason']): void {
  const m = heap._fresh().u32;
  const byTag = liveBytesByTag(m, p);
  p.samples.push({
    time: now() - p.born,
    heapBytes: m.byteLength - m[rootWord(L.ROOT_HEAP_START)],
    liveBytes: byTag.reduce((a, b) => a + b, 0),
    byTag,
    reason,
  });
  if (p.samples.length > p.capacity) p.samples.splice(0, p.samples.length - p.capacity);
}

export function timelineOf(p: ProfilerState): Timeline {
  const timeline: Timeline = {
    tags: p.names.slice(),
    samples: p.samples.map((s) => ({ ...s, byTag: s.byTag.slice() })),
    toSVG: (options = {}) => drawTimeline(timeline, options.width ?? 768, options.height ?? 220),
  };
  return timeline;
}

/** A stacked area chart of live bytes per tag, the heap's span as a dashed line, growths marked. */
export function drawTimeline(t: Timeline, width: number, height: number): string {
  const samples = t.samples;
  const left = 84, right = 16, top = 28, chartH = height - top - 34;
  const chartW = width - left - right;
  const ids = t.tags.map((_, id) => id).filter((id) => samples.some((s) => (s.byTag[id] ?? 0) > 0));
  const [legendSvg, legendHeight] = legend(ids.map((id) => ({ fill: tagColour(id), text: label(t.tags, id) })), left, top + chartH + 26, chartW, 4);
  const out = [svgOpen(width, height + legendHeight, 'live bytes per tag over time'),
    `<text x="${left}" y="16" font-size="12" font-weight="bold">live bytes per tag over time</text>`];
  if (samples.length === 0) {
    out.push(`<text x="${left}" y="${top + 20}">no samples yet: heap.sample() records one</text></svg>`);
    return out.join('');
  }
  const t0 = samples[0].time;
  const span = Math.max(1e-9, samples[samples.length - 1].time - t0);
  const yMax = Math.max(1, ...samples.map((s) => Math.max(s.heapBytes, s.liveBytes)));
  const X = (time: number) => (left + ((time - t0) / span) * chartW).toFixed(1);
  const Y = (b: number) => (top + chartH - (b / yMax) * chartH).toFixed(1);
  // Stacked areas, first tag at the bottom.
  const below = samples.map(() => 0);
  for (const id of ids) {
    const upper = samples.map((s, k) => below[k] + (s.byTag[id] ?? 0));
    const pts = samples.map((s, k) => `${X(s.time)},${Y(upper[k])}`);
    const back = samples.map((s, k) => `${X(s.time)},${Y(below[k])}`).reverse();
    out.push(`<polygon points="${pts.concat(back).join(' ')}" fill="${tagColour(id)}" fill-opacity="0.85"><title>${esc(label(t.tags, id))}</title></polygon>`);
    upper.forEach((v, k) => (below[k] = v));
  }
  out.push(`<polyline points="${samples.map((s) => `${X(s.time)},${Y(s.heapBytes)}`).join(' ')}" fill="none" stroke="#1f2933" stroke-dasharray="4 3"><title>heap bytes</title></polyline>`);
  for (const s of samples) if (s.reason === 'growth') out.push(`<line x1="${X(s.time)}" x2="${X(s.time)}" y1="${top + chartH}" y2="${top + chartH + 6}" stroke="#e15759" stroke-width="2"><title>memory grew</title></line>`);
  out.push(
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + chartH}" stroke="#9aa5b1"/>`,
    `<line x1="${left}" x2="${left + chartW}" y1="${top + chartH}" y2="${top + chartH}" stroke="#9aa5b1"/>`,
    `<text x="${left - 6}" y="${top + 4}" text-anchor="end">${bytes(yMax)}</text>`,
    `<text x="${left - 6}" y="${top + chartH}" text-anchor="end">0</text>`,
    `<text x="${left}" y="${top + chartH + 18}">${(t0 / 1000).toFixed(1)} s</text>`,
    `<text x="${left + chartW}" y="${top + chartH + 18}" text-anchor="end">${((t0 + span) / 1000).toFixed(1)} s · dashed: heap bytes · red ticks: growth</text>`,
    legendSvg, '</svg>');
  return out.join('');
}
