// Where the browser tests find Chromium, and how they launch it. Node-side only (imported by
// vitest.config.ts and the *.e2e.browser.test.ts files).
//
// Playwright's own browser download is not used: CI and this project's machines install
// Debian's `chromium` package (`apt-get install -y chromium`). CHROMIUM_PATH overrides.

import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** Absolute path of a Chromium executable, or null when there is none. */
export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

export const MISSING_CHROMIUM_MESSAGE = [
  'The browser tests need Chromium, and none was found',
  `(looked for ${process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH}` : CANDIDATES.join(', ')}).`,
  'Install it with `apt-get install -y chromium` (Debian/Ubuntu), or point CHROMIUM_PATH at a',
  'Chromium or Chrome binary. The browser tests are part of `npm test` and are not skipped.',
].join('\n');

/**
 * Headless launch flags: no sandbox (CI runs as root in a container), no GPU, nothing that
 * phones home, and audio allowed to start without a user gesture.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
  '--enable-precise-memory-info',
];
