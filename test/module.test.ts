// The shipped module and package: size budget, no managed objects, no imports, ABI agreement,
// and a build that loads as ESM and CJS without browser-hostile globals.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as abi from '../src/abi.js';
import { decodeBase64 } from '../src/wasm.js';

const root = new URL('../', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root));

describe('release module', () => {
  it('is smaller than 4096 bytes', () => {
    expect(read('build/release.wasm').length).toBeLessThan(4096);
  });
  it('imports nothing and never calls __new (no managed objects)', () => {
    const mod = new WebAssembly.Module(read('build/release.wasm'));
    expect(WebAssembly.Module.imports(mod)).toEqual([]);
    for (const t of ['release', 'debug', 'shared']) expect(read(`build/${t}.wat`).toString()).not.toMatch(/__new|__alloc/);
  });
  it('the shared build imports only a shared memory', () => {
    const mod = new WebAssembly.Module(read('build/shared.wasm'));
    expect(WebAssembly.Module.imports(mod)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
  });
});

describe('ABI: src/abi.ts mirrors assembly/layout.ts', () => {
  const layout = read('assembly/layout.ts').toString();
  const value = (name: string): number => {
    const m = layout.match(new RegExp(`const ${name}: u32 = ([^;]+);`));
    if (!m) throw new Error(`${name} not found in layout.ts`);
    const expr = m[1].replace(/\/\/.*$/, '').replace(/\b([A-Z_]+)\b/g, (n) => String(value(n)));
    return Function(`return (${expr})`)() as number;
  };
  it.each(Object.keys(abi).filter((k) => /^(R_|E_|C_|FL_COUNT|SL_COUNT|HEADER|TAGS|MAX_|ROOT)/.test(k) && k !== 'E_OOM'))('%s', (k) => {
    expect(value(k === 'HEADER' ? 'HEADER' : k)).toBe((abi as Record<string, number>)[k]);
  });
});

describe('base64 decoder (no atob in AudioWorkletGlobalScope)', () => {
  it('decodes what Buffer encodes, for every length mod 3', () => {
    for (let n = 0; n < 50; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n) & 0xff);
      expect(decodeBase64(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
    }
  });
  it('rejects characters outside the alphabet', () => {
    expect(() => decodeBase64('AB$D')).toThrow(TypeError);
  });
});

describe('the built package', () => {
  const pkg = JSON.parse(read('package.json').toString());
  it('has no runtime dependencies', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
  });
  it('loads by name through require (CJS) and import (ESM)', () => {
    const cjs = execFileSync(process.execPath, ['-e', "const {Heap}=require('wasm-arena');const h=new Heap();h.free(h.alloc(8));h.check();console.log(typeof Heap)"], { cwd: new URL('.', root) });
    expect(cjs.toString().trim()).toBe('function');
    const esm = execFileSync(process.execPath, ['--input-type=module', '-e', "import {Heap,Arena,HeapError,OutOfMemoryError,InvalidPointerError,HeapCorruptionError} from 'wasm-arena';const h=new Heap();h.arena(64).dispose();console.log([Heap,Arena,HeapError,OutOfMemoryError,InvalidPointerError,HeapCorruptionError].every(f=>typeof f==='function'))"], { cwd: new URL('.', root) });
    expect(esm.toString().trim()).toBe('true');
  });
  it.each(['dist/index.js', 'dist/index.cjs'])('%s uses no atob, Buffer, TextDecoder, fetch, timers or node: imports', (f) => {
    const code = read(f).toString().replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    expect(code).not.toMatch(/\batob\(|\bBuffer\b|TextDecoder|\bfetch\(|setTimeout|queueMicrotask|\bperformance\.|["']node:|\bimport\(/);
  });
});

describe('README', () => {
  it('the example runs as written', () => {
    const readme = read('README.md').toString();
    const code = readme.match(/## Example\n\n```ts\n([\s\S]*?)```/)![1];
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: new URL('.', root) }).toString();
    expect(out).toMatch(/liveBlocks: 0/);
  });
});
