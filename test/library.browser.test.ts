// The library's own tests, in a Chromium page: the property test's reference model
// (test/model.ts, the same code `npm test` runs in Node) on every build flavour, plus what only a
// browser can show — resizable buffers keeping views alive across growth, and one shared heap
// seen from a Worker in a cross-origin isolated page.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Heap, HeapCorruptionError, InvalidPointerError, OutOfMemoryError, type HeapOptions } from '../src/index.js';
import { Model, opArb, type Op } from './model.js';

/** test/property.test.ts's property, with fewer operations (the Node run does 160 000). */
function runModel(options: HeapOptions, totalOps: number, seed: number): number {
  let ops = 0;
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 500, maxLength: 1000 }), (list: Op[]) => {
      const model = new Model(options);
      for (const op of list) model.apply(op);
      model.verify(true);
      ops += list.length;
    }),
    { numRuns: Math.ceil(totalOps / 500), seed },
  );
  return ops;
}

const base = { initialBytes: 64 * 1024, maximumBytes: 48 << 20 };

describe('property: random alloc/free/realloc/calloc/arena sequences match the model, in Chromium', () => {
  it('release build, growing heap: 10 000+ ops, heap walk after every op', () => {
    expect(runModel(base, 10_000, 1)).toBeGreaterThanOrEqual(10_000);
  });
  it('debug build: 5 000+ ops', () => {
    expect(runModel({ ...base, debug: true }, 5000, 2)).toBeGreaterThanOrEqual(5000);
  });
  it('shared-memory build: 5 000+ ops', () => {
    expect(runModel({ ...base, shared: true }, 5000, 3)).toBeGreaterThanOrEqual(5000);
  });
  it('small fixed-size heap that runs out of memory: 5 000+ ops', () => {
    expect(runModel({ initialBytes: 2 << 20, maximumBytes: 2 << 20 }, 5000, 4)).toBeGreaterThanOrEqual(5000);
  });
});

describe('growth in Chromium', () => {
  it('views from allocArray survive memory growth (memory.toResizableBuffer)', () => {
    const heap = new Heap({ initialBytes: 64 * 1024 });
    // Chromium ≥ 156 has resizable wasm buffers; this is what makes stableViews true here.
    expect(typeof (WebAssembly.Memory.prototype as { toResizableBuffer?: unknown }).toResizableBuffer).toBe('function');
    expect(heap.stats().stableViews).toBe(true);
    const view = heap.allocArray(Float32Array, 16);
    view.set(Array.from({ length: 16 }, (_, i) => i * 0.5));
    const before = heap.stats().generation;
    const big = heap.alloc(4 << 20); // forces growth
    expect(heap.stats().generation).toBeGreaterThan(before);
    expect(view.length).toBe(16); // not detached
    expect(Array.from(view)).toEqual(Array.from({ length: 16 }, (_, i) => i * 0.5));
    view[3] = 42;
    expect(heap.f32[heap.addressOf(view) / 4 + 3]).toBe(42); // still aliases the heap
    heap.free(big);
    heap.free(view);
    heap.check();
  });
});

describe('misuse in the browser leaves the heap valid', () => {
  it('double free throws InvalidPointerError; exhaustion throws OutOfMemoryError or returns 0', () => {
    const heap = new Heap({ initialBytes: 1 << 20, maximumBytes: 1 << 20 });
    const p = heap.alloc(64);
    heap.free(p);
    expect(() => heap.free(p)).toThrow(InvalidPointerError);
    const big = heap.alloc(600_000);
    expect(() => heap.alloc(600_000)).toThrow(OutOfMemoryError);
    expect(heap.tryAlloc(600_000)).toBe(0);
    expect(() => heap.alloc(2 << 20)).toThrow(OutOfMemoryError); // more than maximumBytes: still out of memory
    heap.check();
    heap.free(big);
    expect(heap.alloc(600_000)).toBeGreaterThan(0);
    heap.check();
  });

  it('check() reports a trampled header as HeapCorruptionError', () => {
    const heap = new Heap();
    const p = heap.alloc(64);
    heap.alloc(64);
    heap.u32[(p >>> 2) - 1] ^= 0x5a5a5a5a; // the header word right before the block
    expect(() => heap.check()).toThrow(HeapCorruptionError);
  });
});

describe('one shared heap, two threads (cross-origin isolated page)', () => {
  it('a Worker attaches to the same shared memory and sees, allocates and frees in one heap', async () => {
    expect(crossOriginIsolated).toBe(true); // COOP/COEP from vitest.config.ts server.headers
    const module = await Heap.compile({ shared: true });
    const heap = Heap.fromModule(module, { initialBytes: 1 << 20 });
    expect(heap.shared).toBe(true);
    const mine = heap.alloc(32);
    heap.f64[mine >>> 3] = 1234.5;

    const worker = new Worker(new URL('./browser/shared-heap-worker.js', import.meta.url), { type: 'module' });
    const reply = await new Promise<{ error: string | null; seen: number; theirs: number; liveBlocks: number }>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage({ module, memory: heap.memory, mine });
    });
    worker.terminate();

    expect(reply.error).toBeNull();
    expect(reply.seen).toBe(1234.5); // the worker read our block
    expect(reply.liveBlocks).toBe(2); // ...and its stats count both threads' blocks
    expect(heap.stats().liveBlocks).toBe(2);
    expect(heap.f64[reply.theirs >>> 3]).toBe(6789.25); // we read the worker's block
    heap.free(reply.theirs); // freeing a block the other thread allocated
    heap.free(mine);
    heap.check();
    expect(heap.stats().liveBlocks).toBe(0);
  });
});
