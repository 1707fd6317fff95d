// Node side of `npm run bench -- --browser`: serves the repository (cross-origin isolated, so
// SharedArrayBuffer works), drives headless Chromium with Playwright and runs each job in a fresh
// browser context (bench/browser/page.mjs), recording GC events with CDP tracing on request.
//
// No browser is downloaded: Playwright drives an installed Chromium (CHROMIUM_PATH, or the usual
// system paths).

import { existsSync } from 'node:fs';
import { rootDir } from './paths.mjs';
import { startServer } from '../../scripts/serve-examples.mjs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** Headless, no sandbox (CI runs as root), nothing that phones home; `gc()` for the harness. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--js-flags=--expose-gc',
  '--enable-precise-memory-info',
];

const SYNC = 'wasm-arena-bench-sync';
const GC_EVENTS = new Set(['MinorGC', 'MajorGC']);

export function findChromium() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** The GC pauses of the sync mark's thread in a trace, with the mark (ts in µs, trace clock). */
export function gcEventsOf(events) {
  const sync = events.find((e) => e.name === SYNC);
  if (!sync) return { syncTs: null, eventCount: events.length, events: [] };
  const gcs = events
    .filter((e) => e.ph === 'X' && GC_EVENTS.has(e.name) && e.pid === sync.pid && e.tid === sync.tid)
    .map((e) => [e.ts, e.dur ?? 0, e.name === 'MinorGC' ? 1 : 2]); // kinds as Node's: 1 minor, 2 major
  return { syncTs: sync.ts, syncStartMs: sync.args?.data?.startTime, eventCount: events.length, events: gcs };
}

export async function startChromium() {
  const executablePath = findChromium();
  if (!executablePath)
    throw new Error(
      `--browser needs Chromium and none was found (looked for ${process.env.CHROMIUM_PATH ?? CANDIDATES.join(', ')}): ` +
        'install it (`apt-get install -y chromium`) or set CHROMIUM_PATH',
    );
  const { chromium } = await import('playwright');
  const server = await startServer({ root: rootDir, allow: ['bench', 'dist'], port: 0 });
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  return {
    version: browser.version(),
    /** Runs one job in a fresh context; resolves to the page's `{ result } | { error, stack }`. */
    async runJob(job, onProgress, timeoutS) {
      const context = await browser.newContext();
      let timer;
      try {
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        let trace = null;
        cdp.on('Tracing.dataCollected', (e) => trace?.push(...e.value));
        await page.exposeFunction('benchProgress', (msg) => onProgress(String(msg)));
        await page.exposeFunction('benchTrace', async (cmd) => {
          if (cmd === 'start') {
            trace = [];
            await cdp.send('Tracing.start', {
              traceConfig: { includedCategories: ['v8', 'blink.user_timing'], recordMode: 'recordAsMuchAsPossible' },
              transferMode: 'ReportEvents',
            });
            return true;
          }
          const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
          await cdp.send('Tracing.end');
          await done;
          const out = gcEventsOf(trace ?? []);
          trace = null;
          return out;
        });
        const errors = [];
        page.on('pageerror', (e) => errors.push(String(e?.message ?? e)));
        await page.goto(`${server.url}/bench/browser/index.html`);
        await page.waitForFunction(() => globalThis.benchReady === true, null, { timeout: 30_000 });
        const timeout = new Promise((r) => {
          timer = setTimeout(() => r({ error: `timed out after ${timeoutS} s` }), timeoutS * 1000);
        });
        const out = await Promise.race([page.evaluate((j) => globalThis.benchRun(j), job), timeout]);
        if (out.error && errors.length) out.error += ` (page errors: ${errors.join('; ')})`;
        return out;
      } catch (err) {
        return { error: String(err?.message ?? err).split('\n')[0], stack: String(err?.stack ?? '') };
      } finally {
        clearTimeout(timer);
        await context.close().catch(() => {});
      }
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
