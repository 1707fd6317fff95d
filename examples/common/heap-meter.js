// A small live heap meter shared by the example pages: a bar (used / free, peak marker) and
// a table of heap.stats() plus any extra rows the page wants to show.

const fmtBytes = (n) =>
  n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;

const ROWS = [
  ['heapBytes', 'heap size', fmtBytes],
  ['usedBytes', 'used', fmtBytes],
  ['freeBytes', 'free', fmtBytes],
  ['peakUsedBytes', 'peak used', fmtBytes],
  ['liveBlocks', 'live blocks', String],
  ['freeBlocks', 'free blocks', String],
  ['largestFreeBlock', 'largest free block', fmtBytes],
];

/**
 * Render a heap meter into `root`.
 * @param {HTMLElement} root
 * @param {string} [placeholder]  shown until the first update
 * @returns {{ update(stats: Record<string, number>, extra?: Array<[string, string, boolean?]>): void }}
 */
export function createHeapMeter(root, placeholder = '') {
  root.innerHTML = `
    <div class="meter-bar" role="img" aria-label="heap usage">
      <div class="used"></div><div class="peak"></div>
    </div>
    <div class="meter-legend">
      <span><i style="background:var(--used)"></i>used</span>
      <span><i style="background:var(--free)"></i>free</span>
      <span><i style="background:var(--peak)"></i>peak</span>
    </div>
    <dl class="stats"></dl>`;
  const used = root.querySelector('.used');
  const peak = root.querySelector('.peak');
  const dl = root.querySelector('dl');
  if (placeholder) dl.innerHTML = `<dt>${placeholder}</dt>`;
  return {
    update(stats, extra = []) {
      const total = stats.heapBytes || 1;
      used.style.width = `${(100 * stats.usedBytes) / total}%`;
      peak.style.left = `calc(${(100 * stats.peakUsedBytes) / total}% - 1px)`;
      const rows = ROWS.filter(([key]) => key in stats).map(([key, label, fmt]) => [label, fmt(stats[key])]);
      dl.innerHTML = [...rows, ...extra]
        .map(([label, value, hl]) => `<dt>${label}</dt><dd${hl ? ' class="hl"' : ''}>${value}</dd>`)
        .join('');
    },
  };
}

/** Runs heap.check(): 'ok', or what it found (for a meter row). */
export function checkHeap(heap) {
  try {
    heap.check();
    return 'ok';
  } catch (err) {
    return String(err.message ?? err);
  }
}

export { fmtBytes };
