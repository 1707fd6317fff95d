// Installing the package the way a user does, from a clean clone of this repository at HEAD
// (committed files only: dist/ is not in git, so the package must build itself):
//
//   - `npm install git+file://…#<commit>` in a fresh project runs the package's `prepare` script
//     (npm first installs its devDependencies, the build toolchain), and the result loads with
//     ESM `import` and CJS `require`;
//   - `npm pack` in the clone runs `prepack`, which builds, so the tarball lists dist/.
//
// Offline-friendly: git+file:// needs no network and npm takes packages from its cache first.
// About 40 s on a 2-core machine, most of it the two builds (one per flow).

import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmCommand } from '../scripts/lib/npm.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const INSTALL_TIMEOUT = 300_000;


/** The environment of a fresh shell: none of the npm_* variables of the `npm test` that runs us. */
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

function npm(args: string[], cwd: string) {
  const options: SpawnSyncOptions = { cwd, env: CLEAN_ENV, encoding: 'utf8', timeout: INSTALL_TIMEOUT, maxBuffer: 64 << 20 };
  const cmd = npmCommand(args);
  const run = spawnSync(cmd.command, cmd.args, { ...options, shell: cmd.shell });
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.status !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${run.status ?? run.signal}) in ${cwd}:\n${output.slice(-4000)}`);
  return { stdout: String(run.stdout), output };
}

/** Run a snippet with the Node that runs the tests, inside the user's project. */
function nodeIn(cwd: string, args: string[]): string {
  return execFileSync(process.execPath, args, { cwd, env: CLEAN_ENV, encoding: 'utf8' }).trim();
}

let tmp: string;
let clone: string;
let commit: string;

// Cloning, and removing two installs' node_modules afterwards, can take longer than vitest's
// default 10 s hook limit on a busy machine.
const HOOK_TIMEOUT = 120_000;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'wasm-arena-install-'));
  clone = join(tmp, 'clone');
  commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '--quiet', '--no-checkout', REPO, clone]);
  execFileSync('git', ['checkout', '--quiet', commit], { cwd: clone });
}, HOOK_TIMEOUT);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, HOOK_TIMEOUT);

describe('installed from git into a fresh project', () => {
  it(
    'npm install git+file://<clone>#<commit> builds the package (prepare) and it loads with import and require',
    () => {
      const app = join(tmp, 'app');
      mkdirSync(app);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
      npm(['install', '--no-audit', '--no-fund', '--prefer-offline', `git+${pathToFileURL(clone).href}#${commit}`], app);

      const installed = join(app, 'node_modules', 'wasm-arena');
      for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts']) {
        expect(existsSync(join(installed, f)), f).toBe(true);
      }
      // Only what `files` lists (plus package.json, README, LICENSE) reaches the user.
      expect(existsSync(join(installed, 'src')), 'src/ shipped').toBe(false);
      expect(existsSync(join(installed, 'assembly')), 'assembly/ shipped').toBe(false);
      expect(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).dependencies['wasm-arena']).toMatch(/^git\+file:/);

      const esm = nodeIn(app, [
        '--input-type=module',
        '-e',
        "import { Heap, Arena, InvalidPointerError } from 'wasm-arena';" +
          'const h = new Heap(); const p = h.alloc(64); h.u8[p] = 7; h.free(p); h.check();' +
          "let e; try { h.free(p); } catch (x) { e = x; }" +
          "console.log(typeof Arena, e instanceof InvalidPointerError, h.stats().liveBlocks);",
      ]);
      expect(esm).toBe('function true 0');
      const cjs = nodeIn(app, [
        '-e',
        "const { Heap } = require('wasm-arena'); const h = new Heap();" +
          'const a = h.allocArray(Float32Array, 4); a.fill(1.5); const sum = a.reduce((s, x) => s + x, 0); h.free(a);' +
          "console.log(require.resolve('wasm-arena').endsWith('index.cjs'), sum, h.stats().liveBlocks);",
      ]);
      expect(cjs).toBe('true 6 0');
    },
    INSTALL_TIMEOUT,
  );
});

describe('packed from a clean clone', () => {
  it(
    'npm pack builds first (prepack) and the tarball lists the dist/ files',
    () => {
      // Dependencies only: --ignore-scripts skips `prepare`, so the build comes from `prepack`.
      npm(['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], clone);
      expect(existsSync(join(clone, 'dist')), 'dist/ before packing').toBe(false);
      const { stdout } = npm(['pack', '--dry-run', '--json'], clone);
      // The build's own output comes first on stdout; npm's JSON report is the last thing.
      const json = stdout.slice(stdout.search(/^\[\s*\{\s*"id"/m));
      const files: string[] = JSON.parse(json)[0].files.map((f: { path: string }) => f.path);
      expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'package.json']));
      expect(files.filter((f) => !/^(dist\/|package\.json$|README\.md$|LICENSE$)/.test(f))).toEqual([]);
    },
    INSTALL_TIMEOUT,
  );
});
