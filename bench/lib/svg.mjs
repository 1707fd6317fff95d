// Tiny SVG chart primitives for the report (no dependencies): line charts with optional log axes,
// min–max whiskers and direct labels; stem plots; horizontal bars. Output is a standalone <svg>.

export const COLORS = {
  'wasm-arena': '#0b5cd5',
  'wasm-arena-heap': '#6fa3ef',
  'js-gc': '#d1242f',
  'js-pool': '#b35900',
  'js-prealloc': '#0a7b83',
  thing: '#8250df',
  'as-tlsf': '#1a7f37',
  floor: '#57606a',
};
export const DASH = { floor: '5 4', 'wasm-arena-heap': '6 3' };

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const r1 = (x) => Math.round(x * 10) / 10;

function logTicks(lo, hi) {
  const ticks = [];
  if (!(lo > 0 && hi >= lo && Number.isFinite(hi))) return ticks; // a log axis needs a positive range
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const steps = b - a <= 2 ? [1, 2, 5] : [1];
  for (let e = a; e <= b; e++) for (const m of steps) {
    const v = m * 10 ** e;
    if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(v);
  }
  return ticks;
}

function linTicks(lo, hi, n = 5) {
  const span = hi - lo || 1;
  const step0 = span / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? mag * 10;
  const ticks = [];
  // k counts steps (v += step can stall on floats); a non-finite range gets no ticks.
  const first = Math.ceil(lo / step);
  for (let k = 0; k <= 2 * n + 2 && Number.isFinite(first); k++) {
    const v = (first + k) * step;
    if (v > hi + step * 1e-9) break;
    ticks.push(Number(v.toPrecision(12)));
  }
  return ticks;
}

export function fmtTick(v) {
  if (v >= 1e6) return `${v / 1e6}M`;
  if (v >= 1e3) return `${v / 1e3}k`;
  return String(Number(v.toPrecision(3)));
}

/** Splits text into lines of at most `max` characters at spaces. */
function wrap(text, max) {
  const lines = [];
  let line = '';
  for (const word of String(text).split(' ')) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Height taken by the title and the wrapped subtitle. */
function headHeight(width, subtitle) {
  return 34 + (subtitle ? wrap(subtitle, Math.floor((width - 32) / 6.4)).length * 16 : 0) + 8;
}

function frame(width, height, title, subtitle, body) {
  const sub = subtitle ? wrap(subtitle, Math.floor((width - 32) / 6.4)) : [];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `font-family="system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif" font-size="12" role="img" aria-label="${esc(title)}">` +
    `<rect width="${width}" height="${height}" fill="#fff"/>` +
    `<text x="16" y="24" font-size="15" font-weight="600" fill="#1f2328">${esc(title)}</text>` +
    sub.map((l, i) => `<text x="16" y="${42 + i * 16}" fill="#57606a">${esc(l)}</text>`).join('') +
    body +
    `</svg>`
  );
}

/**
 * Line chart. series: [{ id, name, points: [{ x, y, lo?, hi? }] }]. Axes: { label, log?, min?, max?,
 * ticks?: [{ v, label }], fmt? }. Lines get a label at their right end (nudged apart).
 */
export function lineChart({ title, subtitle, width = 760, height = 420, x, y, series, hlines = [], legend = true, labelWidth = 130 }) {
  const m = { l: 64, r: labelWidth, t: headHeight(width, subtitle) + 8, b: 48 };
  const W = width - m.l - m.r;
  const H = height - m.t - m.b;
  const pts = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
  const xs = pts.map((p) => p.x);
  // A log axis takes the positive values only (a 0 µs whisker, a 0 ns repetition).
  const ys = pts
    .flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y])
    .concat(hlines.map((h) => h.y))
    .filter((v) => Number.isFinite(v) && (!y.log || v > 0));
  const xlo = x.min ?? Math.min(...xs);
  const xhi = x.max ?? Math.max(...xs);
  let ylo = y.min ?? Math.min(...ys);
  let yhi = y.max ?? Math.max(...ys);
  if (y.log) {
    ylo = 10 ** Math.floor(Math.log10(ylo));
    yhi = 10 ** Math.ceil(Math.log10(yhi));
  } else {
    ylo = Math.min(0, ylo);
    yhi = yhi * 1.08 || 1;
  }
  const sx = (v) => m.l + (x.log ? Math.log(v / xlo) / Math.log(xhi / xlo) : (v - xlo) / (xhi - xlo || 1)) * W;
  const sy = (v) => m.t + H - (y.log ? Math.log(v / ylo) / Math.log(yhi / ylo) : (v - ylo) / (yhi - ylo || 1)) * H;
  let g = '';
  const yt = y.ticks ?? (y.log ? logTicks(ylo, yhi) : linTicks(ylo, yhi)).map((v) => ({ v, label: (y.fmt ?? fmtTick)(v) }));
  for (const t of yt) {
    const py = r1(sy(t.v));
    g += `<line x1="${m.l}" x2="${m.l + W}" y1="${py}" y2="${py}" stroke="#d8dee4" stroke-width="1"/>`;
    g += `<text x="${m.l - 6}" y="${py + 4}" text-anchor="end" fill="#57606a">${esc(t.label)}</text>`;
  }
  const xt = x.ticks ?? (x.log ? logTicks(xlo, xhi) : linTicks(xlo, xhi)).map((v) => ({ v, label: (x.fmt ?? fmtTick)(v) }));
  for (const t of xt) {
    const px = r1(sx(t.v));
    g += `<line x1="${px}" x2="${px}" y1="${m.t}" y2="${m.t + H}" stroke="#eaeef2" stroke-width="1"/>`;
    g += `<text x="${px}" y="${m.t + H + 16}" text-anchor="middle" fill="#57606a">${esc(t.label)}</text>`;
  }
  g += `<rect x="${m.l}" y="${m.t}" width="${W}" height="${H}" fill="none" stroke="#8c959f"/>`;
  g += `<text x="${m.l + W / 2}" y="${height - 10}" text-anchor="middle" fill="#1f2328">${esc(x.label)}</text>`;
  g += `<text transform="translate(16 ${m.t + H / 2}) rotate(-90)" text-anchor="middle" fill="#1f2328">${esc(y.label)}</text>`;
  for (const h of hlines) {
    const py = r1(sy(h.y));
    g += `<line x1="${m.l}" x2="${m.l + W}" y1="${py}" y2="${py}" stroke="${h.color ?? '#cf222e'}" stroke-dasharray="3 3"/>`;
    g += `<text x="${m.l + 6}" y="${py - 5}" fill="${h.color ?? '#cf222e'}">${esc(h.label)}</text>`;
  }
  const ends = [];
  for (const s of series) {
    const c = COLORS[s.id] ?? '#444';
    const p = s.points.filter((q) => Number.isFinite(q.y));
    if (!p.length) continue;
    const w = s.id === 'wasm-arena' ? 3 : 2;
    for (const q of p) {
      if (q.lo != null && q.hi != null && q.hi > q.lo) {
        const px = r1(sx(q.x));
        g += `<line x1="${px}" x2="${px}" y1="${r1(sy(q.lo))}" y2="${r1(sy(q.hi))}" stroke="${c}" stroke-width="1.5" opacity="0.7"/>`;
        g += `<line x1="${px - 4}" x2="${px + 4}" y1="${r1(sy(q.lo))}" y2="${r1(sy(q.lo))}" stroke="${c}" opacity="0.7"/>`;
        g += `<line x1="${px - 4}" x2="${px + 4}" y1="${r1(sy(q.hi))}" y2="${r1(sy(q.hi))}" stroke="${c}" opacity="0.7"/>`;
      }
    }
    g += `<polyline fill="none" stroke="${c}" stroke-width="${w}" stroke-linejoin="round" ${DASH[s.id] ? `stroke-dasharray="${DASH[s.id]}"` : ''} points="${p.map((q) => `${r1(sx(q.x))},${r1(sy(q.y))}`).join(' ')}"/>`;
    if (s.markers !== false) for (const q of p) g += `<circle cx="${r1(sx(q.x))}" cy="${r1(sy(q.y))}" r="${w + 0.5}" fill="${c}"/>`;
    const last = p[p.length - 1];
    ends.push({ y: sy(last.y), x: sx(last.x), name: s.name, c });
  }
  if (legend) {
    ends.sort((a, b) => a.y - b.y);
    for (let i = 1; i < ends.length; i++) if (ends[i].y - ends[i - 1].y < 14) ends[i].y = ends[i - 1].y + 14;
    for (const e of ends) g += `<text x="${m.l + W + 8}" y="${r1(e.y + 4)}" fill="${e.c}" font-weight="600">${esc(e.name)}</text>`;
  }
  return frame(width, height, title, subtitle, g);
}

/**
 * Stem plot of events over time in stacked panels: panels: [{ id, name, events: [[t, value]], note }].
 */
export function stemPanels({ title, subtitle, width = 760, panelHeight = 110, x, y, panels }) {
  const m = { l: 64, r: 24, t: headHeight(width, subtitle), b: 44 };
  const W = width - m.l - m.r;
  const height = m.t + panels.length * panelHeight + m.b;
  const xhi = x.max;
  const yhi = Math.max(y.minMax ?? 1, ...panels.flatMap((p) => p.events.map((e) => e[1]))) * 1.1;
  let g = '';
  panels.forEach((p, i) => {
    const top = m.t + i * panelHeight;
    const H = panelHeight - 26;
    const c = COLORS[p.id] ?? '#444';
    const sx = (v) => m.l + (v / xhi) * W;
    const sy = (v) => top + 20 + H - (v / yhi) * H;
    g += `<text x="${m.l}" y="${top + 13}" fill="${c}" font-weight="600">${esc(p.name)}<tspan fill="#57606a" font-weight="400">${p.note ? ` — ${esc(p.note)}` : ''}</tspan></text>`;
    for (const v of linTicks(0, yhi, 2)) {
      const py = r1(sy(v));
      g += `<line x1="${m.l}" x2="${m.l + W}" y1="${py}" y2="${py}" stroke="#eaeef2"/>`;
      g += `<text x="${m.l - 6}" y="${py + 4}" text-anchor="end" fill="#57606a">${fmtTick(v)}</text>`;
    }
    g += `<rect x="${m.l}" y="${top + 20}" width="${W}" height="${H}" fill="none" stroke="#8c959f"/>`;
    for (const [t, v] of p.events) {
      const px = r1(sx(t));
      g += `<line x1="${px}" x2="${px}" y1="${r1(sy(0))}" y2="${r1(sy(v))}" stroke="${c}" stroke-width="1.5"/>`;
    }
    if (!p.events.length)
      g += `<text x="${m.l + W / 2}" y="${top + 20 + H / 2 + 4}" text-anchor="middle" fill="${c}" font-weight="600">${esc(p.empty ?? 'no GC events')}</text>`;
  });
  const bottom = m.t + panels.length * panelHeight;
  for (const v of linTicks(0, xhi)) {
    const px = r1(m.l + (v / xhi) * W);
    g += `<text x="${px}" y="${bottom + 10}" text-anchor="middle" fill="#57606a">${fmtTick(v)}</text>`;
  }
  g += `<text x="${m.l + W / 2}" y="${height - 10}" text-anchor="middle" fill="#1f2328">${esc(x.label)}</text>`;
  g += `<text transform="translate(16 ${m.t + (panels.length * panelHeight) / 2}) rotate(-90)" text-anchor="middle" fill="#1f2328">${esc(y.label)}</text>`;
  return frame(width, height, title, subtitle, g);
}

/** Horizontal bars with an optional reference line: bars: [{ id, name, value, label }]. */
export function barChart({ title, subtitle, width = 760, barHeight = 26, bars, ref, x, labelWidth = 150 }) {
  const m = { l: labelWidth, r: 150, t: headHeight(width, subtitle) + 22, b: 40 };
  const W = width - m.l - m.r;
  const height = m.t + bars.length * (barHeight + 8) + m.b;
  const hi = Math.max(...bars.map((b) => b.value), ref?.value ?? 0) * 1.05;
  const sx = (v) => m.l + (v / hi) * W;
  let g = '';
  for (const v of linTicks(0, hi)) {
    const px = r1(sx(v));
    g += `<line x1="${px}" x2="${px}" y1="${m.t - 4}" y2="${height - m.b}" stroke="#eaeef2"/>`;
    g += `<text x="${px}" y="${height - m.b + 14}" text-anchor="middle" fill="#57606a">${esc((x.fmt ?? fmtTick)(v))}</text>`;
  }
  bars.forEach((b, i) => {
    const top = m.t + i * (barHeight + 8);
    const c = COLORS[b.id] ?? '#444';
    g += `<text x="${m.l - 8}" y="${top + barHeight / 2 + 4}" text-anchor="end" fill="#1f2328">${esc(b.name)}</text>`;
    g += `<rect x="${m.l}" y="${top}" width="${r1(sx(b.value) - m.l)}" height="${barHeight}" fill="${c}" opacity="0.85"/>`;
    g += `<text x="${r1(sx(b.value) + 6)}" y="${top + barHeight / 2 + 4}" fill="#1f2328">${esc(b.label)}</text>`;
  });
  if (ref) {
    const px = r1(sx(ref.value));
    g += `<line x1="${px}" x2="${px}" y1="${m.t - 8}" y2="${height - m.b}" stroke="#1f2328" stroke-dasharray="4 3" stroke-width="1.5"/>`;
    g += `<text x="${px + 4}" y="${m.t - 10}" fill="#1f2328">${esc(ref.label)}</text>`;
  }
  g += `<text x="${m.l + W / 2}" y="${height - 8}" text-anchor="middle" fill="#1f2328">${esc(x.label)}</text>`;
  return frame(width, height, title, subtitle, g);
}
