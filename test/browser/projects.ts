// The browser half of vitest.config.ts: two projects that run in real headless Chromium.
//
//   browser      test/*.browser.test.ts (except *.e2e.*) and the browser-safe library unit tests:
//                vitest browser mode, the test files themselves run in a Chromium page (library
//                tests, OfflineAudioContext, Worker).
//   browser-e2e  test/*.e2e.browser.test.ts: Node drives Chromium with Playwright against the
//                example server and the bundler fixtures, as a person or a user's app would.
//
// Without Chromium both are replaced by one test that fails and says how to install it: the
// browser tests never pass by being skipped.

import { existsSync } from 'node:fs';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM_ARGS, MISSING_CHROMIUM_MESSAGE, findChromium } from './chromium.js';

/**
 * Cross-origin isolation for the vitest server, so test pages get SharedArrayBuffer. Put this
 * in the root config's `server.headers`: it reaches a project only through `extends: true`.
 */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The library's own unit tests (also run by the node project) that are browser-safe: no node:
 * imports, no process, no Buffer. They run a second time in the Chromium page; growth.test.ts
 * there takes the resizable-buffer path that Node 20 skips.
 */
export const LIBRARY_TESTS_IN_BROWSER = [
  'test/heap.test.ts',
  'test/arena.test.ts',
  'test/errors.test.ts',
  'test/debug.test.ts',
  'test/growth.test.ts',
  'test/profile.test.ts',
];

export function browserProjects(): TestProjectInlineConfiguration[] {
  const executablePath = findChromium();
  if (!executablePath) {
    console.error(`\n${MISSING_CHROMIUM_MESSAGE}\n`);
    return [
      {
        extends: true,
        test: {
          name: 'browser (Chromium missing)',
          include: ['test/browser/chromium-missing.check.ts'],
          environment: 'node',
        },
      },
    ];
  }
  const missing = LIBRARY_TESTS_IN_BROWSER.filter((file) => !existsSync(file));
  if (missing.length) console.warn(`browser project: listed library tests not found (renamed?): ${missing.join(', ')}`);
  return [
    {
      extends: true,
      // Pre-bundle the tests' one browser-side dependency up front, so Vite never re-optimizes
      // (and reloads the page) in the middle of a run.
      optimizeDeps: { include: ['fast-check'] },
      test: {
        name: 'browser',
        include: ['test/*.browser.test.ts', ...LIBRARY_TESTS_IN_BROWSER],
        exclude: ['test/*.e2e.browser.test.ts'],
        testTimeout: 30_000,
        browser: {
          enabled: true,
          headless: true,
          screenshotFailures: false,
          provider: playwright({ launchOptions: { executablePath, args: CHROMIUM_ARGS } }),
          instances: [{ browser: 'chromium' }],
        },
      },
    },
    {
      extends: true,
      test: {
        name: 'browser-e2e',
        include: ['test/*.e2e.browser.test.ts'],
        environment: 'node',
        testTimeout: 60_000,
        hookTimeout: 120_000,
      },
    },
  ];
}
