import { defineConfig } from 'vitest/config';
import { browserProjects, isolationHeaders } from './test/browser/projects.js';

export default defineConfig({
  // Cross-origin isolation (SharedArrayBuffer) for the browser project's pages; projects get it
  // through `extends: true`.
  server: { headers: isolationHeaders },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.browser.test.ts', 'test/fixtures/**'],
          testTimeout: 120_000,
        },
      },
      // Real headless Chromium: test/*.browser.test.ts, see test/browser/projects.ts.
      ...browserProjects(),
    ],
  },
});
