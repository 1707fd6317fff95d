// Without Chromium, `npm test` must fail and say why — never pass by skipping the browser tests.
// Runs vitest itself with CHROMIUM_PATH pointing nowhere and checks the outcome.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './browser/pages.js';

const require = createRequire(import.meta.url);

describe('browser tests without Chromium', () => {
  it('fail with a message that says to install Chromium', () => {
    const vitest = join(require.resolve('vitest/package.json'), '../vitest.mjs');
    const run = spawnSync(process.execPath, [vitest, 'run', '--project', 'browser (Chromium missing)', '--reporter=default'], {
      cwd: REPO,
      env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium', FORCE_COLOR: '0', NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const output = run.stdout + run.stderr;
    expect(run.status, output).toBe(1);
    expect(output).toContain('The browser tests need Chromium or Chrome, and none was found');
    expect(output).toContain('npx playwright install chromium');
    expect(output).toMatch(/1 failed/);
  });
});
