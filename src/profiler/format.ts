// Numbers and bytes as the profiler's text tables and pictures show them.

/** 1234567 → "1,234,567". */
export const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Bytes with a binary unit and three significant digits: 512 B, 1.50 KiB, 12.3 MiB. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${Math.round(v)} B`;
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[u]}`;
}

/** A tag's name as tables show it. */
export const tagName = (tag: string | null): string => (tag === null ? '(untagged)' : tag);

/** Pads `s` to `width` characters, on the left for `right`-aligned columns. */
export const pad = (s: string, width: number, right = false): string => (right ? s.padStart(width) : s.padEnd(width));

/** Rows of cells as a text table: the first column left-aligned, the others right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => pad(cell, widths[c], c > 0)).join('  ').trimEnd()).join('\n');
}
