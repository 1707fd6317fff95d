// The Worker → ring → AudioWorklet example (examples/worker-audio) as a person sees it, served by
// `npm run examples`: it plays in a real AudioContext, the ring stays filled, the heap stays flat,
// a stalled Worker shows up as counted underruns, and a page that is not cross-origin isolated
// says why it cannot play instead of throwing DataCloneError. Screenshots: build/screenshots/.

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

interface State {
  fill: number;
  underruns: number;
  overruns: number;
  seconds: number;
  stats: { liveBlocks: number; usedBytes: number; peakUsedBytes: number };
  first: { liveBlocks: number; usedBytes: number; peakUsedBytes: number };
}

declare global {
  var workerAudio: { play(): Promise<void>; state(): State | null; check(): string };
}

describe('Worker → ring → AudioWorklet example page', () => {
  it('plays: the Worker keeps the ring filled, the heap stays flat, a stalled Worker is counted as underruns', async () => {
    const { page, errors } = await openPage(browser, `${server.url}/examples/worker-audio/`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.click('#play');
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Playing'));
    await page.waitForFunction(() => (workerAudio.state()?.seconds ?? 0) > 2, undefined, { timeout: 20_000 });
    const before = (await page.evaluate(() => workerAudio.state()))!;
    expect(before.fill).toBeGreaterThan(1024); // the Worker keeps ~4096 frames buffered
    expect(before.overruns).toBe(0); // it never asks for more room than there is
    expect(before.stats.liveBlocks).toBe(before.first.liveBlocks);
    expect(before.stats.peakUsedBytes).toBe(before.first.peakUsedBytes);
    expect(await page.textContent('#ring')).toMatch(/buffered\d+ frames/);
    console.info(`screenshot: ${await screenshot(page, 'worker-audio-playing')}`);

    await page.click('#stall');
    await page.waitForFunction((u) => workerAudio.state()!.underruns > u, before.underruns, { timeout: 10_000 });
    // ...and it recovers: the ring fills up again once the Worker is back.
    await page.waitForFunction(() => workerAudio.state()!.fill > 2048, undefined, { timeout: 10_000 });
    const after = (await page.evaluate(() => workerAudio.state()))!;
    expect(after.underruns).toBeGreaterThan(before.underruns);
    expect(await page.textContent('#ring')).toMatch(new RegExp(`underruns${after.underruns} \\(\\d+ frames of silence\\)`));
    expect(after.stats.usedBytes).toBe(before.first.usedBytes);
    expect(after.stats.peakUsedBytes).toBe(before.first.peakUsedBytes);
    expect(await page.evaluate(() => workerAudio.check())).toBe('ok');
    console.info(`worker-audio: ${JSON.stringify({ before: { fill: before.fill, underruns: before.underruns }, after: { fill: after.fill, underruns: after.underruns } })}`);
    console.info(`screenshot: ${await screenshot(page, 'worker-audio-after-stall')}`);
    await page.click('#play'); // stop
    await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Stopped.');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without COOP/COEP it says why it cannot play (ring.share() explains), no DataCloneError', async () => {
    const plain = await startServer({ port: 0, isolate: false });
    try {
      const { page, errors } = await openPage(browser, `${plain.url}/examples/worker-audio/`);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
      await page.click('#play');
      await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('TypeError'));
      const text = await page.textContent('#status');
      expect(text).toContain('this page is not cross-origin isolated');
      expect(text).toContain('Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp');
      expect(text).not.toContain('DataCloneError:');
      console.info(`screenshot: ${await screenshot(page, 'worker-audio-not-isolated')}`);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await plain.close();
    }
  });
});
