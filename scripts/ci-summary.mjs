#!/usr/bin/env node
// Sums vitest JSON reports (--reporter=json) into one plain closing line for CI logs:
//   node scripts/ci-summary.mjs build/ci/*.json   →   "tests: 1234 passed, 0 failed, 4 skipped"
// vitest's own summary has no such line; CI is still judged by exit codes.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

const files = process.argv.slice(2).flatMap((p) =>
  statSync(p).isDirectory() ? readdirSync(p).filter((f) => f.endsWith('.json')).map((f) => join(p, f)) : [p],
);
let passed = 0, failed = 0, skipped = 0;
for (const file of files) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const s = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${basename(file, '.json')}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${s} skipped`);
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += s;
}
if (files.length === 0) {
  console.error('ci-summary: no vitest JSON report given');
  process.exit(1);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
