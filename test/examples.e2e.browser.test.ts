// The example pages as a person sees them: served by `npm run examples` (scripts/serve-examples.mjs)
// with COOP/COEP, opened in headless Chromium, driven through their UI and test hooks.
// Screenshots of both pages are written to build/screenshots/.

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

describe('example server (npm run examples)', () => {
  it('sends COOP/COEP on every response and listens on 127.0.0.1', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const path of ['/', '/examples/audio-worklet/', '/examples/audio-worklet/processor.js', '/dist/index.js', '/nope']) {
      const res = await fetch(server.url + path);
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(res.headers.get('cross-origin-embedder-policy'), path).toBe('require-corp');
    }
  });

  it('serves JavaScript as text/javascript and the library at /wasm-arena.js', async () => {
    const res = await fetch(`${server.url}/wasm-arena.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('the landing page at / loads with its stylesheet and links to every example', async () => {
    const { page, errors } = await openPage(browser, `${server.url}/`);
    expect(page.url()).toBe(`${server.url}/examples/`);
    const links = await page.$$eval('a', (as) => as.map((a) => (a as HTMLAnchorElement).pathname));
    expect(links).toEqual(['/examples/audio-worklet/', '/examples/worker-audio/', '/examples/particles/', '/examples/particles-workers/', '/examples/profiler/']);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(15, 20, 25)');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('serves only examples/ and dist/, and never outside the repository', async () => {
    for (const path of ['/package.json', '/src/index.ts', '/examples/../package.json', '/examples/%2e%2e/package.json', '/%2e%2e/%2e%2e/etc/passwd']) {
      const res = await fetch(server.url + path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('AudioWorklet example page', () => {
  it('renders offline from its button; the meter (read from shared memory) shows a flat heap and heap.check() ok', async () => {
    const { page, errors } = await openPage(browser, `${server.url}/examples/audio-worklet/`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.click('#render');
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Rendered'));
    const meter = await page.textContent('#meter');
    expect(meter).toContain('blocks rendered1500'); // the button renders 4 s at 48 kHz: 1500 blocks of 128
    expect(meter).toContain('allocated since start0 blocks, 0 B');
    expect(meter).toContain('meter readsshared memory');
    expect(meter).toContain('heap.check()ok');
    console.info(`screenshot: ${await screenshot(page, 'audio-worklet-offline')}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without COOP/COEP it still works: a private heap in the worklet, stats by postMessage', async () => {
    const plain = await startServer({ port: 0, isolate: false });
    try {
      const { page, errors } = await openPage(browser, `${plain.url}/examples/audio-worklet/`);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
      await page.click('#render');
      await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Rendered'));
      const meter = await page.textContent('#meter');
      expect(meter).toContain('blocks rendered1500');
      expect(meter).toContain('allocated since start0 blocks, 0 B');
      expect(meter).toContain('meter readspostMessage');
      expect(meter).toContain('heap.check()ok');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await plain.close();
    }
  });

  it('plays in a real AudioContext: blocks keep coming, live blocks and used bytes stay flat', async () => {
    const { page, errors } = await openPage(browser, `${server.url}/examples/audio-worklet/`);
    await page.click('#play');
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Playing'));
    const read = () =>
      page.evaluate(() => {
        const rows = Array.from(document.querySelectorAll('#meter dt')).map((dt) => [dt.textContent, dt.nextElementSibling!.textContent]);
        return Object.fromEntries(rows) as Record<string, string>;
      });
    await page.waitForFunction(() => /blocks rendered\d{3,}/.test(document.getElementById('meter')!.textContent!));
    const first = await read();
    await page.waitForTimeout(700);
    const second = await read();
    expect(Number(second['blocks rendered'])).toBeGreaterThan(Number(first['blocks rendered']));
    expect(second['live blocks']).toBe(first['live blocks']);
    expect(second['used']).toBe(first['used']);
    expect(second['allocated since start']).toBe('0 blocks, 0 B');
    console.info(`screenshot: ${await screenshot(page, 'audio-worklet-live')}`);
    await page.click('#play'); // stop
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('AudioWorklet example page: A/B of heap buffers vs JS allocation per quantum', () => {
  it('offline, both modes render the same samples; JS per quantum makes 9 KiB of garbage a quantum, the heap none', async () => {
    const { page, errors } = await openPage(browser, `${server.url}/examples/audio-worklet/`);
    const compared = await page.evaluate(async () => {
      const heap = await audioExample.renderOffline(4);
      const heapCounters = audioExample.counters().heap;
      audioExample.setMode('js');
      const js = await audioExample.renderOffline(4);
      let differences = 0;
      for (let i = 0; i < heap.length; i++) if (heap[i] !== js[i]) differences++;
      return { length: heap.length, differences, heap: heapCounters, js: audioExample.counters().js };
    });
    expect(compared.length).toBe(4 * 48000);
    expect(compared.differences).toBe(0); // same code, same numbers: only the buffers' origin differs
    // 1500 quanta, the first second (375) is warm-up
    expect(compared.heap.quanta).toBe(1125);
    expect(compared.heap.garbageBytes).toBe(0);
    expect(compared.js.quanta).toBe(1125);
    expect(compared.js.garbageBytes).toBe(1125 * 128 * (8 * 8 + 2 * 4)); // 8 Float64Array + 2 Float32Array
    // the page keeps each mode's last offline render side by side
    expect(await page.textContent('#ab')).toContain('garbage0 B9.9 MiB');
    expect(await page.textContent('#status')).toContain('Its samples equal the other mode’s, bit for bit.');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('playing, the heap mode causes no GC in the audio thread (two seconds without one); switched to JS per quantum, GC events come', async () => {
    const { page, errors } = await openPage(browser, `${server.url}/examples/audio-worklet/`);
    await page.click('#play');
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Playing'));
    // One second of warm-up, then two seconds counted in heap mode. The worklet's global scope
    // can collect on its own now and then (the engine allocates there too, e.g. for messages): if
    // the first window saw a collection, the next two seconds must see none. A process() that
    // allocated would keep causing them (JS per quantum below: one every second or so).
    await page.waitForFunction(() => audioExample.counters().heap.quanta >= 750, undefined, { timeout: 30_000 });
    let heap = await page.evaluate(() => audioExample.counters().heap);
    if (heap.gcEvents > 0) {
      const seen = heap.gcEvents;
      await page.waitForFunction(() => audioExample.counters().heap.quanta >= 1500, undefined, { timeout: 30_000 });
      heap = await page.evaluate(() => audioExample.counters().heap);
      console.info(`audio heap mode: ${seen} collection(s) in the first window, ${heap.gcEvents - seen} in the second`);
      expect(heap.gcEvents).toBe(seen);
    }
    expect(heap.garbageBytes).toBe(0);
    await page.click('input[value=js]');
    await page.waitForFunction(() => audioExample.counters().js.gcEvents >= 1, undefined, { timeout: 30_000 });
    const after = await page.evaluate(() => audioExample.counters());
    expect(after.js.garbageBytes).toBeGreaterThan(0);
    expect(after.heap.gcEvents).toBe(heap.gcEvents);
    expect(await page.textContent('#status')).toMatch(/Late quanta from (AudioContext\.playbackStats|the output clock)/);
    console.info(`audio A/B while playing: ${JSON.stringify(after)}`);
    console.info(`screenshot: ${await screenshot(page, 'audio-worklet-ab-live')}`);
    await page.click('#play'); // stop
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('particles example page', () => {
  it('runs 600 frames with particle state in a heap.soa table; heap.check() passes and the stats add up', async () => {
    const { page, errors } = await openPage(browser, `${server.url}/examples/particles/?paused&seed=7`);
    const run = await page.evaluate(() => particlesDemo.runFrames(600));
    expect(run.frames).toBe(600);
    expect(run.particles).toBeGreaterThan(5000);
    expect(run.launched).toBe(120); // one burst every 5 frames
    expect(run.skipped).toBe(0);
    const { check, stats, table } = await page.evaluate(() => ({
      check: particlesDemo.check(),
      stats: particlesDemo.heap.stats(),
      table: { length: particlesDemo.sim.table.length, capacity: particlesDemo.sim.table.capacity, version: particlesDemo.sim.table.version },
    }));
    expect(check).toBe('ok');
    expect(stats.liveBlocks).toBe(2); // the particle table (all columns in one block) + the launch record
    expect(table.length).toBe(run.particles);
    expect(table.capacity).toBeGreaterThan(4096); // it grew from 4096 rows by doubling…
    expect(table.version).toBeGreaterThan(1); // …and the page re-took its column views each time
    expect(stats.usedBytes).toBeGreaterThanOrEqual(table.capacity * 22); // x, y, vx, vy f32 + life u16 + RGBA
    expect(stats.usedBytes + stats.freeBytes).toBeLessThanOrEqual(stats.heapBytes);
    expect(stats.generation).toBe(0); // fixed-size heap: never grew
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the JS-object mode runs the same simulation, and switching modes frees the table', async () => {
    const { page, errors } = await openPage(browser, `${server.url}/examples/particles/?paused&seed=7`);
    const heapRun = await page.evaluate(() => particlesDemo.runFrames(300));
    const afterSwitch = await page.evaluate(() => {
      particlesDemo.setMode('js');
      return particlesDemo.heap.stats();
    });
    expect(afterSwitch.liveBlocks).toBe(0); // the heap simulation freed its table and launch record
    expect(afterSwitch.usedBytes).toBe(0);
    const jsRun = await page.evaluate(() => particlesDemo.runFrames(300));
    expect(jsRun.particles).toBe(heapRun.particles); // same seed, same bursts, same lifetimes
    expect(jsRun.launched).toBe(heapRun.launched);
    await page.evaluate(() => particlesDemo.setMode('heap'));
    expect(await page.evaluate(() => particlesDemo.check())).toBe('ok');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reports frame-time percentiles only after warm-up', async () => {
    const { page, errors } = await openPage(browser, `${server.url}/examples/particles/?paused&seed=7`);
    await page.evaluate(() => particlesDemo.runFrames(50));
    expect(await page.evaluate(() => particlesDemo.frameTimes().measured)).toBe(0); // all 50 are warm-up
    expect(await page.textContent('#frame')).toContain('sim time p99warming up');
    await page.evaluate(() => particlesDemo.runFrames(100));
    const t = await page.evaluate(() => particlesDemo.frameTimes());
    expect(t.measured).toBe(90); // 150 frames, the first 60 left out
    expect(t.p99).toBeGreaterThanOrEqual(t.p50);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('animates on requestAnimationFrame and looks right (screenshot)', async () => {
    const { page, errors } = await openPage(browser, `${server.url}/examples/particles/?seed=3`);
    await page.waitForFunction(() => particlesDemo.sim.frame > 90, undefined, { timeout: 15_000 });
    const shown = await page.textContent('#frame');
    expect(shown).toMatch(/particles[\d,]+/);
    expect(shown).toMatch(/sim time p99\d+\.\d\d ms/);
    console.info(`screenshot: ${await screenshot(page, 'particles-heap')}`);
    await page.click('input[value=js]');
    await page.waitForFunction(() => particlesDemo.sim.frame > 90, undefined, { timeout: 15_000 });
    console.info(`screenshot: ${await screenshot(page, 'particles-js')}`);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('particles-workers example page (one shared heap, two threads)', () => {
  it('the Worker simulates, the page draws from the same columns; every burst record the page allocated, the Worker freed', async () => {
    const { page, errors } = await openPage(browser, `${server.url}/examples/particles-workers/?paused&seed=7`);
    await page.waitForFunction(() => typeof globalThis.particlesWorkers === 'object');
    const before = await page.evaluate(() => particlesWorkers.heap.stats());
    const run = await page.evaluate(() => particlesWorkers.runFrames(300));
    expect(run.frames).toBe(300);
    expect(run.done).toBe(300); // the Worker stepped every frame the page asked for
    expect(run.particles).toBeGreaterThan(5000); // drawn by the page from the Worker's table
    expect(run.allocatedByPage).toBe(60); // one burst every 5 frames
    expect(run.freedByWorker).toBe(60); // each freed on the other thread
    expect(run.skipped).toBe(0);
    const after = await page.evaluate(() => ({ check: particlesWorkers.check(), stats: particlesWorkers.heap.stats() }));
    expect(after.check).toBe('ok');
    expect(before.liveBlocks).toBe(3); // the link record (page); the particle table and the sim's own launch record (Worker)
    expect(after.stats.liveBlocks).toBe(3); // no burst record left behind
    expect(errors).toEqual([]);
    await page.close();
  });

  it('animates while heap.check() runs on the page during the Worker\'s frames (screenshot)', async () => {
    const { page, errors } = await openPage(browser, `${server.url}/examples/particles-workers/?seed=3`);
    await page.waitForFunction(() => globalThis.particlesWorkers?.counters().done > 240, undefined, { timeout: 20_000 });
    const shown = await page.textContent('#threads');
    expect(shown).toMatch(/Worker: frames simulated\d+/);
    expect(shown).toMatch(/particles \(Worker’s table\)[\d,]+/);
    expect(await page.textContent('#meter')).toContain('heap.check() (page, while the Worker runs)ok');
    console.info(`screenshot: ${await screenshot(page, 'particles-workers')}`);
    expect(errors).toEqual([]);
    await page.close();
  });
});

interface AudioCounters {
  quanta: number;
  garbageBytes: number;
  gcEvents: number;
  overBudget: number;
  longestMs: number;
}

declare global {
  // test hook exposed by examples/audio-worklet/main.js
  var audioExample: {
    renderOffline(seconds?: number): Promise<Float32Array>;
    setMode(mode: 'heap' | 'js'): void;
    counters(): { heap: AudioCounters; js: AudioCounters; late: Array<{ quanta: number; events: number }> | null };
  };
  // test hook exposed by examples/particles-workers/main.js
  var particlesWorkers: {
    heap: { stats(): Record<string, number>; check(): void };
    counters(): { frames: number; done: number; particles: number; allocatedByPage: number; freedByWorker: number; skipped: number };
    runFrames(n: number): Promise<{ frames: number; done: number; particles: number; allocatedByPage: number; freedByWorker: number; skipped: number }>;
    check(): string;
  };
  // test hook exposed by examples/particles/main.js
  var particlesDemo: {
    heap: { stats(): Record<string, number>; check(): void };
    sim: { frame: number; table: { length: number; capacity: number; version: number } };
    setMode(mode: 'heap' | 'js'): void;
    runFrames(n: number): { frames: number; particles: number; launched: number; skipped: number };
    check(): string;
    frameTimes(): { measured: number; p50: number; p99: number };
  };
}
