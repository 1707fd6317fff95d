// Node side of `npm run bench -- --browser`: serves the repository (cross-origin isolated, so
// SharedArrayBuffer works), drives headless Chromium with Playwright and runs each job in a fresh
// document (bench/browser/page.mjs), recording GC events with CDP tracing on request.
//
// No browser is downloaded: Playwright drives an installed Chromium (CHROMIUM_PATH, or the usual
// system paths).

import { existsSync } from 'node:fs';
import { rootDir } from './paths.mjs';
import { startServer } from '../../scripts/serve-examples.mjs';
import { V8_FLAGS } from './plan.mjs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/**
 * Headless, no sandbox (CI runs as root), nothing that phones home; the V8 flags the Node jobs
 * get too (lib/plan.mjs V8_FLAGS: `gc()` for the harness, wasm at its optimizing tier).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  `--js-flags=${V8_FLAGS.join(' ')}`,
  '--disable-back-forward-cache',
  '--enable-precise-memory-info',
];

export const MISSING_CHROMIUM =
  `--browser needs Chromium and none was found (looked for ${process.env.CHROMIUM_PATH ?? CANDIDATES.join(', ')}): ` +
  'install it (`apt-get install -y chromium`) or set CHROMIUM_PATH to a Chromium or Chrome binary';

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

/**
 * Starts the server and the browser. Each job runs in a fresh document: a navigation gives it new
 * globals, closures and type feedback, as a new process does in Node. The peers of one table row
 * group (same workload and parameters) share a tab, and so a renderer process, which saves
 * starting one per job (seconds on a loaded 2-core machine); every group gets a new tab (a new
 * browser context). Sharing a renderer shares its JS heap, whose young generation grows with the
 * garbage it has seen: in every group the JS GC peer comes right after the wasm-arena jobs, which
 * make no JS garbage, so it starts from a heap as fresh as its own tab's. The page also collects
 * the previous document's garbage before a job starts, and the back/forward cache is off, so no
 * earlier document stays alive. After a failed or timed-out job the tab is thrown away.
 */
export async function startChromium() {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(MISSING_CHROMIUM);
  const { chromium } = await import('playwright');
  const server = await startServer({ root: rootDir, allow: ['bench', 'dist'], port: 0 });
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  let tab = null;
  let onProgress = () => {};
  let jobs = 0;

  async function openTab() {
    const context = await browser.newContext();
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
    return { context, page, errors };
  }

  return {
    version: browser.version(),
    /** Runs one job in a fresh document; resolves to the page's `{ result } | { error, stack }`. */
    async runJob(job, progress, timeoutS) {
      onProgress = progress;
      let timer;
      let ok = false;
      try {
        const group = `${job.workload} ${JSON.stringify(job.params ?? {})}`;
        if (tab && tab.group !== group) {
          await tab.context.close().catch(() => {});
          tab = null;
        }
        tab ??= { ...(await openTab()), group };
        tab.errors.length = 0;
        await tab.page.goto(`${server.url}/bench/browser/index.html?job=${++jobs}`);
        await tab.page.waitForFunction(() => globalThis.benchReady === true, null, { timeout: 60_000 });
        const timeout = new Promise((r) => {
          timer = setTimeout(() => r({ error: `timed out after ${timeoutS} s` }), timeoutS * 1000);
        });
        const out = await Promise.race([tab.page.evaluate((j) => globalThis.benchRun(j), job), timeout]);
        if (out.error && tab.errors.length) out.error += ` (page errors: ${tab.errors.join('; ')})`;
        ok = !out.error;
        return out;
      } catch (err) {
        return { error: String(err?.message ?? err).split('\n')[0], stack: String(err?.stack ?? '') };
      } finally {
        clearTimeout(timer);
        if (!ok && tab) {
          const dead = tab;
          tab = null;
          await dead.context.close().catch(() => {});
        }
      }
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
