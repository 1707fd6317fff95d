// What profiling costs an app that does not use it: nothing in its bundle. And an app that does
// gets the profiler by importing 'wasm-arena/profile' once.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);

/** `code` bundled by esbuild (minified) from a scratch folder inside the project, so 'wasm-arena' resolves. */
function bundle(code: string): string {
  const dir = mkdtempSync(join(new URL('build/', root).pathname, 'profile-bundle-'));
  try {
    writeFileSync(join(dir, 'app.mjs'), code);
    const esbuild = new URL('node_modules/.bin/esbuild', root).pathname;
    execFileSync(esbuild, [join(dir, 'app.mjs'), '--bundle', '--format=esm', '--minify', `--outfile=${join(dir, 'out.js')}`, '--log-level=error'], { cwd: new URL('.', root) });
    return readFileSync(join(dir, 'out.js')).toString();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Strings only the profiler's code holds. */
const PROFILER_CODE = /<svg|fragmentation|sampleCallSites|allocated since the snapshot|\(allocator\)/;

describe('bundles', () => {
  it("an app that imports only Heap bundles none of the profiler's code and no profile build", () => {
    const out = bundle("import { Heap } from 'wasm-arena'; const h = new Heap(); console.log(h.alloc(8));");
    expect(out).not.toMatch(PROFILER_CODE);
    expect(out.match(/['"`]AGFzbQ[A-Za-z0-9+/=]+['"`]/g)?.length).toBe(1); // the release build alone
  });

  it("an app that imports 'wasm-arena/profile' gets the profiler and the profile build", () => {
    const out = bundle("import { Heap } from 'wasm-arena'; import 'wasm-arena/profile'; const h = new Heap({ profile: true }); console.log(h.heapMap().length);");
    expect(out).toMatch(PROFILER_CODE);
    expect(out.match(/['"`]AGFzbQ[A-Za-z0-9+/=]+['"`]/g)?.length).toBe(2);
  });

  it('without the import, a profile heap is refused with a TypeError that names it', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e',
      "import { Heap } from 'wasm-arena'; try { new Heap({ profile: true }); } catch (e) { console.log(e.name + ': ' + e.message); }"], { cwd: new URL('.', root) }).toString();
    expect(out).toMatch(/^TypeError: .*import 'wasm-arena\/profile'/);
  });
});
