#!/usr/bin/env node
// Opens a bench report in headless Chromium and saves PNGs of it, to look at the report the way a
// reader will: the full page, or (--split) one PNG per 1,600 px of height, easier to view.
//
//   node bench/screenshot.mjs [report.html] [out.png] [--split]
//
// Uses Playwright with an installed Chromium (CHROMIUM_PATH or the usual system paths).

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, findChromium } from './lib/chromium.mjs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const split = process.argv.includes('--split');
const html = resolve(args[0] ?? 'bench/results/report.html');
const png = resolve(args[1] ?? html.replace(/\.html$/, '.png'));
const browser = await chromium.launch({ executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(html).href);
  if (!split) {
    await page.screenshot({ path: png, fullPage: true });
    process.stderr.write(`screenshot: ${png}\n`);
  } else {
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    for (let y = 0, i = 1; y < height; y += 1600, i++) {
      const file = png.replace(/\.png$/, `-${i}.png`);
      await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y, width: 1200, height: Math.min(1600, height - y) } });
      process.stderr.write(`screenshot: ${file}\n`);
    }
  }
} finally {
  await browser.close();
}
