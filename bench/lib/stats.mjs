// Small statistics helpers. Every reported figure is the median of the repetitions, with min–max.

export function median(xs) {
  return quantileSorted([...xs].sort((a, b) => a - b), 0.5);
}

/** Quantile of an already sorted numeric array (linear interpolation). */
export function quantileSorted(sorted, q) {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** { median, min, max, reps } of a list of per-repetition values. */
export function summarize(reps, unit) {
  const clean = reps.filter((x) => Number.isFinite(x));
  return {
    unit,
    median: clean.length ? median(clean) : NaN,
    min: clean.length ? Math.min(...clean) : NaN,
    max: clean.length ? Math.max(...clean) : NaN,
    reps,
  };
}

/** Sorts a typed array of samples in place and returns the standard latency percentiles. */
export function percentiles(samples) {
  const s = samples.sort();
  return {
    p50: quantileSorted(s, 0.5),
    p90: quantileSorted(s, 0.9),
    p99: quantileSorted(s, 0.99),
    p999: quantileSorted(s, 0.999),
    p9999: quantileSorted(s, 0.9999),
    max: s[s.length - 1],
  };
}

/** The repetition whose `key(rep)` is the median one (it supplies a chart's curve or timeline). */
export function medianRep(reps, key) {
  const order = reps.map((r, i) => [key(r), i]).sort((a, b) => a[0] - b[0]);
  return reps[order[Math.floor(order.length / 2)][1]];
}

/** GC figures of a list of [start, duration, kind] events: count, total and longest pause (ms). */
export function gcFigures(events) {
  let total = 0;
  let longest = 0;
  for (const [, d] of events) {
    total += d;
    if (d > longest) longest = d;
  }
  return { count: events.length, totalMs: total, longestMs: longest };
}
