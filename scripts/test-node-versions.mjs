#!/usr/bin/env node
// Run the Node test project (`vitest run --project node`) on other Node versions, with Node
// binaries from the npm registry (the `node-<os>-<arch>` packages): no other download.
//
//   node scripts/test-node-versions.mjs 24 26            each major, one after the other
//   node scripts/test-node-versions.mjs 24 --json-dir build/ci   also write vitest's JSON report
//
// The binaries are installed once into build/node-versions/<major>/ (delete it to update).
// The library must be built first (`node scripts/build.mjs`); the tests use dist/ and build/.
// Exits non-zero when any version fails, after running them all.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmCommand } from './lib/npm.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const jsonDirAt = args.indexOf('--json-dir');
const jsonDir = jsonDirAt >= 0 ? resolve(args[jsonDirAt + 1]) : null;
const majors = args.filter((a, i) => /^\d+$/.test(a) && i !== jsonDirAt + 1);
if (majors.length === 0) {
  console.error('usage: node scripts/test-node-versions.mjs <major>... [--json-dir <folder>]');
  process.exit(2);
}

const OS = { linux: 'linux', darwin: 'darwin', win32: 'win' }[process.platform];
const PACKAGE = `node-${OS}-${process.arch}`;

function npm(npmArgs, cwd) {
  const npm = npmCommand(npmArgs);
  return spawnSync(npm.command, npm.args, { cwd, stdio: 'inherit', shell: npm.shell });
}

/** Path of the Node binary for `major`, installing the registry package when needed. */
function nodeBinary(major) {
  const dir = join(ROOT, 'build', 'node-versions', major);
  const pkgDir = join(dir, 'node_modules', PACKAGE);
  const find = () => ['bin/node', 'bin/node.exe', 'node.exe'].map((p) => join(pkgDir, p)).find(existsSync);
  if (!find()) {
    mkdirSync(dir, { recursive: true });
    console.log(`== installing ${PACKAGE}@${major} from the npm registry into ${dir}`);
    const r = npm(['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-save', `${PACKAGE}@${major}`], ROOT);
    if (r.status !== 0) throw new Error(`npm install ${PACKAGE}@${major} failed`);
  }
  const bin = find();
  if (!bin) throw new Error(`${PACKAGE}@${major} installed no Node binary under ${pkgDir}`);
  return bin;
}

const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const results = [];
for (const major of majors) {
  const node = nodeBinary(major);
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`== Node ${version}: vitest run --project node`);
  const reporters = jsonDir
    ? ['--reporter=default', '--reporter=json', `--outputFile.json=${join(jsonDir, `vitest-node-${version}.json`)}`]
    : [];
  const started = Date.now();
  // PATH gets this Node first, so anything the tests spawn by name runs on it too.
  const env = { ...process.env, PATH: `${join(node, '..')}${process.platform === 'win32' ? ';' : ':'}${process.env.PATH}` };
  const r = spawnSync(node, [vitest, 'run', '--project', 'node', ...reporters], { cwd: ROOT, stdio: 'inherit', env });
  results.push({ version, ok: r.status === 0, seconds: Math.round((Date.now() - started) / 1000) });
}
for (const { version, ok, seconds } of results) console.log(`Node ${version}: ${ok ? 'passed' : 'FAILED'} (${seconds} s)`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
