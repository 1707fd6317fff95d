#!/usr/bin/env node
// Build only what changed: `node scripts/build.mjs` (what pretest, prepare, examples and fuzz
// call) runs a build stage only when its inputs differ from the last successful build;
// `npm run build` (`--force`) runs every stage.
//
//   stage  npm script   inputs (hashed by content)                     outputs (must still exist)
//   wasm   build:wasm   assembly/**, asconfig.json, the scripts/*.mjs   the asconfig targets' files,
//                       its npm script runs, assemblyscript's version  and what it wrote under src/
//   js     build:js     src/** (generated files included), tsup and   what it wrote under dist/
//                       tsconfig, package.json exports, tsup/TS versions
//
// Each stage runs its npm script, so the pipeline itself stays in package.json. The text of the
// script (and of any `npm run X` it calls) is part of the hash: editing the pipeline rebuilds.
// A stage's record lives in build/.stamps/<stage>.json and is written only after it succeeds.
// Plain Node (no shell syntax), so it behaves the same on Linux, macOS and Windows.
//
//   node scripts/build.mjs [--force] [--quiet]

import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmCommand } from './lib/npm.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const STAMPS = join(ROOT, 'build', '.stamps');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

const STAGES = [
  {
    name: 'wasm',
    script: 'build:wasm',
    inputs: ['assembly', 'asconfig.json'],
    tools: ['assemblyscript'],
    // The wasm files asconfig.json names; generated sources are found by what the stage wrote.
    fixedOutputs: () => Object.values(readJson('asconfig.json').targets ?? {}).flatMap((t) => [t.outFile, t.textFile].filter(Boolean)),
    writes: ['src', 'build'],
  },
  {
    name: 'js',
    script: 'build:js',
    inputs: ['src', 'tsup.config.ts', 'tsconfig.json'],
    tools: ['tsup', 'typescript', 'esbuild'],
    // package.json's exports decide the entry points, so they are an input too.
    extra: () => JSON.stringify([pkg.exports, pkg.main, pkg.module, pkg.types]),
    fixedOutputs: () => [],
    writes: ['dist'],
  },
];

function readJson(path) {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
}

/** Every file under `path` (a file or a folder), relative to the repository, sorted. */
function listFiles(path) {
  const abs = join(ROOT, path);
  if (!existsSync(abs)) return [];
  if (statSync(abs).isFile()) return [path];
  return readdirSync(abs, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? listFiles(join(path, e.name)) : e.isFile() ? [join(path, e.name)] : []));
}

/** The npm script's text and every `npm run X` and `node scripts/….mjs` it reaches. */
function scriptClosure(name, seen = new Set()) {
  if (seen.has(name)) return { texts: [], files: [] };
  seen.add(name);
  const text = pkg.scripts?.[name];
  if (text === undefined) throw new Error(`build: package.json has no "${name}" script`);
  const texts = [`${name}=${text}`];
  const files = [...text.matchAll(/\bnode\s+(scripts[/\\][\w./\\-]+\.m?js)/g)].map((m) => m[1]);
  for (const m of text.matchAll(/\bnpm\s+run\s+([\w:.-]+)/g)) {
    const sub = scriptClosure(m[1], seen);
    texts.push(...sub.texts);
    files.push(...sub.files);
  }
  return { texts, files };
}

function toolVersion(name) {
  const file = join(ROOT, 'node_modules', name, 'package.json');
  return existsSync(file) ? `${name}@${JSON.parse(readFileSync(file, 'utf8')).version}` : `${name}@missing`;
}

function stageHash(stage) {
  const { texts, files } = scriptClosure(stage.script);
  const hash = createHash('sha256');
  for (const t of texts) hash.update(`script\0${t}\0`);
  for (const t of stage.tools) hash.update(`tool\0${toolVersion(t)}\0`);
  if (stage.extra) hash.update(`extra\0${stage.extra()}\0`);
  for (const file of [...new Set([...stage.inputs.flatMap(listFiles), ...files])].sort()) {
    // '/' on every platform, so a stamp means the same thing everywhere.
    hash.update(`file\0${file.split(sep).join('/')}\0`);
    hash.update(readFileSync(join(ROOT, file)));
  }
  return hash.digest('hex');
}

function readStamp(stage) {
  try {
    return JSON.parse(readFileSync(join(STAMPS, `${stage.name}.json`), 'utf8'));
  } catch {
    return null;
  }
}

/** Files under the stage's output folders modified at or after `since` (ms). */
function writtenSince(stage, since) {
  return stage.writes.flatMap(listFiles).filter((f) => !f.startsWith(join('build', '.stamps')) && statSync(join(ROOT, f)).mtimeMs >= since);
}

function runNpmScript(name) {
  const npm = npmCommand(['run', name]);
  const r = spawnSync(npm.command, npm.args, { cwd: ROOT, stdio: 'inherit', shell: npm.shell });
  if (r.status !== 0) throw new Error(`build: npm run ${name} failed (exit ${r.status ?? r.signal})`);
}

function main() {
  const force = process.argv.includes('--force');
  const quiet = process.argv.includes('--quiet');
  const say = (msg) => quiet || console.log(`build: ${msg}`);
  mkdirSync(STAMPS, { recursive: true });
  for (const stage of STAGES) {
    const hash = stageHash(stage);
    const stamp = readStamp(stage);
    const outputs = [...stage.fixedOutputs(), ...(stamp?.outputs ?? [])];
    const missing = outputs.filter((f) => !existsSync(join(ROOT, f)));
    if (!force && stamp?.hash === hash && missing.length === 0 && stamp.outputs.length > 0) {
      say(`${stage.name} is up to date (inputs unchanged; \`npm run build\` rebuilds everything)`);
      continue;
    }
    const why = force ? 'forced' : !stamp ? 'no previous build' : stamp.hash !== hash ? 'inputs changed' : `missing ${missing[0]}`;
    say(`${stage.name}: npm run ${stage.script} (${why})`);
    rmSync(join(STAMPS, `${stage.name}.json`), { force: true });
    // File times can be coarser than Date.now(): back off a little so nothing written is missed.
    const started = Date.now() - 2000;
    runNpmScript(stage.script);
    const written = writtenSince(stage, started).map((f) => f.split(sep).join('/'));
    // The hash is taken again: the stage may have generated some of its own inputs (src/).
    writeFileSync(join(STAMPS, `${stage.name}.json`), JSON.stringify({ hash: stageHash(stage), outputs: written }, null, 2) + '\n');
  }
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
