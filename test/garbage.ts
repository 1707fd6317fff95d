// Runs a garbage test's child process (`node --expose-gc script …args`) and parses what it prints.
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';

/** What the child printed: its figures (`gcEvents`, `jsHeapGrowth`) and stats, as JSON. */
export function runGarbageChild(script: string, args: string[]): Record<string, any> {
  const r = spawnSync(process.execPath, ['--expose-gc', script, ...args], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}
