import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { browserProjects, isolationHeaders } from './test/browser/projects.js';

export default defineConfig({
  // Cross-origin isolation (SharedArrayBuffer) for the browser project's pages; projects get it
  // through `extends: true`.
  server: { headers: isolationHeaders },
  // Tests import the sources (for types: `npm run typecheck` needs no build) but run the built
  // bundle, the code that ships. It is also much faster: vitest turns every imported constant of
  // an unbundled module into a getter call, which slows the heap walks (check()) about 4×.
  resolve: {
    alias: [
      { find: /^\.\.\/src\/(index|debug|shared|profile)\.js$/, replacement: fileURLToPath(new URL('./dist/$1.js', import.meta.url)) },
    ],
  },
  test: {
    setupFiles: ['test/builds.ts'],
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
