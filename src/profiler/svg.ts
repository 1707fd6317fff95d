// What the profiler's two pictures (the heap map, the timeline) share: colours and SVG text.

import * as L from '../layout.js';
import { tagName } from './format.js';

/** Colours of the first user tags (Tableau 10, minus its grey: greys are the allocator's). */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];

/** The colour of tag id `id`, the same in every picture. */
export function tagColour(id: number): string {
  if (id === L.TAG_NONE) return '#9aa5b1';
  if (id === L.TAG_ALLOCATOR) return '#52606d';
  const k = id - L.TAG_FIRST;
  if (k < PALETTE.length) return PALETTE[k];
  return `hsl(${Math.round((k * 137.508) % 360)} 55% 55%)`; // golden-angle hues beyond the palette
}

/** Text for SVG content and attribute values. */
export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A tag's name as pictures show it. */
export const label = (names: readonly (string | null)[], id: number): string => tagName(names[id] ?? `(tag id ${id})`);

/** Unique id prefixes, so that several pictures can share one page. */
let pictures = 0;
export const nextPrefix = (what: string): string => `wa-${what}${++pictures}-`;

/** A legend entry: a swatch (a fill, optionally a pattern over it) and a text. */
export interface LegendEntry {
  fill: string;
  pattern?: string;
  text: string;
}

/** Legend entries in `columns` columns from (x, y); returns the SVG and the height it takes. */
export function legend(entries: LegendEntry[], x: number, y: number, width: number, columns: number): [string, number] {
  const colWidth = width / columns;
  const rowHeight = 16;
  const out: string[] = [];
  entries.forEach((e, i) => {
    const cx = x + (i % columns) * colWidth;
    const cy = y + Math.floor(i / columns) * rowHeight;
    out.push(`<rect x="${cx}" y="${cy}" width="12" height="12" fill="${e.fill}" stroke="#3e4c59" stroke-width="0.5"/>`);
    if (e.pattern) out.push(`<rect x="${cx}" y="${cy}" width="12" height="12" fill="url(#${e.pattern})"/>`);
    out.push(`<text x="${cx + 17}" y="${cy + 10}">${esc(e.text)}</text>`);
  });
  return [out.join(''), Math.ceil(entries.length / columns) * rowHeight];
}

/** The opening of a profiler picture: size, fonts, a white card behind it. */
export function svgOpen(width: number, height: number, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="11" fill="#1f2933">` +
    `<title>${esc(title)}</title><rect width="${width}" height="${height}" fill="#ffffff"/>`;
}
