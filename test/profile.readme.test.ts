// The README's "Profiling" example, run as written (with 'wasm-arena' and 'wasm-arena/profile'
// pointing at the built dist/) in a child Node process, and what it prints checked against the
// comments beside it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

/** The first ```js block under the README's "## Profiling" heading. */
function profilingExample(): string {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Profiling\n'));
  const m = section.match(/```js\n([\s\S]*?)```/);
  if (!m) throw new Error('README: no ```js block under ## Profiling');
  return m[1];
}

describe('README Profiling example', () => {
  it('is at most 10 lines of code', () => {
    expect(profilingExample().split('\n').filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(10);
  });

  it('runs as written and prints what its comments say', () => {
    const dist = (entry: string) => JSON.stringify(pathToFileURL(resolve(root, `dist/${entry}.js`)).href);
    const code = profilingExample().replace("from 'wasm-arena'", `from ${dist('index')}`).replace("import 'wasm-arena/profile'", `import ${dist('profile')}`);
    const dir = mkdtempSync(join(tmpdir(), 'wasm-arena-readme-'));
    writeFileSync(join(dir, 'profiling.mjs'), code);
    const r = spawnSync(process.execPath, [join(dir, 'profiling.mjs')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [leaks, ...report] = r.stdout.trim().split('\n');
    // The leak, as its comment says.
    const said = profilingExample().match(/console\.log\(heap\.leaks.*\/\/ (.+)$/m)![1].trim();
    expect(leaks).toBe(said);
    expect(leaks).toBe("[ { tag: 'frame', blocks: 1, bytes: 272 } ]");
    // The report: a table with a row per tag (4000 + 16 bytes = 3.92 KiB; 101 allocations under 'frame').
    expect(report).toContainEqual(expect.stringMatching(/^tag +live blocks +live bytes +peak bytes +allocs +frees$/));
    expect(report).toContainEqual(expect.stringMatching(/^meshes +1 +3\.92 KiB +3\.92 KiB +1 +0$/));
    expect(report).toContainEqual(expect.stringMatching(/^frame +1 +272 B +272 B +101 +100$/));
    expect(report).toContainEqual(expect.stringMatching(/^\(allocator\) +2 /));
  });
});
