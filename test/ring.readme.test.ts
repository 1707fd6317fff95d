// The README's "Rings" example, run as written (with 'wasm-arena' pointing at the built dist/) in a
// child Node process, and what it prints checked against the comments beside it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

/** The first ```js block under the README's "## Rings" heading. */
function ringsExample(): string {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Rings\n'));
  const m = section.match(/```js\n([\s\S]*?)```/);
  if (!m) throw new Error('README: no ```js block under ## Rings');
  return m[1];
}

describe('README Rings example', () => {
  it('runs as written and prints what its comments say', () => {
    const dist = pathToFileURL(resolve(root, 'dist/index.js')).href;
    const code = ringsExample().replace("from 'wasm-arena'", `from ${JSON.stringify(dist)}`);
    const dir = mkdtempSync(join(tmpdir(), 'wasm-arena-readme-'));
    writeFileSync(join(dir, 'rings.mjs'), code);
    const r = spawnSync(process.execPath, [join(dir, 'rings.mjs')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const printed = r.stdout.trim().split('\n');
    expect(printed).toEqual(['128 128', '128 -0.5 0', '1', '8 0 10 1 11 2 12 3 13']);
    // …and each line is the one its console.log's comment announces (up to a colon).
    const said = [...ringsExample().matchAll(/console\.log\(.*\/\/ (.+)$/gm)].map((m) => m[1].split(/:/)[0].trim());
    expect(said).toEqual(printed);
  });
});
