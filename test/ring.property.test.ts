// Property test: random sequences of push, pop, pushPlanar, popPlanar and the zero-copy calls on a
// single-threaded ring, against a plain-array model (a queue of frames and four counters); after
// every operation the counts, the data, availableRead/availableWrite and the counters agree, and
// the heap walk passes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Heap, type Ring } from '../src/index.js';

type Op =
  | { kind: 'push' | 'pop'; frames: number; offset: number; slack: number; defaultLength: boolean }
  | { kind: 'pushPlanar' | 'popPlanar'; frames: number; slack: number; defaultLength: boolean }
  | { kind: 'write' | 'read'; frames: number; commit: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('push' as const, 'pop' as const), frames: fc.nat(80), offset: fc.nat(3), slack: fc.nat(2), defaultLength: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('pushPlanar' as const, 'popPlanar' as const), frames: fc.nat(80), slack: fc.nat(2), defaultLength: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('write' as const, 'read' as const), frames: fc.nat(80), commit: fc.double({ min: 0, max: 1, noNaN: true }) }),
);

const TYPES = [Float32Array, Int32Array, Float64Array] as const;
type Values = Float32Array | Int32Array | Float64Array;

/** The reference: frames in order (each an array of channel values) and the four counters. */
class Model {
  frames: number[][] = [];
  overruns = 0;
  overrunFrames = 0;
  underruns = 0;
  underrunFrames = 0;
  constructor(readonly capacity: number) {}
  room(): number {
    return this.capacity - this.frames.length;
  }
  /** Frames a producer call asking for `n` moves (counting an overrun when short). */
  grantWrite(n: number): number {
    const k = Math.min(n, this.room());
    if (k < n) (this.overruns++, (this.overrunFrames += n - k));
    return k;
  }
  grantRead(n: number): number {
    const k = Math.min(n, this.frames.length);
    if (k < n) (this.underruns++, (this.underrunFrames += n - k));
    return k;
  }
}

function runOps(capacity: number, channels: number, typeIndex: number, ops: Op[]): void {
  const heap = new Heap({ initialBytes: 256 * 1024 });
  const Ctor = TYPES[typeIndex];
  const ring = heap.ring(Ctor, capacity, { channels }) as Ring<typeof Ctor>;
  const model = new Model(capacity);
  const C = channels;
  let next = 1; // values pushed are 1, 2, 3, …: unique, exact in every type used
  const view = (): Values => (Ctor === Float32Array ? heap.f32 : Ctor === Int32Array ? heap.i32 : heap.f64);
  const frame = () => Array.from({ length: C }, () => next++);

  for (const op of ops) {
    switch (op.kind) {
      case 'push': {
        const add = Array.from({ length: op.frames }, frame);
        const src = new Ctor(op.offset + op.frames * C + op.slack);
        add.forEach((f, i) => f.forEach((v, c) => (src[op.offset + i * C + c] = v)));
        const got = op.defaultLength && op.slack === 0 ? ring.push(src, op.offset) : ring.push(src, op.offset, op.frames * C);
        const k = model.grantWrite(op.frames);
        expect(got).toBe(k * C);
        model.frames.push(...add.slice(0, k));
        break;
      }
      case 'pop': {
        const dst = new Ctor(op.offset + op.frames * C + op.slack).fill(-7);
        const got = op.defaultLength && op.slack === 0 ? ring.pop(dst, op.offset) : ring.pop(dst, op.offset, op.frames * C);
        const k = model.grantRead(op.frames);
        expect(got).toBe(k * C);
        const want = new Ctor(dst.length).fill(-7);
        model.frames.splice(0, k).forEach((f, i) => f.forEach((v, c) => (want[op.offset + i * C + c] = v)));
        expect(Array.from(dst)).toEqual(Array.from(want));
        break;
      }
      case 'pushPlanar': {
        const add = Array.from({ length: op.frames }, frame);
        const planes = Array.from({ length: C }, (_, c) => {
          const p = new Ctor(op.frames + op.slack);
          add.forEach((f, i) => (p[i] = f[c]));
          return p;
        });
        const got = op.defaultLength && op.slack === 0 ? ring.pushPlanar(planes) : ring.pushPlanar(planes, op.frames);
        const k = model.grantWrite(op.frames);
        expect(got).toBe(k);
        model.frames.push(...add.slice(0, k));
        break;
      }
      case 'popPlanar': {
        const planes = Array.from({ length: C }, () => new Ctor(op.frames + op.slack).fill(-7));
        const got = op.defaultLength && op.slack === 0 ? ring.popPlanar(planes) : ring.popPlanar(planes, op.frames);
        const k = model.grantRead(op.frames);
        expect(got).toBe(k);
        const taken = model.frames.splice(0, k);
        planes.forEach((p, c) => expect(Array.from(p)).toEqual([...taken.map((f) => f[c]), ...Array(p.length - k).fill(-7)]));
        break;
      }
      case 'write': {
        const k = ring.beginWrite(op.frames);
        expect(k).toBe(model.grantWrite(op.frames));
        expect(ring.length1 + ring.length2).toBe(k);
        const n = Math.floor(op.commit * k);
        const add = Array.from({ length: n }, frame);
        const m = view();
        for (let c = 0; c < C; c++) {
          for (let i = 0; i < n; i++) {
            const at = i < ring.length1 ? ring.start1 + i : ring.start2 + i - ring.length1;
            m[at + c * capacity] = add[i][c];
          }
        }
        ring.commitWrite(n);
        model.frames.push(...add);
        break;
      }
      case 'read': {
        const k = ring.beginRead(op.frames);
        expect(k).toBe(model.grantRead(op.frames));
        expect(ring.length1 + ring.length2).toBe(k);
        const m = view();
        for (let i = 0; i < k; i++) {
          const at = i < ring.length1 ? ring.start1 + i : ring.start2 + i - ring.length1;
          for (let c = 0; c < C; c++) expect(m[at + c * capacity]).toBe(model.frames[i][c]);
        }
        const n = Math.floor(op.commit * k);
        ring.commitRead(n);
        model.frames.splice(0, n);
        break;
      }
    }
    expect(ring.availableRead()).toBe(model.frames.length);
    expect(ring.availableWrite()).toBe(model.room());
    expect([ring.overruns, ring.overrunFrames, ring.underruns, ring.underrunFrames]).toEqual([
      model.overruns, model.overrunFrames, model.underruns, model.underrunFrames,
    ]);
  }
  heap.check();
  ring.dispose();
  expect(heap.stats().liveBlocks).toBe(0);
}

describe('property: a single-threaded ring matches a plain-array model', () => {
  it('random push/pop/pushPlanar/popPlanar/zero-copy sequences, capacities 1–64, 1–3 channels, 3 element types', () => {
    let ops = 0;
    fc.assert(
      fc.property(fc.nat(6), fc.integer({ min: 1, max: 3 }), fc.nat(2), fc.array(opArb, { minLength: 1, maxLength: 120, size: 'max' }), (log, channels, type, list) => {
        runOps(2 ** log, channels, type, list);
        ops += list.length;
      }),
      { numRuns: 400 },
    );
    expect(ops).toBeGreaterThan(10_000);
  });
});
