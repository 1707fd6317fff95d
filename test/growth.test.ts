// Growth: whole-memory views are current after growth; allocArray views stay valid where the
// runtime allows (shared memory, resizable buffers) and the documented tools work elsewhere.
import { describe, expect, it } from 'vitest';
import { Heap } from '../src/index.js';

const hasResizable = typeof (WebAssembly.Memory.prototype as { toResizableBuffer?: unknown }).toResizableBuffer === 'function';

function growOnce(heap: Heap): void {
  const g = heap.generation;
  heap.alloc(heap.stats().heapBytes); // more than is free: memory must grow
  expect(heap.generation).toBeGreaterThan(g);
}

describe('growth', () => {
  it('whole-memory views are current on the next access after growth (non-shared)', () => {
    const heap = new Heap({ initialBytes: 64 * 1024 });
    const before = heap.f32;
    const p = heap.alloc(64);
    growOnce(heap);
    expect(before.length).toBe(hasResizable ? heap.f32.length : 0); // the old view detached (or tracks)
    heap.f32[p >>> 2] = 2.5;
    expect(heap.f32[p >>> 2]).toBe(2.5);
    expect(heap.u8.length).toBe(heap.memory.buffer.byteLength);
    expect(heap.f64.length).toBe(heap.memory.buffer.byteLength >>> 3);
  });

  it('non-shared without resizable buffers: allocArray views detach; they can still be freed, and re-made from their address', () => {
    const heap = new Heap({ initialBytes: 64 * 1024 });
    expect(heap.stableViews).toBe(hasResizable);
    const v = heap.allocArray(Float32Array, 16);
    const addr = heap.addressOf(v);
    v[3] = 7;
    growOnce(heap);
    if (hasResizable) {
      expect(v.length).toBe(16);
      expect(v[3]).toBe(7);
      heap.free(v);
    } else {
      expect(v.length).toBe(0); // the documented rule
      expect(heap.addressOf(v)).toBe(addr); // allocArray views remember their address
      const again = heap.view(Float32Array, addr, 16); // re-make the view from the address
      expect(again[3]).toBe(7);
      heap.free(v); // the detached allocArray view still names its block
    }
    heap.check();
  });

  it('resizable: false keeps a plain buffer: allocArray views detach on growth, everywhere', () => {
    const heap = new Heap({ initialBytes: 64 * 1024, resizable: false });
    expect(heap.stableViews).toBe(false);
    const v = heap.allocArray(Float32Array, 16);
    growOnce(heap);
    expect(v.length).toBe(0);
    expect(heap.f32.length).toBe(heap.memory.buffer.byteLength >>> 2);
  });

  it('a fixed-size heap (initialBytes === maximumBytes) never grows, so views never detach', () => {
    const heap = new Heap({ initialBytes: 1 << 20, maximumBytes: 1 << 20 });
    expect(heap.stableViews).toBe(true);
    expect(heap.memory.buffer.constructor === ArrayBuffer && !(heap.memory.buffer as { resizable?: boolean }).resizable).toBe(true);
    const v = heap.allocArray(Float32Array, 16);
    for (let i = 0; i < 100; i++) heap.tryAlloc(50_000);
    expect(heap.generation).toBe(0);
    expect(v.length).toBe(16);
  });

  it('reserve(bytes) grows once up front: later allocations up to that size do not grow', () => {
    const heap = new Heap({ initialBytes: 64 * 1024 });
    heap.reserve(4 << 20);
    const g = heap.generation;
    const v = heap.allocArray(Float32Array, 16);
    heap.alloc(4 << 20);
    expect(heap.generation).toBe(g);
    expect(v.length).toBe(16);
  });

  it('shared memory: allocArray views stay valid across growth and see the same bytes', () => {
    const heap = new Heap({ shared: true, initialBytes: 64 * 1024, maximumBytes: 64 << 20 });
    expect(heap.stableViews).toBe(true);
    const v = heap.allocArray(Int32Array, 8);
    v[1] = 123;
    growOnce(heap);
    expect(v.length).toBe(8);
    expect(v[1]).toBe(123);
    expect(heap.i32[(v.byteOffset >>> 2) + 1]).toBe(123);
    expect(heap.u8.length).toBe(heap.memory.buffer.byteLength); // refreshed to the grown size
    heap.free(v); // a view over an older SharedArrayBuffer object of the same memory
    heap.check();
  });

  it.runIf(hasResizable)('resizable buffers: allocArray views survive growth (non-shared)', () => {
    const heap = new Heap({ initialBytes: 64 * 1024 });
    expect(heap.stableViews).toBe(true);
    const v = heap.allocArray(Float64Array, 4);
    v[0] = 1.25;
    growOnce(heap);
    expect(v[0]).toBe(1.25);
    heap.free(v);
  });

  it('generation counts growths and grows by at most ~1/8 of the heap beyond the need', () => {
    const heap = new Heap({ initialBytes: 64 * 1024, maximumBytes: 256 << 20 });
    let live = 0;
    for (let i = 0; i < 2000; i++) {
      heap.alloc(4000);
      live += 4008;
    }
    const s = heap.stats();
    expect(s.generation).toBeGreaterThan(5);
    expect(s.memoryBytes / live).toBeLessThan(1.3);
  });
});
