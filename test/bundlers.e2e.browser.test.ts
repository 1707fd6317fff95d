// A user's app (test/fixtures/bundler-app) imports `wasm-arena` by package name and is built by
// Vite and by esbuild with zero configuration — no config file, no plugin, no wasm loader —
// then run in headless Chromium: main thread (sync + async), a Worker and an AudioWorklet.
//
// The fixture depends on "wasm-arena": "file:../../.."; instead of running `npm install` there
// (network, slow) the test makes the symlink npm would make: node_modules/wasm-arena → the repo.

import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import { startServer } from '../scripts/serve-examples.mjs';
import { REPO, launchChromium, openPage } from './browser/pages.js';

const APP = join(REPO, 'test/fixtures/bundler-app');
const OUT = join(APP, 'dist');
const require = createRequire(import.meta.url);

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(REPO, 'dist/index.js'))) throw new Error('dist/index.js is missing: run `npm run build` first');
  // node_modules/wasm-arena → ../../../.. (relative, like npm's link for a file: dependency)
  const link = join(APP, 'node_modules/wasm-arena');
  mkdirSync(join(APP, 'node_modules'), { recursive: true });
  if (!existsSync(link) || !lstatSync(link).isSymbolicLink()) {
    rmSync(link, { recursive: true, force: true });
    symlinkSync(relative(join(APP, 'node_modules'), REPO), link, 'dir');
  }
  rmSync(OUT, { recursive: true, force: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Every file under `dir`, relative. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)));
}

/** Serve `root` with COOP/COEP, open index.html, wait for the fixture's result. */
async function runInChromium(root: string) {
  const server = await startServer({ root, port: 0 });
  try {
    const { page, errors } = await openPage(browser, `${server.url}/index.html`);
    await page.waitForFunction(() => 'fixtureResult' in globalThis, undefined, { timeout: 15_000 });
    const result = await page.evaluate(() => (globalThis as unknown as { fixtureResult: unknown }).fixtureResult);
    await page.close();
    return { result, errors };
  } finally {
    await server.close();
  }
}

const EXPECTED = {
  ok: true,
  checks: { alloc: true, allocArray: true, arena: true, errors: true, outOfMemory: true, check: true, create: true, worker: true, worklet: true },
};

describe('bundlers: the package works with zero bundler configuration', () => {
  it('Vite (`vite build`, no config file) builds the app; it runs in Chromium, Worker and AudioWorklet included', async () => {
    const vite = join(require.resolve('vite/package.json'), '../bin/vite.js');
    execFileSync(process.execPath, [vite, 'build', '--outDir', 'dist/vite', '--logLevel', 'warn'], { cwd: APP, stdio: 'pipe' });
    const built = files(join(OUT, 'vite'));
    expect(built).toContain('index.html');
    expect(built.filter((f) => f.endsWith('.wasm'))).toEqual([]); // inlined: no asset to copy
    const { result, errors } = await runInChromium(join(OUT, 'vite'));
    expect(result).toEqual(EXPECTED);
    expect(errors).toEqual([]);
  });

  it('esbuild (`esbuild --bundle`, no plugins) builds the app; it runs in Chromium, Worker and AudioWorklet included', async () => {
    const esbuild = join(require.resolve('esbuild/package.json'), '../bin/esbuild');
    const dir = join(OUT, 'esbuild');
    // Three entry points: the page's script, and the Worker and the AudioWorklet processor it
    // loads with new URL('./<name>.js', import.meta.url).
    execFileSync(esbuild, ['src/main-esbuild.js', 'src/worker.js', 'src/processor.js', '--bundle', '--format=esm', `--outdir=${dir}`, '--log-level=warning'], {
      cwd: APP,
      stdio: 'pipe',
    });
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><pre id="out"></pre><script type="module" src="./main-esbuild.js"></script>\n',
    );
    expect(files(dir).sort()).toEqual(['index.html', 'main-esbuild.js', 'processor.js', 'worker.js']);
    const { result, errors } = await runInChromium(dir);
    expect(result).toEqual(EXPECTED);
    expect(errors).toEqual([]);
  });
});
