// The README's "Structs" example, run as written (with 'wasm-arena' pointing at the built dist/)
// in a child Node process, and what it prints checked against the comments beside it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

/** The first ```js block under the README's "## Structs" heading. */
function structsExample(): string {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Structs\n'));
  const m = section.match(/```js\n([\s\S]*?)```/);
  if (!m) throw new Error('README: no ```js block under ## Structs');
  return m[1];
}

describe('README Structs example', () => {
  it('is at most 15 lines of code', () => {
    expect(structsExample().split('\n').filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(15);
  });

  it('runs as written and prints what its comments say', () => {
    const dist = pathToFileURL(resolve(root, 'dist/index.js')).href;
    const code = structsExample().replace("from 'wasm-arena'", `from ${JSON.stringify(dist)}`);
    const dir = mkdtempSync(join(tmpdir(), 'wasm-arena-readme-'));
    writeFileSync(join(dir, 'structs.mjs'), code);
    const r = spawnSync(process.execPath, [join(dir, 'structs.mjs')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['24 18', '2 2.5 1.5', '7 255', '100 0']);
    // …and each line is the one its console.log's comment announces.
    const said = [...structsExample().matchAll(/console\.log\(.*\/\/ (.+)$/gm)].map((m) => m[1].split(/:/)[0].trim());
    expect(said).toEqual(['24 18', '2 2.5 1.5', '7 255', '100 0']);
  });
});
