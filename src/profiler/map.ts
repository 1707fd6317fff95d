// heap.heapMap(): the whole linear memory as an SVG picture, like Emscripten's memory profiler's
// fragmentation map: rows of cells, each cell a power of two of bytes, coloured by what holds
// most of its bytes: a tag (held blocks; arenas, pools and rings patterned over their tag's
// colour), free space, blocks parked in caches, the allocator's own blocks, the control block.
//
// The cells are filled by one walk of the blocks in address order (bounded like check()'s: every
// step moves forward); a cell accumulates the few categories it overlaps and keeps the one with
// the most bytes. The number of cells is fixed (columns × at most maxRows), so the picture's size
// does not grow with the heap: equal cells merge into one rectangle per run.

import * as L from '../layout.js';
import type { Heap } from '../heap.js';
import { hex } from '../faults.js';
import type { ProfilerState } from './state.js';
import type { HeapMapOptions } from './types.js';
import { bytes, count } from './format.js';
import { esc, label, legend, nextPrefix, svgOpen, tagColour, type LegendEntry } from './svg.js';
import { rootWord, trailerTag, walkBlocks } from './walk.js';

// Categories of bytes. Held blocks: HELD + group · TAG_COUNT + tag id.
const GUARD = 0, CONTROL = 1, FREE = 2, CACHED = 3, CACHES = 4, TABLES = 5, DAMAGED = 6, HELD = 16;
/** Held blocks are drawn by group: the heap's blocks, arenas, pools (header, stack, slabs), rings. */
const GROUP_USER = 0, GROUP_ARENA = 1, GROUP_POOL = 2, GROUP_RING = 3;
const groupOf = (kind: number): number =>
  kind === L.KIND_ARENA ? GROUP_ARENA : kind === L.KIND_POOL || kind === L.KIND_STACK || kind === L.KIND_SLAB ? GROUP_POOL : kind === L.KIND_RING ? GROUP_RING : GROUP_USER;
const GROUP_NAMES = ['heap blocks', 'arenas', 'pools (header, stack, slabs)', 'rings'];
const GROUP_PATTERNS = ['', 'arena', 'pool', 'ring'];

const SPECIAL: Record<number, { fill: string; pattern?: string; text: string }> = {
  [GUARD]: { fill: '#323f4b', pattern: 'guard', text: 'null guard (never written)' },
  [CONTROL]: { fill: '#1f2933', text: 'control block (root, free-list heads)' },
  [FREE]: { fill: '#eef2f6', text: 'free' },
  [CACHED]: { fill: '#e4e7eb', pattern: 'cached', text: 'freed into a cache (reused first)' },
  [CACHES]: { fill: '#7b8794', text: 'caches (one per Heap object)' },
  [TABLES]: { fill: '#3e4c59', text: "the profiler's tables" },
  [DAMAGED]: { fill: '#ff3b30', pattern: 'guard', text: 'not walked: damaged (see heap.check())' },
};

/** The category of a block of `kind` whose trailer says tag `tag`. */
function categoryOf(kind: number, tag: number): number {
  switch (kind) {
    case L.KIND_FREE: return FREE;
    case L.KIND_CACHED: return CACHED;
    case L.KIND_CACHE: return CACHES;
    case L.KIND_PROFILE: return TABLES;
    default: return HELD + groupOf(kind) * L.TAG_COUNT + (tag & (L.TAG_COUNT - 1));
  }
}

/** Cells of `cell` bytes, each holding the category with the most bytes in it. */
class Cells {
  readonly keys: Int32Array;
  private cur = -1;
  private readonly accKeys: number[] = [];
  private readonly accBytes: number[] = [];

  constructor(readonly cell: number, n: number) {
    this.keys = new Int32Array(n).fill(DAMAGED);
  }

  /** Bytes [from, to) belong to category `key` (calls come in address order). */
  paint(from: number, to: number, key: number): void {
    const cell = this.cell;
    while (from < to) {
      const c = Math.floor(from / cell);
      const part = Math.min(to, (c + 1) * cell) - from;
      if (part === cell) {
        this.settle();
        this.keys[c] = key;
      } else {
        if (c !== this.cur) {
          this.settle();
          this.cur = c;
        }
        const k = this.accKeys.indexOf(key);
        if (k >= 0) this.accBytes[k] += part;
        else {
          this.accKeys.push(key);
          this.accBytes.push(part);
        }
      }
      from += part;
    }
  }

  /** Gives the cell being accumulated its category. */
  settle(): void {
    if (this.cur >= 0) {
      let best = 0;
      for (let k = 1; k < this.accKeys.length; k++) if (this.accBytes[k] > this.accBytes[best]) best = k;
      this.keys[this.cur] = this.accKeys[best];
    }
    this.cur = -1;
    this.accKeys.length = 0;
    this.accBytes.length = 0;
  }
}

function checkOption(name: string, v: number | undefined, fallback: number, min: number, max: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`heapMap: ${name} must be an integer from ${min} to ${max}, got ${String(v)}`);
  }
  return v;
}

export function drawHeapMap(heap: Heap, p: ProfilerState, options: HeapMapOptions): string {
  if (options === null || typeof options !== 'object') throw new TypeError(`heapMap: options must be an object, got ${String(options)}`);
  const columns = checkOption('columns', options.columns, 128, 8, 1024);
  const maxRows = checkOption('maxRows', options.maxRows, 64, 1, 1024);
  const cs = checkOption('cellSize', options.cellSize, 6, 1, 64);
  const m = heap._fresh().u32;
  const memoryBytes = m.byteLength;
  let cell = 8;
  while (Math.ceil(memoryBytes / (cell * columns)) > maxRows) cell *= 2;
  const n = Math.ceil(memoryBytes / cell);
  const rows = Math.ceil(n / columns);
  const cells = new Cells(cell, n);
  const totals = new Map<number, { bytes: number; blocks: number }>();
  const add = (key: number, size: number, blocks: number) => {
    const t = totals.get(key) ?? { bytes: 0, blocks: 0 };
    t.bytes += size;
    t.blocks += blocks;
    totals.set(key, t);
  };
  const start = m[rootWord(L.ROOT_HEAP_START)];
  const tail = memoryBytes - L.HEADER;
  cells.paint(0, L.NULL_GUARD, GUARD);
  add(GUARD, L.NULL_GUARD, 0);
  cells.paint(L.NULL_GUARD, Math.min(start, tail), CONTROL);
  add(CONTROL, Math.min(start, tail) - L.NULL_GUARD + L.HEADER, 0);
  let largestFree = 0;
  const end = walkBlocks(m, heap._s, (b, size, kind) => {
    const key = categoryOf(kind, kind === L.KIND_FREE || kind === L.KIND_CACHED ? 0 : trailerTag(m, b, size));
    cells.paint(b, b + size, key);
    add(key, size, 1);
    if (kind === L.KIND_FREE && size > largestFree) largestFree = size;
  });
  if (end < tail) {
    cells.paint(end, tail, DAMAGED);
    add(DAMAGED, tail - end, 0);
  }
  cells.paint(tail, memoryBytes, CONTROL);
  cells.settle();

  // ── Picture ──────────────────────────────────────────────────────────────────────────────
  const id = nextPrefix('map');
  const left = 84, top = 44, mapWidth = columns * cs, width = left + mapWidth + 16;
  const fillOf = (key: number) => (key >= HELD ? tagColour((key - HELD) % L.TAG_COUNT) : SPECIAL[key].fill);
  const patternOf = (key: number) => (key >= HELD ? GROUP_PATTERNS[Math.floor((key - HELD) / L.TAG_COUNT)] : SPECIAL[key].pattern ?? '');
  const nameOf = (key: number) => {
    if (key < HELD) return SPECIAL[key].text;
    const group = Math.floor((key - HELD) / L.TAG_COUNT);
    const tag = label(p.names, (key - HELD) % L.TAG_COUNT);
    return group === GROUP_USER ? tag : `${tag} · ${GROUP_NAMES[group]}`;
  };
  const body: string[] = [];
  for (let r = 0; r < rows; r++) {
    const y = top + r * cs;
    if (r % 8 === 0) body.push(`<text x="${left - 6}" y="${y + Math.min(cs, 9)}" text-anchor="end" font-size="10" fill="#616e7c">${hex(r * columns * cell)}</text>`);
    for (let c = 0; c < columns; ) {
      const i = r * columns + c;
      if (i >= n) break;
      const key = cells.keys[i];
      let len = 1;
      while (c + len < columns && i + len < n && cells.keys[i + len] === key) len++;
      const x = left + c * cs;
      const what = `${hex(i * cell)}–${hex((i + len) * cell)}: ${nameOf(key)}`;
      const pattern = patternOf(key);
      body.push(`<rect x="${x}" y="${y}" width="${len * cs}" height="${cs}" fill="${fillOf(key)}"><title>${esc(what)}</title></rect>`);
      if (pattern) body.push(`<rect x="${x}" y="${y}" width="${len * cs}" height="${cs}" fill="url(#${id}${pattern})" pointer-events="none"/>`);
      c += len;
    }
  }
  // Legend: one entry per category present, with its exact bytes.
  const order = [...totals.keys()].sort((a, b) => (a < HELD) !== (b < HELD) ? (a < HELD ? 1 : -1) : a < HELD ? a - b : totals.get(b)!.bytes - totals.get(a)!.bytes);
  const entries: LegendEntry[] = order.map((key) => {
    const t = totals.get(key)!;
    const pattern = patternOf(key);
    return { fill: fillOf(key), pattern: pattern ? id + pattern : undefined, text: `${nameOf(key)}: ${bytes(t.bytes)}${t.blocks ? ` in ${count(t.blocks)}` : ''}` };
  });
  const [legendSvg, legendHeight] = legend(entries, left, top + rows * cs + 14, mapWidth, mapWidth >= 600 ? 2 : 1);
  const height = top + rows * cs + 14 + legendHeight + 6;
  const free = totals.get(FREE)?.bytes ?? 0;
  const live = [...totals.entries()].reduce((s, [k, t]) => s + (k >= HELD || k === CACHES || k === TABLES ? t.bytes : 0), 0);
  const title = options.title ?? `wasm-arena heap map: ${bytes(memoryBytes)} of memory, one cell = ${bytes(cell)}`;
  const subtitle = `held ${bytes(live)} · free ${bytes(free)}, largest block ${bytes(largestFree)}` +
    (free > 0 ? ` (fragmentation ${(1 - largestFree / free).toFixed(2)})` : '') +
    ` · cached ${bytes(totals.get(CACHED)?.bytes ?? 0)}`;
  const defs = `<defs>` +
    `<pattern id="${id}arena" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="2" height="5" fill="#000" fill-opacity="0.4"/></pattern>` +
    `<pattern id="${id}pool" width="4" height="4" patternUnits="userSpaceOnUse"><circle cx="2" cy="2" r="1" fill="#000" fill-opacity="0.45"/></pattern>` +
    `<pattern id="${id}ring" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="1.5" fill="#000" fill-opacity="0.4"/></pattern>` +
    `<pattern id="${id}cached" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="1" height="4" fill="#52606d" fill-opacity="0.6"/></pattern>` +
    `<pattern id="${id}guard" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="1.5" height="4" fill="#fff" fill-opacity="0.35"/></pattern>` +
    `</defs>`;
  return svgOpen(width, height, title) + defs +
    `<text x="${left}" y="16" font-size="12" font-weight="bold">${esc(title)}</text>` +
    `<text x="${left}" y="32" fill="#52606d">${esc(subtitle)}</text>` +
    `<rect x="${left - 0.5}" y="${top - 0.5}" width="${mapWidth + 1}" height="${rows * cs + 1}" fill="none" stroke="#9aa5b1"/>` +
    body.join('') + legendSvg + '</svg>';
}
