// Compiles the AssemblyScript peer modules (bench/peers/*.ts → bench/peers/build/*.wasm) with
// their own config, never the project's ./asconfig.json, and (for the Chromium page) bundles
// @thi.ng/malloc and ringbuf.js into one ES module each with esbuild. Skipped when the outputs
// are current.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchDir, rootDir, peerBuildDir } from './paths.mjs';

const PEER_MODULES = ['tlsf', 'floor'];
/** npm peers bundled for the Chromium page: bench/peers/build/<name>.mjs ← package. */
const BUNDLED = { thing: '@thi.ng/malloc', ringbuf: 'ringbuf.js' };

const newer = (out, ...inputs) => existsSync(out) && inputs.every((i) => statSync(out).mtimeMs > statSync(i).mtimeMs);

export async function buildPeers(log, { browser = false } = {}) {
  const asc = await import('assemblyscript/asc');
  const cfg = resolve(benchDir, 'peers/asconfig.json');
  for (const name of PEER_MODULES) {
    const src = resolve(benchDir, 'peers', `${name}.ts`);
    if (newer(resolve(peerBuildDir, `${name}.wasm`), src, cfg)) continue;
    log(`compiling peer module bench/peers/${name}.ts`);
    const { error, stderr } = await asc.main(
      [`bench/peers/${name}.ts`, '--config', 'bench/peers/asconfig.json', '--target', name],
      { stdout: asc.createMemoryStream(), stderr: asc.createMemoryStream(), cwd: rootDir },
    );
    if (error) throw new Error(`asc failed for bench/peers/${name}.ts: ${error.message}\n${stderr.toString()}`);
  }
  for (const [name, pkg] of Object.entries(BUNDLED)) {
    const out = resolve(peerBuildDir, `${name}.mjs`);
    if (!browser || newer(out, resolve(rootDir, 'node_modules', pkg, 'package.json'))) continue;
    log(`bundling ${pkg} for the browser page`);
    const esbuild = await import('esbuild');
    await esbuild.build({ entryPoints: [pkg], bundle: true, format: 'esm', outfile: out, logLevel: 'error', absWorkingDir: rootDir });
  }
}
