#!/usr/bin/env node
// Opens a bench report in headless Chromium and saves a full-page PNG next to it, to look at the
// report the way a reader will. Usage: node bench/screenshot.mjs [report.html] [out.png]
// Uses Playwright with the system Chromium (CHROMIUM_PATH, default /usr/bin/chromium).

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright';

const html = resolve(process.argv[2] ?? 'bench/results/report.html');
const png = resolve(process.argv[3] ?? html.replace(/\.html$/, '.png'));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(html).href);
  await page.screenshot({ path: png, fullPage: true });
  process.stderr.write(`screenshot: ${png}\n`);
} finally {
  await browser.close();
}
