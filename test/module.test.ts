// The shipped modules and package: size budget, no managed objects, no imports, one source of
// truth for the layout (JS and wasm agree), builds that bundle only when asked for, and a build
// that loads as ESM and CJS without browser-hostile globals.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as L from '../src/layout.js';
import { decodeBase64 } from '../src/wasm.js';
// @ts-expect-error: a .mjs script without types
import { generate, parseLayout } from '../scripts/gen-layout.mjs';

const root = new URL('../', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root));
/** A scratch folder inside the project (so that 'wasm-arena' and relative imports resolve). */
const scratch = (prefix: string): string => mkdtempSync(join(new URL('build/', root).pathname, prefix));
const BUILDS = ['release', 'debug', 'shared', 'profile'];
/** The release module's budget: small enough to compile synchronously anywhere it matters. */
const RELEASE_BUDGET = 6144;
/**
 * What `import { Heap }` may cost an app, minified and gzipped: the release module (about 3.3 KB of
 * it as base64) and every feature a Heap object carries as a method (caches, check(), stats(),
 * arenas, pools with their cross-thread frees, rings, struct-of-arrays tables, the error messages).
 * The other builds and the profiler are not in it (tested below and in test/profile.bundle.test.ts).
 */
const BUNDLE_BUDGET = 25 * 1024;

describe('the wasm modules', () => {
  it(`the release module is smaller than ${RELEASE_BUDGET} bytes`, () => {
    expect(read('build/release.wasm').length).toBeLessThan(RELEASE_BUDGET);
  });
  it('the release module imports only its memory; no build calls __new (no managed objects)', () => {
    const mod = new WebAssembly.Module(read('build/release.wasm'));
    expect(WebAssembly.Module.imports(mod)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    for (const t of BUILDS) expect(read(`build/${t}.wat`).toString()).not.toMatch(/__new|__alloc/);
  });
  it('the shared build links only to a shared memory', () => {
    const mod = new WebAssembly.Module(read('build/shared.wasm'));
    expect(WebAssembly.Module.imports(mod)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(() => new WebAssembly.Instance(mod, { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }) } })).toThrow(WebAssembly.LinkError);
    new WebAssembly.Instance(mod, { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }) } });
  });
  it('every build exports the same ABI', () => {
    const names = (t: string) => WebAssembly.Module.exports(new WebAssembly.Module(read(`build/${t}.wasm`))).map((e) => e.name).filter((n) => n !== 'memory').sort();
    for (const t of BUILDS) expect(names(t)).toEqual(names('release'));
  });
});

describe('one source of truth for the layout', () => {
  it('src/layout.ts is exactly what scripts/gen-layout.mjs makes of assembly/layout.ts', () => {
    expect(read('src/layout.ts').toString()).toBe(generate(read('assembly/layout.ts').toString()));
  });
  it('every generated offset and constant equals what the AssemblyScript compiler computes', () => {
    const items = parseLayout(read('assembly/layout.ts').toString()) as { kind: string; name: string; fields?: { name: string }[] }[];
    const probes: [string, string][] = []; // [generated name, AS expression]
    const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
    for (const it of items) {
      if (it.kind === 'const' && it.name in L) probes.push([it.name, it.name]);
      if (it.kind === 'class') {
        for (const f of it.fields!) probes.push([`${snake(it.name)}_${snake(f.name)}`, `offsetof<${it.name}>("${f.name}")`]);
        probes.push([`${snake(it.name)}_FIELDS_SIZE`, `offsetof<${it.name}>()`]);
      }
    }
    const dir = scratch('layout-probe-');
    try {
      const src = [
        `import { ${items.filter((i) => i.kind === 'const' && i.name in L || i.kind === 'class').map((i) => i.name).join(', ')} } from "../../assembly/layout";`,
        'export function probe(i: i32): u32 {',
        '  switch (i) {',
        ...probes.map(([, expr], i) => `    case ${i}: return <u32>(${expr});`),
        '  }',
        '  return 0xFFFFFFFF;',
        '}',
      ].join('\n');
      writeFileSync(join(dir, 'probe.ts'), src);
      writeFileSync(join(dir, 'asconfig.json'), '{}');
      const asc = new URL('node_modules/.bin/asc', root).pathname;
      execFileSync(asc, ['probe.ts', '--outFile', 'probe.wasm', '--runtime', 'stub', '--use', 'DEBUG=0', '--use', 'SHARED=0', '--use', 'PROFILE=0', '--initialMemory', '1'], { cwd: dir, stdio: 'pipe' });
      const x = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(dir, 'probe.wasm')))).exports as { probe(i: number): number };
      const got = Object.fromEntries(probes.map(([name], i) => [name, x.probe(i) >>> 0]));
      const want = Object.fromEntries(probes.map(([name]) => [name, (L as Record<string, number>)[name]]));
      expect(got).toEqual(want);
      expect(probes.length).toBeGreaterThan(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
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
  const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: new URL('.', root) }).toString().trim();
  it('has no runtime dependencies', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
  });
  it('loads by name through require (CJS) and import (ESM)', () => {
    expect(run(['-e', "const {Heap}=require('wasm-arena');const h=new Heap();h.free(h.alloc(8));h.check();console.log(typeof Heap)"])).toBe('function');
    expect(run(['--input-type=module', '-e', "import {Heap,Arena,Pool,HeapError,OutOfMemoryError,InvalidPointerError,HeapCorruptionError} from 'wasm-arena';const h=new Heap();h.arena(64).dispose();h.pool(16).dispose();console.log([Heap,Arena,Pool,HeapError,OutOfMemoryError,InvalidPointerError,HeapCorruptionError].every(f=>typeof f==='function'))"])).toBe('true');
  });
  it.each(['debug', 'shared', 'profile'])('the %s build is available only after importing its entry point (ESM and CJS)', (b) => {
    expect(run(['--input-type=module', '-e', `import {Heap} from 'wasm-arena';try{new Heap({${b}:true});console.log('made')}catch(e){console.log(e.name+': '+e.message)}`]))
      .toMatch(new RegExp(`^TypeError: wasm-arena: the ${b} build is not loaded\\. Import it once, anywhere in your app: import 'wasm-arena/${b}'`));
    expect(run(['--input-type=module', '-e', `import {Heap} from 'wasm-arena';import 'wasm-arena/${b}';const h=new Heap({${b}:true});h.free(h.alloc(8));h.check();console.log('ok')`])).toBe('ok');
    expect(run(['-e', `const {Heap}=require('wasm-arena');require('wasm-arena/${b}');const h=new Heap({${b}:true});h.free(h.alloc(8));console.log('ok')`])).toBe('ok');
  });
  it.each(['index', 'debug', 'shared', 'profile'].flatMap((e) => [`dist/${e}.js`, `dist/${e}.cjs`]))('%s uses no atob, Buffer, TextDecoder, fetch, timers, node: or dynamic imports', (f) => {
    const code = read(f).toString().replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    expect(code).not.toMatch(/\batob\(|\bBuffer\b|TextDecoder|\bfetch\(|setTimeout|queueMicrotask|\bperformance\.|["']node:|\bimport\(/);
  });
  it('the published types declare [Symbol.dispose] on Arena and Pool', () => {
    const dts = read('dist/index.d.ts').toString();
    expect(dts).toMatch(/interface Arena \{[^}]*\[Symbol\.dispose\]\(\): void;/);
    expect(dts).toMatch(/interface Pool \{[^}]*\[Symbol\.dispose\]\(\): void;/);
  });
});

describe('bundles', () => {
  const bundle = (code: string, minify = true): string => {
    const dir = scratch('bundle-');
    try {
      writeFileSync(join(dir, 'app.mjs'), code);
      const esbuild = new URL('node_modules/.bin/esbuild', root).pathname;
      execFileSync(esbuild, [join(dir, 'app.mjs'), '--bundle', '--format=esm', `--outfile=${join(dir, 'out.js')}`, ...(minify ? ['--minify'] : []), '--log-level=error'],
        { cwd: new URL('.', root) });
      return readFileSync(join(dir, 'out.js')).toString();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  it(`an app that imports only Heap bundles only the release build, under ${BUNDLE_BUDGET} bytes min+gzip`, () => {
    const out = bundle("import { Heap } from 'wasm-arena'; const h = new Heap(); console.log(h.alloc(8));");
    const wasmStrings = out.match(/['"`]AGFzbQ[A-Za-z0-9+/=]+['"`]/g) ?? [];
    expect(wasmStrings.length).toBe(1);
    expect(gzipSync(out).length).toBeLessThan(BUNDLE_BUDGET);
  });
  it('error names survive minification', () => {
    const out = bundle("import { Heap } from 'wasm-arena'; const h = new Heap(); try { h.free(h.alloc(8) + 8); } catch (e) { console.log(e.name); }");
    const dir = scratch('min-');
    try {
      writeFileSync(join(dir, 'out.mjs'), out);
      expect(execFileSync(process.execPath, [join(dir, 'out.mjs')]).toString().trim()).toBe('InvalidPointerError');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
