// Rings: a single-producer single-consumer ring buffer in the heap, on one thread here (the
// two-thread runs are test/ring.threads.test.ts, the model test test/ring.property.test.ts).
import { describe, expect, it } from 'vitest';
import { Heap, HeapCorruptionError, InvalidPointerError, Ring } from '../src/index.js';

const HEADER = 192; // the planes start 192 bytes after the ring's address (three cache lines)
const WRITE_W = 16; // word index of the write index in the header (+64)
const READ_W = 32; // word index of the read index (+128)

const seq = (n: number, from = 0) => Float32Array.from({ length: n }, (_, i) => from + i);

describe('heap.ring: shape', () => {
  it('makes an empty ring of the asked type, capacity and channels, 64-byte aligned, in a block of the heap', () => {
    const heap = new Heap();
    const before = heap.stats();
    const ring = heap.ring(Float32Array, 256, { channels: 2 });
    expect(ring).toBeInstanceOf(Ring);
    expect([ring.type, ring.capacity, ring.channels]).toEqual([Float32Array, 256, 2]);
    expect(ring.address % 64).toBe(0);
    expect([ring.availableRead(), ring.availableWrite()]).toEqual([0, 256]);
    expect([ring.overruns, ring.overrunFrames, ring.underruns, ring.underrunFrames]).toEqual([0, 0, 0, 0]);
    const after = heap.stats();
    expect(after.liveBlocks).toBe(before.liveBlocks + 1);
    expect(after.usedBytes - before.usedBytes).toBeGreaterThanOrEqual(HEADER + 256 * 2 * 4);
    heap.check();
  });

  it('a full ring holds exactly capacity frames: no slot is wasted', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 8);
    expect(ring.push(seq(8))).toBe(8);
    expect([ring.availableRead(), ring.availableWrite()]).toEqual([8, 0]);
    expect(ring.overruns).toBe(0);
  });

  it('carries every element type, 64-bit integers included', () => {
    const heap = new Heap();
    for (const C of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array]) {
      const ring = heap.ring(C, 4);
      const out = new C(3);
      expect(ring.push(C.from([1, 2, 3]))).toBe(3);
      expect(ring.pop(out)).toBe(3);
      expect(Array.from(out)).toEqual([1, 2, 3]);
      ring.dispose();
    }
    const big = heap.ring(BigInt64Array, 4);
    const out = new BigInt64Array(2);
    big.push(BigInt64Array.from([-5n, 2n ** 62n]));
    big.pop(out);
    expect(Array.from(out)).toEqual([-5n, 2n ** 62n]);
    heap.check();
  });

  it('a subclass of a subclass of a TypedArray carries its built-in type, and Ring.attach accepts it', () => {
    class Samples extends Float32Array {}
    class Loud extends Samples {}
    const heap = new Heap();
    const ring = heap.ring(Loud, 8);
    expect(ring.type).toBe(Float32Array);
    expect(Ring.attach(heap, ring.address, Loud).push(Float32Array.of(0.5))).toBe(1);
    expect(() => Ring.attach(heap, ring.address, Int32Array)).toThrow(TypeError);
    ring.dispose();
    expect(heap.stats().liveBlocks).toBe(0);
    heap.check();
  });
});

describe('push and pop', () => {
  it('push of more than availableWrite() writes only what fits, and counts one overrun and the frames left out', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 8);
    ring.push(seq(5));
    expect(ring.push(seq(10, 100))).toBe(3);
    expect([ring.overruns, ring.overrunFrames]).toEqual([1, 7]);
    const out = new Float32Array(8);
    ring.pop(out);
    expect(Array.from(out)).toEqual([0, 1, 2, 3, 4, 100, 101, 102]);
  });

  it('pop of more than availableRead() reads only what is there, leaves the rest of dst as it was, counts one underrun', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 8);
    ring.push(seq(3, 1));
    const out = new Float32Array(6).fill(-1);
    expect(ring.pop(out)).toBe(3);
    expect(Array.from(out)).toEqual([1, 2, 3, -1, -1, -1]);
    expect([ring.underruns, ring.underrunFrames]).toEqual([1, 3]);
    expect(ring.pop(out)).toBe(0);
    expect([ring.underruns, ring.underrunFrames]).toEqual([2, 9]);
  });

  it('offset and length select the part of src and dst that moves', () => {
    const heap = new Heap();
    const ring = heap.ring(Int32Array, 16);
    expect(ring.push(Int32Array.from([9, 8, 7, 6, 5, 4]), 2, 3)).toBe(3);
    expect(ring.push([1, 2, 3], 1)).toBe(2); // plain arrays work too; length defaults to the rest
    const out = new Int32Array(8);
    expect(ring.pop(out, 4, 2)).toBe(2);
    expect(ring.pop(out, 1)).toBe(3);
    expect(Array.from(out)).toEqual([0, 5, 2, 3, 7, 6, 0, 0]);
  });

  it('frames come out in order across the end of the plane (wrap-around), on every split', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 8);
    let next = 0;
    let want = 0;
    const out = new Float32Array(8);
    for (let k = 1; k <= 8; k++) {
      for (let step = 0; step < 8; step++) {
        next += ring.push(seq(k, next));
        const n = ring.pop(out, 0, k);
        for (let i = 0; i < n; i++) expect(out[i]).toBe(want++);
      }
    }
    expect(want).toBeGreaterThan(100);
  });

  it('pops give the same frames into any array (another element type, a plain Array), before and after the memory grows', () => {
    const heap = new Heap({ initialBytes: 64 * 1024, maximumBytes: 16 << 20, resizable: false });
    const ring = heap.ring(Float32Array, 256);
    const outs = [new Float32Array(64), new Float64Array(64), new Int32Array(64), new Array<number>(64).fill(0)];
    let next = 0;
    let want = 0;
    const turns = () => {
      for (let q = 0; q < 12; q++) {
        next += ring.push(seq(64, next));
        const out = outs[q % outs.length];
        expect(ring.pop(out)).toBe(64);
        for (let i = 0; i < 64; i++) expect(out[i]).toBe(want++);
      }
    };
    turns();
    const big = heap.alloc(4 << 20); // the memory grows: a new buffer, the old one detached
    turns();
    heap.free(big);
    heap.check();
  });

  it('a ring of several channels takes interleaved frames into one plane per channel', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 4, { channels: 2 });
    expect(ring.push(Float32Array.from([10, 20, 11, 21, 12, 22]))).toBe(6); // 3 frames of (left, right)
    const planes = heap.f32.subarray((ring.address + HEADER) >>> 2, ((ring.address + HEADER) >>> 2) + 8);
    expect(Array.from(planes.subarray(0, 3))).toEqual([10, 11, 12]);
    expect(Array.from(planes.subarray(4, 7))).toEqual([20, 21, 22]);
    expect(ring.availableRead()).toBe(3); // frames
    const out = new Float32Array(4);
    expect(ring.pop(out)).toBe(4); // 2 frames
    expect(Array.from(out)).toEqual([10, 20, 11, 21]);
  });

  it('indices that pass 2^32 keep working (they run free, mod 2^32)', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 8);
    const w = ring.address >>> 2;
    heap.u32[w + WRITE_W] = 2 ** 32 - 3;
    heap.u32[w + READ_W] = 2 ** 32 - 3;
    const out = new Float32Array(6);
    for (let round = 0; round < 4; round++) {
      expect(ring.push(seq(6, round * 10))).toBe(6);
      expect(ring.pop(out)).toBe(6);
      expect(Array.from(out)).toEqual(Array.from(seq(6, round * 10)));
    }
    expect(heap.u32[w + WRITE_W]).toBe(21);
    heap.check();
  });
});

describe('pushPlanar and popPlanar: one quantum of every channel', () => {
  it('move `length` frames (default: the first array\'s length) of each channel array', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 256, { channels: 2 });
    const left = seq(128, 0);
    const right = seq(128, 1000);
    expect(ring.pushPlanar([left, right])).toBe(128);
    expect(ring.pushPlanar([left, right], 100)).toBe(100);
    const out = [new Float32Array(128), new Float32Array(128)];
    expect(ring.popPlanar(out)).toBe(128);
    expect(Array.from(out[1])).toEqual(Array.from(right));
    expect(ring.popPlanar(out)).toBe(100); // a short quantum: an underrun
    expect(out[0][99]).toBe(99);
    expect(out[0][100]).toBe(100); // left as it was
    expect([ring.underruns, ring.underrunFrames]).toEqual([1, 28]);
  });

  it('a full ring takes part of a quantum and counts the overrun', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 128, { channels: 2 });
    const q = [seq(128), seq(128)];
    ring.pushPlanar(q, 100);
    expect(ring.pushPlanar(q)).toBe(28);
    expect([ring.overruns, ring.overrunFrames]).toEqual([1, 100]);
  });

  it('refuses a channel count other than the ring\'s, and channel arrays shorter than the length', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 128, { channels: 2 });
    expect(() => ring.pushPlanar([seq(8)])).toThrow(/pushPlanar: got 1 channel arrays, the ring has 2 channels/);
    expect(() => ring.popPlanar([new Float32Array(8), new Float32Array(4)], 8)).toThrow(RangeError);
    expect(() => ring.pushPlanar([seq(8), null as never])).toThrow(TypeError);
    expect(() => ring.pushPlanar(7 as never)).toThrow(TypeError);
    expect(ring.availableRead()).toBe(0);
  });
});

describe('zero-copy: beginWrite/commitWrite and beginRead/commitRead', () => {
  it('beginWrite grants room as ranges of the whole-memory view; commitWrite publishes what was written there', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 8);
    expect(ring.beginWrite(5)).toBe(5);
    expect(ring.start1).toBe((ring.address + HEADER) >>> 2);
    expect([ring.length1, ring.length2]).toEqual([5, 0]);
    const f32 = heap.f32;
    for (let i = 0; i < 5; i++) f32[ring.start1 + i] = 40 + i;
    expect(ring.availableRead()).toBe(0); // nothing published yet
    ring.commitWrite(5);
    const out = new Float32Array(5);
    ring.pop(out);
    expect(Array.from(out)).toEqual([40, 41, 42, 43, 44]);
  });

  it('across the end of the plane the frames come as two ranges, the second at the plane\'s start', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 8, { channels: 2 });
    ring.pushPlanar([seq(6), seq(6)]);
    ring.popPlanar([new Float32Array(6), new Float32Array(6)]);
    expect(ring.beginWrite(10)).toBe(8); // 2 frames to the end, 6 after the wrap
    const base = (ring.address + HEADER) >>> 2;
    expect([ring.start1, ring.length1, ring.start2, ring.length2]).toEqual([base + 6, 2, base, 6]);
    expect([ring.overruns, ring.overrunFrames]).toEqual([1, 2]);
    const f32 = heap.f32;
    let v = 0;
    for (let i = 0; i < ring.length1; i++, v++) (f32[ring.start1 + i] = v), (f32[ring.start1 + 8 + i] = -v);
    for (let i = 0; i < ring.length2; i++, v++) (f32[ring.start2 + i] = v), (f32[ring.start2 + 8 + i] = -v);
    ring.commitWrite(8);
    expect(ring.beginRead(8)).toBe(8);
    expect([ring.start1, ring.length1, ring.start2, ring.length2]).toEqual([base + 6, 2, base, 6]);
    ring.commitRead(3);
    const out = [new Float32Array(5), new Float32Array(5)];
    ring.popPlanar(out);
    expect(Array.from(out[0])).toEqual([3, 4, 5, 6, 7]);
    expect(Array.from(out[1])).toEqual([-3, -4, -5, -6, -7]);
  });

  it('beginRead of more than is there grants what is there and counts an underrun', () => {
    const heap = new Heap();
    const ring = heap.ring(Uint8Array, 16);
    ring.push([1, 2]);
    expect(ring.beginRead(5)).toBe(2);
    expect([ring.underruns, ring.underrunFrames]).toEqual([1, 3]);
    expect(heap.u8[ring.start1 + 1]).toBe(2);
  });

  it('committing more than there is room or data for throws a RangeError and moves nothing', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 8);
    expect(() => ring.commitWrite(9)).toThrow(/commitWrite\(9\): only 8 frames of room/);
    expect(() => ring.commitRead(1)).toThrow(/commitRead\(1\): only 0 frames are in the ring/);
    expect(() => ring.beginWrite(-1)).toThrow(RangeError);
    expect(() => ring.beginRead('2' as never)).toThrow(TypeError);
    expect([ring.availableRead(), ring.availableWrite()]).toEqual([0, 8]);
  });
});

describe('bad arguments → TypeError / RangeError naming the call', () => {
  it('heap.ring: capacity not a power of two, channels out of range, not a TypedArray type', () => {
    const heap = new Heap();
    expect(() => heap.ring(Float32Array, 3000)).toThrow(/capacity must be a power of two from 1 to 2\^30 frames \(2048 or 4096\?\), got 3000/);
    expect(() => heap.ring(Float32Array, 0)).toThrow(RangeError);
    expect(() => heap.ring(Float32Array, '8' as never)).toThrow(TypeError);
    expect(() => heap.ring(Float32Array, 8, { channels: 0 })).toThrow(/channels must be an integer from 1 to 256, got 0/);
    expect(() => heap.ring(Array as never, 8)).toThrow(TypeError);
    expect(() => heap.ring(Float32Array, 8, null as never)).toThrow(TypeError);
    expect(heap.stats().liveBlocks).toBe(0);
  });

  it('push/pop: not an array, offset or length outside the array, a length that is not whole frames', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 8, { channels: 2 });
    expect(() => ring.push(null as never)).toThrow(/ring.push: src must be an array or typed array, got null/);
    expect(() => ring.push(seq(4), 5)).toThrow(/ring.push: offset must be an integer from 0 to src.length \(4\), got 5/);
    expect(() => ring.push(seq(4), 1, 4)).toThrow(/ring.push: length must be an integer from 0 to 3/);
    expect(() => ring.push(seq(3))).toThrow(/length 3 is not a whole number of frames of 2 interleaved channels/);
    expect(() => ring.pop(new Float32Array(4), -1)).toThrow(RangeError);
    expect(() => ring.pop('abcd' as never)).toThrow(TypeError);
    expect(ring.availableRead()).toBe(0);
    heap.check();
  });
});

describe('Ring.attach', () => {
  it('gives a second Ring object on the same ring: what one pushes the other pops', () => {
    const heap = new Heap();
    const ring = heap.ring(Int16Array, 32, { channels: 2 });
    const other = Ring.attach(heap, ring.address, Int16Array);
    expect([other.capacity, other.channels, other.type]).toEqual([32, 2, Int16Array]);
    ring.push([1, -1, 2, -2]);
    const out = new Int16Array(4);
    expect(other.pop(out)).toBe(4);
    expect(Array.from(out)).toEqual([1, -1, 2, -2]);
    expect(ring.availableRead()).toBe(0);
  });

  it('an address that is not a ring of this heap throws InvalidPointerError, and a wrong type a TypeError', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 64);
    const block = heap.alloc(4096, 64);
    const foreign = new Heap().ring(Float32Array, 8192); // a ring of another heap, at an address no ring of this one has
    expect(foreign.address).not.toBe(ring.address);
    for (const bad of [ring.address + 64, ring.address + 4, block, 0, 64, 0xffffffc0, foreign.address]) {
      expect(() => Ring.attach(heap, bad), String(bad)).toThrow(InvalidPointerError);
    }
    expect(() => Ring.attach(heap, -64)).toThrow(RangeError);
    expect(() => Ring.attach(heap, '1' as never)).toThrow(TypeError);
    expect(() => Ring.attach({} as never, ring.address)).toThrow(TypeError);
    expect(() => Ring.attach(heap, ring.address, Int32Array)).toThrow(/carries Float32Array, not Int32Array/);
    heap.check();
  });
});

describe('damage → HeapCorruptionError, never an access outside the ring', () => {
  it('indices more than capacity apart (a stray write) are reported by push, pop, the counters and check()', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 8);
    ring.push(seq(4));
    const w = ring.address >>> 2;
    heap.u32[w + WRITE_W] = 1000;
    expect(() => ring.push(seq(1))).toThrow(HeapCorruptionError);
    expect(() => ring.pop(new Float32Array(1))).toThrow(/write index 1000 and read index 0 are more than its capacity 8 apart/);
    expect(() => ring.beginRead(1)).toThrow(HeapCorruptionError);
    expect(() => ring.availableRead()).toThrow(HeapCorruptionError);
    expect(() => heap.check()).toThrow(/check\(\): the ring at 0x[0-9a-f]+ is damaged: its write index 1000/);
    heap.u32[w + WRITE_W] = 4; // repaired: it works again
    heap.check();
    expect(ring.pop(new Float32Array(4))).toBe(4);
  });

  it('a stray write into the header\'s fixed words is reported by check() and Ring.attach, and into the check word by every call', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 8);
    const w = ring.address >>> 2;
    heap.u32[w + 1] = 1 << 20; // capacity
    expect(() => heap.check()).toThrow(/the ring at 0x[0-9a-f]+ is damaged: its header does not match its check word/);
    expect(() => Ring.attach(heap, ring.address)).toThrow(HeapCorruptionError);
    expect(ring.push(seq(8))).toBe(8); // the Ring object keeps its own capacity: nothing outside the ring is touched
    heap.u32[w + 1] = 8;
    heap.u32[w] ^= 1; // check word
    expect(() => ring.push(seq(1))).toThrow(/the ring at 0x[0-9a-f]+ is damaged: its check word was overwritten/);
    heap.u32[w] ^= 1;
    heap.check();
  });
});

describe('dispose', () => {
  it('returns the block to the heap; the disposed Ring throws TypeError, an attached one InvalidPointerError', () => {
    const heap = new Heap();
    const before = heap.stats();
    const ring = heap.ring(Float32Array, 1024, { channels: 2 });
    const other = Ring.attach(heap, ring.address);
    ring.dispose();
    ring.dispose(); // a second call does nothing
    expect(ring.disposed).toBe(true);
    expect(heap.stats().usedBytes).toBe(before.usedBytes);
    expect(() => ring.push(seq(2))).toThrow(/ring.push: the ring was disposed/);
    expect(() => ring.availableRead()).toThrow(TypeError);
    expect(() => other.pop(new Float32Array(2))).toThrow(InvalidPointerError);
    expect(() => other.dispose()).toThrow(InvalidPointerError);
    heap.check();
  });

  it('[Symbol.dispose] is dispose; heap.free of a ring\'s address is refused', () => {
    const heap = new Heap();
    const ring = heap.ring(Float32Array, 16);
    expect(() => heap.free(ring.address)).toThrow(/a ring buffer \(use ring.dispose\(\)\)/);
    expect(Ring.prototype[Symbol.dispose]).toBe(Ring.prototype.dispose);
    ring[Symbol.dispose]();
    expect(heap.stats().liveBlocks).toBe(0);
  });
});

describe('heaps and builds', () => {
  it('a ring keeps its frames and keeps working when the heap\'s memory grows', () => {
    const heap = new Heap({ initialBytes: 64 * 1024, maximumBytes: 16 << 20, resizable: false });
    const ring = heap.ring(Float32Array, 1024);
    ring.push(seq(600));
    const gen = heap.generation;
    const big = heap.alloc(4 << 20);
    expect(heap.generation).toBeGreaterThan(gen);
    expect(ring.push(seq(424, 600))).toBe(424);
    const out = new Float32Array(1024);
    expect(ring.pop(out)).toBe(1024);
    expect(Array.from(out)).toEqual(Array.from(seq(1024)));
    expect(ring.beginWrite(4)).toBe(4);
    heap.free(big);
    heap.check();
  });

  it.each([
    ['debug', { debug: true }],
    ['shared', { shared: true }],
    ['profile', { profile: true }],
  ] as const)('works in the %s build, and check() walks it', (_name, options) => {
    const heap = new Heap(options);
    const ring = heap.ring(Float32Array, 64, { channels: 2 });
    expect(ring.pushPlanar([seq(50), seq(50)])).toBe(50);
    expect(ring.pop(new Float32Array(20))).toBe(20);
    heap.check();
    ring.dispose();
    heap.check();
  });

  it('share() gives { memory, address } on a shared heap, and a TypeError on a non-shared heap or a page that is not cross-origin isolated', () => {
    const shared = new Heap({ shared: true });
    const ring = shared.ring(Float32Array, 64);
    expect(ring.share()).toEqual({ memory: shared.memory, address: ring.address });
    expect(() => new Heap().ring(Float32Array, 64).share()).toThrow(/not shared, so no other thread can see it/);
    const g = globalThis as { crossOriginIsolated?: boolean };
    const had = Object.getOwnPropertyDescriptor(globalThis, 'crossOriginIsolated');
    Object.defineProperty(globalThis, 'crossOriginIsolated', { value: false, configurable: true });
    try {
      expect(() => ring.share()).toThrow(/not cross-origin isolated .* Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/);
    } finally {
      if (had) Object.defineProperty(globalThis, 'crossOriginIsolated', had);
      else delete g.crossOriginIsolated;
    }
  });
});
