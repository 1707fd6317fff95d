// Native `using` on Node 24: the built library (dist/) under the engine's own explicit resource
// management, not a transpiler's. Node 24 comes from npm (the node-<platform>-<arch> package),
// installed once into node_modules/.cache/node24; WASM_ARENA_NODE24 names a binary to use instead,
// and when this process already is Node ≥ 24 it is used. Also checks the published .d.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const dist = resolve(root, 'dist/index.js');

/** A Node ≥ 24 binary: this one, WASM_ARENA_NODE24, or node-<platform>-<arch>@24 from npm. */
function node24(): string {
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  if (process.env.WASM_ARENA_NODE24) return process.env.WASM_ARENA_NODE24;
  const dir = resolve(root, 'node_modules/.cache/node24');
  const pkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  const bin = join(dir, 'node_modules', pkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `${pkg}@24`], {
      encoding: 'utf8',
      shell: process.platform === 'win32',
    });
    if (r.status !== 0 || !existsSync(bin)) throw new Error(`could not install ${pkg}@24 from npm:\n${r.stderr}`);
  }
  return bin;
}

// Runs in Node 24 as plain JavaScript: every `using` below is the engine's.
const SCRIPT = `
import { Heap, struct } from ${JSON.stringify(pathToFileURL(dist).href)};
const out = {};
const heap = new Heap();
const arena = heap.arena(4096);

{
  using f = arena.frame();
  arena.alloc(100);
  out.inside = arena.used;
  {
    using g = arena.frame();
    arena.alloc(200);
    out.depths = [f.depth, g.depth];
    out.nested = arena.used;
  }
  out.afterInner = arena.used;
}
out.afterOuter = arena.used;

try {
  using f = arena.frame();
  arena.alloc(64);
  throw new Error('boom');
} catch (e) {
  out.thrown = e.message;
}
out.afterThrow = arena.used;

const seen = new Set();
for (let i = 0; i < 100000; i++) {
  using f = arena.frame();
  arena.alloc(16);
  if (i % 1000 === 0) seen.add(f);
}
out.framesSeen = seen.size;
out.afterLoop = arena.used;

{
  using t = heap.soa(struct({ x: 'f32' }), 8);
  t.x[t.add()] = 1;
  out.liveInTable = heap.stats().liveBlocks;
}
out.liveAfterTable = heap.stats().liveBlocks;
out.usingIsNative = (() => { try { new Function('{ using x = null; }'); return true; } catch { return false; } })();
out.version = process.versions.node;
console.log(JSON.stringify(out));
`;

describe('native `using` on Node 24', () => {
  let result: Record<string, unknown>;

  beforeAll(() => {
    expect(existsSync(dist), 'dist/index.js: run npm run build first').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'wasm-arena-using-'));
    const file = join(dir, 'using.mjs');
    writeFileSync(file, SCRIPT);
    const r = spawnSync(node24(), [file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`node 24 failed (${r.status}):\n${r.stderr}`);
    result = JSON.parse(r.stdout);
  }, 180_000);

  it('runs on Node ≥ 24, which parses `using` natively', () => {
    expect(Number(String(result.version).split('.')[0])).toBeGreaterThanOrEqual(24);
    expect(result.usingIsNative).toBe(true);
  });

  it('a frame frees at the end of its block; nested frames free their own allocations', () => {
    expect(result.inside).toBeGreaterThanOrEqual(100);
    expect(result.depths).toEqual([0, 1]);
    expect(result.nested).toBeGreaterThanOrEqual(300);
    expect(result.afterInner).toBe(result.inside);
    expect(result.afterOuter).toBe(0);
  });

  it('a throw out of the block still frees', () => {
    expect(result.thrown).toBe('boom');
    expect(result.afterThrow).toBe(0);
  });

  it('100 000 scopes reuse one frame object', () => {
    expect(result.framesSeen).toBe(1);
    expect(result.afterLoop).toBe(0);
  });

  it('`using` an SoA table frees its block at the end of the block', () => {
    expect(result.liveInTable).toBe(2); // the arena and the table
    expect(result.liveAfterTable).toBe(1);
  });
});

describe('the published types', () => {
  it('dist/index.d.ts declares [Symbol.dispose] on Frame and Soa', () => {
    const dts = readFileSync(resolve(root, 'dist/index.d.ts'), 'utf8');
    for (const name of ['Frame', 'Soa']) {
      const decl = dts.match(new RegExp(`interface ${name}(?:<[^>]*>)? \\{[^}]*\\}`, 'g'))?.join('\n') ?? '';
      expect(decl, name).toMatch(/\[Symbol\.dispose\]\(\): void;/);
    }
  });
});

