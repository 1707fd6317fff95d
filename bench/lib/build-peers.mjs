// Compiles the AssemblyScript peer modules (bench/peers/*.ts → bench/peers/build/*.wasm) with
// their own config, never the project's ./asconfig.json. Skipped when the outputs are current.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchDir, rootDir } from './peers.mjs';

const PEER_MODULES = ['tlsf', 'floor'];

export async function buildPeers(log) {
  const asc = await import('assemblyscript/asc');
  const cfg = resolve(benchDir, 'peers/asconfig.json');
  for (const name of PEER_MODULES) {
    const src = resolve(benchDir, 'peers', `${name}.ts`);
    const out = resolve(benchDir, 'peers/build', `${name}.wasm`);
    if (existsSync(out) && statSync(out).mtimeMs > Math.max(statSync(src).mtimeMs, statSync(cfg).mtimeMs)) continue;
    log(`compiling peer module bench/peers/${name}.ts`);
    const { error, stderr } = await asc.main(
      [`bench/peers/${name}.ts`, '--config', 'bench/peers/asconfig.json', '--target', name],
      { stdout: asc.createMemoryStream(), stderr: asc.createMemoryStream(), cwd: rootDir },
    );
    if (error) throw new Error(`asc failed for bench/peers/${name}.ts: ${error.message}\n${stderr.toString()}`);
  }
}
