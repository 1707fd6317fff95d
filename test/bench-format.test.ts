// The bench's console summary fits a 100-column terminal: every table, legend, load warning and
// miss explanation, for the widest results a run can produce (both engines, every workload and
// peer, large figures, failed and unavailable cells). No timing is involved: the results are made up.

import { describe, expect, it } from 'vitest';

// bench/ is plain ESM JavaScript outside the TypeScript project: load it untyped.
const load = (path: string): Promise<any> => import(/* @vite-ignore */ new URL(path, import.meta.url).href);

const fig = (median: number, unit: string) => ({ unit, median, min: median * 0.9, max: median * 1.7, reps: [median, median] });

/** A result for every (host, workload, parameters, peer), figures as wide as they come. */
async function widestRun() {
  const { WORKLOADS, paramsOf } = await load('../bench/workloads/index.mjs');
  const { MODES } = await load('../bench/lib/plan.mjs');
  const results: any[] = [];
  // k numbers the jobs of each workload on its own, so that adding a workload or a peer to one
  // table does not change the figures the other tables are checked with.
  const ks = new Map<string, number>();
  for (const host of ['node', 'chromium'])
    for (const [workload, w] of Object.entries<any>(WORKLOADS))
      for (const params of paramsOf(workload, MODES.full))
        for (const peer of w.peers) {
          const k = (ks.get(workload) ?? 0) + 1;
          ks.set(workload, k);
          const metrics: Record<string, unknown> = {};
          // Alternate huge, tiny and zero figures so every cell format (ratio, own figure) shows up,
          // each as wide as a run can print it: a share is at most 100 %, a repetition sees fewer
          // than 100,000 GCs, and a small figure prints in six characters (0.0123, 0.0012) down to 0.001.
          const huge = (unit: string) => (unit === '%' ? 100 : unit === 'events' ? 99_999 : 123_456_789.123);
          for (const [m, , unit] of w.metrics) metrics[m] = fig(k % 3 === 0 ? 0 : k % 3 === 1 ? huge(unit) : 0.0123, unit);
          for (const partner of w.peers) metrics[`vs:${partner}`] = fig(12_345.6, '×');
          const base = { host, workload, peer, params, ...params };
          if (peer === 'wasm-arena' && workload === 'pool') results.push({ ...base, unavailable: 'heap.pool() is not in this build', metrics: {}, extra: {} });
          else if (k % 17 === 0) results.push({ ...base, error: 'worker exited (SIGKILL) without a result' });
          else
            results.push({
              ...base,
              metrics,
              extra: { ratio: 12_345.6, peakHeapBytes: 4_000_000_000, overheadPerBlock: 123_456, curve: [], gcTimeline: [] },
            });
        }
  return results;
}

const meta = {
  date: '2026-11-30T12:34:56.000Z',
  host: 'a-rather-long-host-name.example',
  mode: 'default',
  blurb: 'every workload and peer with fewer repetitions than --full, and a rather long description of them',
  hosts: ['node', 'chromium'],
  node: 'v26.12.1',
  v8: '14.6.202.34-node.26',
  chromium: '156.0.8078.108',
  cpu: 'AMD EPYC 9B14 96-Core Processor with an extra long model name',
  cores: 2,
  wasmArenaVersion: '0.1.0',
  wasmArenaRelease: { file: 'build/release.wasm', bytes: 123_456 },
  load: { start: 12.34, max: 23.45, busy: 'other processes used about 22.45 of 2 cores' },
  skipped: ['footprint (the allocators replay the same trace deterministically in every engine)'],
};

describe('bench console summary', () => {
  it('never prints a line wider than 100 columns, for the widest results', async () => {
    const { buildRows } = await load('../bench/lib/rows.mjs');
    const { evaluateTargets } = await load('../bench/targets.mjs');
    const { printSummary } = await load('../bench/lib/table.mjs');
    const results = await widestRun();
    const text: string = printSummary(buildRows(results), evaluateTargets(results, meta, meta.hosts), meta);
    const wide = text.split('\n').filter((line) => [...line].length > 100);
    expect(wide).toEqual([]);
    // The summary really holds the tables it is checked for.
    expect(text).toContain('Chromium');
    expect(text).toContain('Why each miss');
  });

  it('textTable falls back to one-space gaps rather than pass the width', async () => {
    const { textTable } = await load('../bench/lib/format.mjs');
    const header = ['row', ...Array.from({ length: 10 }, (_, i) => `col${i}`)];
    const row = ['a label', ...Array.from({ length: 10 }, () => '12345678')];
    const lines: string[] = textTable(header, [row], 100).split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(lines[2]).toContain('12345678 12345678');
  });

  it('wrapText breaks prose at spaces within the width and indents continuation lines', async () => {
    const { wrapText } = await load('../bench/lib/format.mjs');
    const lines: string[] = wrapText('word '.repeat(60).trim(), 30, '  ').split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(30);
    expect(lines.slice(1).every((l) => l.startsWith('  word'))).toBe(true);
  });
});

describe('bench report charts', () => {
  it('a log-scale chart with a zero figure (a 0 µs block time) still renders, ignoring the zero', async () => {
    const { lineChart } = await load('../bench/lib/svg.mjs');
    const svg: string = lineChart({
      title: 't',
      x: { label: 'x', min: 0, max: 2 },
      y: { label: 'y', log: true },
      series: [{ id: 'wasm-arena', name: 'a', points: [{ x: 0, y: 0, lo: 0, hi: 5 }, { x: 1, y: 10 }, { x: 2, y: 100 }] }],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>100<');
  });
});
