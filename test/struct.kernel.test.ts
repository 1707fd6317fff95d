// The same records for JavaScript and for wasm: an AssemblyScript kernel (test/kernel/particles.ts,
// compiled here with test/kernel/asconfig.json) imports the heap's memory and steps particles that
// JavaScript stored — SoA columns found by their addresses, and records found by Type.offsets —
// and the memory afterwards is bit-identical to the same step done in JavaScript.
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Heap, struct } from '../src/index.js';

const Particle = struct({ x: 'f32', y: 'f32', vx: 'f32', vy: 'f32', age: 'u16', alive: 'u8', color: ['u8', 4] });
const DT = Math.fround(1 / 60);
const G = Math.fround(-9.81);
const FLOOR = Math.fround(3);
const N = 5000;
const STEPS = 40;

interface Kernel {
  offsets(out: number): void;
  stepColumns(x: number, y: number, vx: number, vy: number, age: number, color: number, n: number, dt: number, g: number, floor: number): void;
  stepRecords(base: number, size: number, n: number, ox: number, oy: number, ovx: number, ovy: number, oage: number, ocolor: number, dt: number, g: number, floor: number): void;
}

let kernelModule: WebAssembly.Module;

beforeAll(async () => {
  const asc = await import('assemblyscript/asc');
  const dir = resolve(import.meta.dirname, 'kernel');
  let wasm: Uint8Array | undefined;
  // The explicit --config keeps asc away from the project's ./asconfig.json; the output stays in memory.
  const { error, stderr } = await asc.main(
    [resolve(dir, 'particles.ts'), '--config', resolve(dir, 'asconfig.json'), '--outFile', 'particles.wasm'],
    {
      stdout: asc.createMemoryStream(),
      stderr: asc.createMemoryStream(),
      writeFile: (name: string, contents: Uint8Array | string) => {
        if (name.endsWith('.wasm')) wasm = contents as Uint8Array;
      },
    },
  );
  if (error || !wasm) throw new Error(`asc: ${error?.message}\n${stderr.toString()}`);
  kernelModule = new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>);
}, 60_000);

/** The kernel instantiated on `heap`'s memory. */
function kernelOn(heap: Heap): Kernel {
  expect(WebAssembly.Module.imports(kernelModule)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
  return new WebAssembly.Instance(kernelModule, { env: { memory: heap.memory } }).exports as unknown as Kernel;
}

/** A seeded generator (mulberry32), so both sides start from the same particles. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The kernel's step for one particle, in JavaScript with f32 rounding at every operation; true when it bounced. */
function stepOne(p: { x: number; y: number; vx: number; vy: number; age: number; alpha: number }): boolean {
  let v = Math.fround(p.vy + Math.fround(G * DT));
  let py = Math.fround(p.y + Math.fround(v * DT));
  const bounced = py > FLOOR;
  if (bounced) {
    py = FLOOR;
    v = Math.fround(-v * 0.5);
  }
  p.vy = v;
  p.y = py;
  p.x = Math.fround(p.x + Math.fround(p.vx * DT));
  p.age = (p.age + 1) & 0xffff;
  p.alpha = (p.alpha - (p.alpha >>> 3)) & 0xff;
  return bounced;
}

describe('a wasm kernel on the heap memory', () => {
  it('the AssemblyScript class of the same fields has the offsets Particle.offsets documents', () => {
    const heap = new Heap();
    const k = kernelOn(heap);
    const out = heap.alloc(28);
    k.offsets(out);
    const o = Particle.offsets;
    expect(Array.from(heap.u32.subarray(out >>> 2, (out >>> 2) + 7))).toEqual([o.x, o.y, o.vx, o.vy, o.age, o.alive, o.color]);
  });

  it('updates SoA columns by their addresses; JavaScript on the columns gives bit-identical memory, across a heap growth', () => {
    const heap = new Heap({ initialBytes: 1 << 20, resizable: false });
    const k = kernelOn(heap);
    const wasmT = heap.soa(Particle, N);
    const jsT = heap.soa(Particle, N);
    const random = rng(42);
    for (let i = 0; i < N; i++) {
      const a = wasmT.add();
      const b = jsT.add();
      const vals = [random() * 100, random() * 3, random() - 0.5, random() * 4 - 2];
      const age = (random() * 65535) | 0;
      for (const t of [wasmT, jsT]) {
        const r = t === wasmT ? a : b;
        [t.x[r], t.y[r], t.vx[r], t.vy[r]] = vals;
        t.age[r] = age;
        t.color.set([255, 128, 0, 200], r * 4);
      }
    }
    const p = { x: 0, y: 0, vx: 0, vy: 0, age: 0, alpha: 0 };
    let bounces = 0;
    for (let s = 0; s < STEPS; s++) {
      if (s === STEPS / 2) heap.alloc(4 << 20); // the memory grows: the kernel sees it, JS re-takes its columns
      k.stepColumns(
        wasmT.addressOf('x'), wasmT.addressOf('y'), wasmT.addressOf('vx'), wasmT.addressOf('vy'),
        wasmT.addressOf('age'), wasmT.addressOf('color'), wasmT.length, DT, G, FLOOR);
      const { x, y, vx, vy, age, color } = jsT;
      for (let i = 0; i < jsT.length; i++) {
        p.x = x[i]; p.y = y[i]; p.vx = vx[i]; p.vy = vy[i]; p.age = age[i]; p.alpha = color[i * 4 + 3];
        if (stepOne(p)) bounces++;
        x[i] = p.x; y[i] = p.y; age[i] = p.age; vy[i] = p.vy; color[i * 4 + 3] = p.alpha;
      }
    }
    expect(heap.generation).toBeGreaterThan(0);
    for (const f of Particle.fields) {
      const bytes = N * f.bytes * f.count;
      const a = heap.u8.subarray(wasmT.addressOf(f.name as 'x'), wasmT.addressOf(f.name as 'x') + bytes);
      const b = heap.u8.subarray(jsT.addressOf(f.name as 'x'), jsT.addressOf(f.name as 'x') + bytes);
      expect(Buffer.compare(a, b), f.name).toBe(0);
    }
    expect(bounces).toBeGreaterThan(0); // the bounce branch ran too
    heap.check();
  });

  it('updates records by Type.offsets and Type.size; a cursor in JavaScript gives bit-identical records', () => {
    const heap = new Heap({ initialBytes: 1 << 20 });
    const k = kernelOn(heap);
    const wasmBase = heap.alloc(N * Particle.size, Particle.align);
    const jsBase = heap.alloc(N * Particle.size, Particle.align);
    const c = Particle.cursor(heap);
    const random = rng(7);
    for (let i = 0; i < N; i++) {
      c.at(wasmBase + i * Particle.size);
      c.x = random() * 100; c.y = random() * 3; c.vx = random() - 0.5; c.vy = random() * 4 - 2;
      c.age = i; c.alive = 1; c.color.fill(200);
    }
    heap.u8.copyWithin(jsBase, wasmBase, wasmBase + N * Particle.size);
    const o = Particle.offsets;
    const p = { x: 0, y: 0, vx: 0, vy: 0, age: 0, alpha: 0 };
    for (let s = 0; s < STEPS; s++) {
      k.stepRecords(wasmBase, Particle.size, N, o.x, o.y, o.vx, o.vy, o.age, o.color, DT, G, FLOOR);
      for (let i = 0; i < N; i++) {
        c.at(jsBase + i * Particle.size);
        p.x = c.x; p.y = c.y; p.vx = c.vx; p.vy = c.vy; p.age = c.age; p.alpha = c.color.get(3);
        stepOne(p);
        c.x = p.x; c.y = p.y; c.vy = p.vy; c.age = p.age; c.color.set(3, p.alpha);
      }
    }
    const a = heap.u8.subarray(wasmBase, wasmBase + N * Particle.size);
    const b = heap.u8.subarray(jsBase, jsBase + N * Particle.size);
    expect(Buffer.compare(a, b)).toBe(0);
    expect(c.at(wasmBase).age).toBe(STEPS);
    heap.check();
  });
});
