import fs from 'node:fs';
import { lineChart } from './lib/svg.mjs';
const d = JSON.parse(fs.readFileSync('bench/results/runs/2026-11-30T0548-quick/results.json'));
const r = d.results.find((x) => x.host === 'chromium' && x.workload === 'audio' && x.peer === 'js-prealloc');
const nines = (q) => (q >= 1 ? 5.6 : -Math.log10(1 - q));
const pts = r.extra.curve.map(([q, v]) => ({ x: nines(q), y: Math.max(v, 0.1) }));
console.log(pts.slice(0, 3), pts.slice(-3));
