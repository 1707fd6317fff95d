// The profiler in Chromium: heap.heapMap()'s SVG as the browser draws it (pixels counted, a
// screenshot written to build/screenshots/), and the profiler example page served by
// `npm run examples`, driven through its test hooks.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import { startServer } from '../scripts/serve-examples.mjs';
import { launchChromium, openPage, screenshot } from './browser/pages.js';

let server: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  server = await startServer({ port: 0 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const page = (seed: number) => `${server.url}/examples/profiler/?paused&seed=${seed}`;

describe('heapMap() in Chromium', () => {
  it('renders: the SVG parses, and the tags, free space and legend are drawn in their colours', async () => {
    const { page: p, errors } = await openPage(browser, page(5));
    await p.waitForFunction(() => globalThis.profilerDemo !== undefined);
    const svg = await p.evaluate(() => {
      profilerDemo.runFrames(400);
      return profilerDemo.heap.heapMap();
    });
    // Draw it as an image on a canvas and count the pixels of each colour.
    const drawn = await p.evaluate(async (text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const parseError = doc.querySelector('parsererror')?.textContent ?? null;
      const root = doc.documentElement;
      const width = Number(root.getAttribute('width'));
      const height = Number(root.getAttribute('height'));
      const img = new Image();
      img.src = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const g = canvas.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const data = g.getImageData(0, 0, width, height).data;
      const count = (hex: string) => {
        const [r, gr, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
        let n = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === gr && data[i + 2] === b) n++;
        return n;
      };
      return { parseError, width, height, naturalWidth: img.naturalWidth, particles: count('#4e79a7'), free: count('#eef2f6'), control: count('#1f2933') };
    }, svg);
    expect(drawn.parseError).toBe(null);
    expect(drawn.naturalWidth).toBe(drawn.width);
    expect(drawn.particles).toBeGreaterThan(500); // the particle table: the first tag's colour
    expect(drawn.free).toBeGreaterThan(100);
    expect(drawn.control).toBeGreaterThan(20);
    // A screenshot of the map as a page shows it (build/screenshots/profiler-heap-map.png).
    const shot = await browser.newPage({ viewport: { width: drawn.width, height: drawn.height } });
    await shot.setContent(`<body style="margin:0;background:#fff">${svg}</body>`);
    console.info(`screenshot: ${await screenshot(shot, 'profiler-heap-map')}`);
    await shot.close();
    expect(errors).toEqual([]);
    await p.close();
  });
});

describe('profiler example page', () => {
  it('shows the heap map, the timeline and the report of the particles, and finds a seeded leak by tag and call site', async () => {
    const { page: p, errors } = await openPage(browser, page(7));
    await p.waitForFunction(() => globalThis.profilerDemo !== undefined);
    const result = await p.evaluate(() => {
      profilerDemo.runFrames(300);
      profilerDemo.snapshot();
      profilerDemo.setLeak(true);
      const run = profilerDemo.runFrames(900);
      const leaks = profilerDemo.leaks();
      return { run, leaks: { tags: leaks.tags, site: leaks.sites[0]?.site ?? '' }, check: profilerDemo.check() };
    });
    expect(result.check).toBe('ok');
    expect(result.run.leaked).toBeGreaterThan(20);
    expect(result.run.generation).toBeGreaterThan(0); // the heap grew: the timeline marks it
    const bursts = result.leaks.tags.find((t) => t.tag === 'bursts')!;
    // Leaked records, plus the ones still inside their 150-frame lifetime (at most 31 launches).
    expect(bursts.blocks).toBeGreaterThanOrEqual(result.run.leaked);
    expect(bursts.blocks).toBeLessThanOrEqual(result.run.leaked + 31);
    expect(result.leaks.site).toMatch(/rememberBurst/);
    expect(await p.$$eval('#map svg rect title', (ts) => ts.length)).toBeGreaterThan(10);
    expect(await p.$$eval('#timeline svg polygon', (ps) => ps.length)).toBeGreaterThanOrEqual(4);
    const report = await p.textContent('#report');
    for (const tag of ['particles', 'bursts', 'sparks', 'frame scratch', '(allocator)']) expect(report).toContain(tag);
    expect(await p.textContent('#leakReport')).toMatch(/bursts +\d+/);
    console.info(`screenshot: ${await screenshot(p, 'profiler-page')}`);
    expect(errors).toEqual([]);
    await p.close();
  });

  it('runs on requestAnimationFrame and its heap map follows the memory as it moves', async () => {
    const { page: p, errors } = await openPage(browser, `${server.url}/examples/profiler/?seed=3`);
    await p.waitForFunction(() => profilerDemo.sim.frame > 30, undefined, { timeout: 15_000 });
    const first = await p.innerHTML('#map');
    await p.waitForFunction((before) => document.getElementById('map')!.innerHTML !== before, first, { timeout: 15_000 });
    expect(await p.$$eval('#timeline svg polygon', (ps) => ps.length)).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await p.close();
  });
});

declare global {
  // test hook exposed by examples/profiler/main.js
  var profilerDemo: {
    heap: { heapMap(): string };
    sim: { frame: number };
    runFrames(n: number): { frames: number; particles: number; launched: number; leaked: number; generation: number };
    setLeak(on: boolean): void;
    snapshot(): void;
    leaks(): { tags: { tag: string | null; blocks: number; bytes: number }[]; sites: { site: string }[] };
    check(): string;
  };
}
