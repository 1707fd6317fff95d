// Number and table formatting for the console and the report.

/** 3 significant digits, no exponent for the ranges we print. */
export function num(x) {
  if (x == null || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return '∞';
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 100) return Math.round(x).toLocaleString('en-US');
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a >= 0.01) return x.toFixed(3);
  return x.toPrecision(2);
}

export function bytes(x) {
  if (x == null || Number.isNaN(x)) return '—';
  if (x >= 1 << 30) return `${(x / (1 << 30)).toFixed(2)} GiB`;
  if (x >= 1 << 20) return `${(x / (1 << 20)).toFixed(2)} MiB`;
  if (x >= 1 << 10) return `${(x / (1 << 10)).toFixed(1)} KiB`;
  return `${Number.isInteger(x) ? x : num(x)} B`;
}

export function withUnit(x, unit) {
  if (unit === 'B') return bytes(x);
  if (unit === '×') return `${num(x)}×`;
  if (unit === '%') return `${num(x)} %`;
  return unit ? `${num(x)} ${unit}` : num(x);
}

/** Plain-text table: first column left-aligned, the rest right-aligned. */
export function textTable(header, rows) {
  const all = [header, ...rows];
  const w = header.map((_, c) => Math.max(...all.map((r) => String(r[c] ?? '').length)));
  const line = (r) =>
    r.map((cell, c) => (c === 0 ? String(cell ?? '').padEnd(w[c]) : String(cell ?? '').padStart(w[c]))).join('  ');
  return [line(header), w.map((n) => '─'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}
