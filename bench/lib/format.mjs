// Number and table formatting for the console and the report.

/** 3 significant digits; an exponent only below 0.01 and from 10 million up. */
export function num(x) {
  if (x == null || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return '∞';
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (Number.isInteger(x) && a < 1e6) return x.toLocaleString('en-US');
  if (a >= 1e7) return x.toExponential(1); // a ratio of a huge figure to a tiny one stays short
  if (a >= 100) return Math.round(x).toLocaleString('en-US');
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a >= 0.01) return x.toPrecision(3); // 0.9996 → "1.00", not "1.000"
  return x.toPrecision(2);
}

export function bytes(x) {
  if (x == null || Number.isNaN(x)) return '—';
  if (x >= 1 << 30) return `${(x / (1 << 30)).toFixed(2)} GiB`;
  if (x >= 1 << 20) return `${(x / (1 << 20)).toFixed(2)} MiB`;
  if (x >= 1 << 10) return `${(x / (1 << 10)).toFixed(1)} KiB`;
  return `${Number.isInteger(x) ? x : num(x)} B`;
}

const TIME = ['ns', 'µs', 'ms', 's'];

/** Rescales a time figure so it prints with at most 4 digits: 12 345 ns → 12.3 µs. */
function timeScale(x, unit) {
  let i = TIME.indexOf(unit);
  let f = 1;
  while (i >= 0 && i < TIME.length - 1 && Math.abs(x / f) >= 10_000) {
    f *= 1000;
    i++;
  }
  return { f, unit: i >= 0 ? TIME[i] : unit };
}

/** "median unit (min–max)" with one scale for all three numbers; just the median when min = max. */
export function range(c, unit) {
  if (!c || c.median == null || Number.isNaN(c.median)) return '—';
  if (unit === 'B') return c.min === c.max ? bytes(c.median) : `${bytes(c.median)} (${bytes(c.min)}–${bytes(c.max)})`;
  const { f, unit: u } = timeScale(c.median, unit);
  const v = withUnit(c.median / f, u);
  return c.min === c.max ? v : `${v} (${num(c.min / f)}–${num(c.max / f)})`;
}

export function withUnit(x, unit) {
  if (TIME.includes(unit)) {
    const { f, unit: u } = timeScale(x, unit);
    if (f !== 1) return withUnit(x / f, u);
  }
  if (unit === 'B') return bytes(x);
  if (unit === '×') return `${num(x)}×`;
  if (unit === '%') return `${num(x)} %`;
  return unit ? `${num(x)} ${unit}` : num(x);
}

/** Console width every table and line of the summary stays within. */
export const WIDTH = 100;

/** A figure with its unit, short: GC events as a bare count, the rest as withUnit. */
export function compact(x, unit) {
  if (x == null || Number.isNaN(x)) return '—';
  if (unit === 'events') return num(x);
  return withUnit(x, unit);
}

/**
 * Plain-text table: first column left-aligned, the rest right-aligned, two spaces between
 * columns — one where two would pass `width`.
 */
export function textTable(header, rows, width = WIDTH) {
  const all = [header, ...rows];
  const w = header.map((_, c) => Math.max(...all.map((r) => String(r[c] ?? '').length)));
  const total = (gap) => w.reduce((a, b) => a + b, 0) + gap * (w.length - 1);
  const gap = ' '.repeat(total(2) <= width ? 2 : 1);
  const line = (r) =>
    r.map((cell, c) => (c === 0 ? String(cell ?? '').padEnd(w[c]) : String(cell ?? '').padStart(w[c]))).join(gap).trimEnd();
  return [line(header), w.map((n) => '─'.repeat(n)).join(gap), ...rows.map(line)].join('\n');
}

/** Wraps prose to `width` columns; continuation lines get `indent`. */
export function wrapText(text, width = WIDTH, indent = '') {
  const lines = [];
  let line = '';
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
