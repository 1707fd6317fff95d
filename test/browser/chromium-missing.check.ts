// Stands in for the browser tests when no Chromium is installed (see projects.ts): one failing
// test whose message says what to install, so `npm test` cannot pass without the browser tests.

import { test } from 'vitest';
import { MISSING_CHROMIUM_MESSAGE } from './chromium.js';

test('browser tests need Chromium', () => {
  throw new Error(MISSING_CHROMIUM_MESSAGE);
});
