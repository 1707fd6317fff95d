// heap.soa(Type, capacity): struct-of-arrays tables in the heap.
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Heap, HeapError, OutOfMemoryError, struct } from '../src/index.js';

const Particle = struct({ x: 'f32', y: 'f32', vx: 'f32', vy: 'f32', age: 'u16', alive: 'u8', color: ['u8', 4], id: 'u64' });

describe('columns', () => {
  it('one typed-array column per field over the heap, spanning capacity rows (count per row for arrays)', () => {
    const heap = new Heap();
    const t = heap.soa(Particle, 100);
    expect(t.x).toBeInstanceOf(Float32Array);
    expect(t.age).toBeInstanceOf(Uint16Array);
    expect(t.alive).toBeInstanceOf(Uint8Array);
    expect(t.color).toBeInstanceOf(Uint8Array);
    expect(t.id).toBeInstanceOf(BigUint64Array);
    expect([t.x.length, t.color.length, t.id.length]).toEqual([100, 400, 100]);
    expect(t.x.buffer).toBe(heap.u8.buffer);
    expect([t.length, t.capacity]).toEqual([0, 100]);
    expectTypeOf(t.x).toEqualTypeOf<Float32Array>();
    expectTypeOf(t.color).toEqualTypeOf<Uint8Array>();
    expectTypeOf(t.id).toEqualTypeOf<BigUint64Array>();
  });

  it('all columns live in one heap block, each starting on a 16-byte boundary, none overlapping', () => {
    const heap = new Heap();
    const before = heap.stats().liveBlocks;
    const t = heap.soa(Particle, 37);
    expect(heap.stats().liveBlocks).toBe(before + 1);
    const spans = Particle.fields.map((f) => {
      const p = t.addressOf(f.name as keyof typeof Particle.schema);
      expect(p % 16).toBe(0);
      expect(p).toBe((t as unknown as Record<string, Uint8Array>)[f.name].byteOffset);
      return [p, p + 37 * f.bytes * f.count];
    });
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    expect(spans[0][0]).toBe(t.address);
    expect(heap.usableSize(t.address)).toBeGreaterThanOrEqual(spans[spans.length - 1][1] - t.address);
  });

  it('a row written through the columns reads back through them (arrays: count elements per row)', () => {
    const heap = new Heap();
    const t = heap.soa(Particle, 4);
    const r = t.add();
    t.x[r] = 1.5;
    t.color.set([1, 2, 3, 4], r * 4);
    t.id[r] = 2n ** 63n;
    const s = t.add();
    t.color.fill(9, s * 4, s * 4 + 4);
    expect([t.x[r], Array.from(t.color.subarray(0, 8)), t.id[r]]).toEqual([1.5, [1, 2, 3, 4, 9, 9, 9, 9], 2n ** 63n]);
  });
});

describe('add / remove', () => {
  it('add returns consecutive rows; remove moves the last row into the hole and returns its old index', () => {
    const heap = new Heap();
    const t = heap.soa(struct({ v: 'i32' }), 8);
    for (let i = 0; i < 5; i++) t.v[t.add()] = i * 10;
    expect(t.remove(1)).toBe(4);
    expect(Array.from(t.v.subarray(0, t.length))).toEqual([0, 40, 20, 30]);
    expect(t.remove(3)).toBe(3); // the last row: nothing moves
    expect(Array.from(t.v.subarray(0, t.length))).toEqual([0, 40, 20]);
  });

  it('remove copies raw bits: NaN payloads and -0 survive the move', () => {
    const heap = new Heap();
    const t = heap.soa(struct({ f: 'f32', d: 'f64' }), 4);
    t.add();
    const r = t.add();
    const f32bits = new Uint32Array(t.f.buffer, t.f.byteOffset, 4);
    f32bits[r] = 0x7f800001; // a signalling NaN
    t.d[r] = -0;
    t.remove(0);
    expect(f32bits[0]).toBe(0x7f800001);
    expect(Object.is(t.d[0], -0)).toBe(true);
  });

  it('property: random add/remove/clear/reserve sequences match a plain array model, with the heap growing in between', () => {
    const T = struct({ a: 'u8', b: 'f64', c: ['i16', 3], d: 'u32', e: 'i64' });
    type Row = [number, number, number[], number, bigint];
    const op = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('add' as const), v: fc.integer() }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeBad' as const), past: fc.nat(5) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('reserve' as const), n: fc.nat(300) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('grow' as const), n: fc.integer({ min: 1, max: 200_000 }) }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
    );
    fc.assert(
      fc.property(fc.nat(20), fc.array(op, { minLength: 1, maxLength: 300 }), (cap0, ops) => {
        const heap = new Heap({ initialBytes: 64 * 1024, resizable: false });
        const t = heap.soa(T, cap0);
        const model: Row[] = [];
        let version = t.version;
        let cols = { a: t.a, b: t.b, c: t.c, d: t.d, e: t.e };
        for (const o of ops) {
          if (o.kind === 'add') {
            const r = t.add();
            expect(r).toBe(model.length);
            const row: Row = [o.v & 0xff, o.v / 7, [o.v & 0x7fff, -(o.v & 0x7fff) | 0, 3], o.v >>> 0, BigInt(o.v) * 3n];
            if (t.version !== version) ((version = t.version), (cols = { a: t.a, b: t.b, c: t.c, d: t.d, e: t.e }));
            cols.a[r] = row[0];
            cols.b[r] = row[1];
            cols.c.set(row[2], r * 3);
            cols.d[r] = row[3];
            cols.e[r] = row[4];
            model.push(row);
          } else if (o.kind === 'remove' && model.length > 0) {
            const r = o.at % model.length;
            const moved = t.remove(r);
            expect(moved).toBe(model.length - 1);
            model[r] = model[model.length - 1];
            model.pop();
          } else if (o.kind === 'removeBad') {
            expect(() => t.remove(model.length + o.past)).toThrow(RangeError);
          } else if (o.kind === 'reserve') {
            t.reserve(o.n);
            expect(t.capacity).toBeGreaterThanOrEqual(o.n);
          } else if (o.kind === 'grow') {
            heap.alloc(o.n); // may grow the heap's memory: column views must follow
          } else if (o.kind === 'clear') {
            t.clear();
            model.length = 0;
          }
          expect(t.length).toBe(model.length);
        }
        const { a, b, c, d, e } = t;
        model.forEach((row, r) => expect([a[r], b[r], Array.from(c.subarray(r * 3, r * 3 + 3)), d[r], e[r]]).toEqual(row));
        heap.check();
      }),
      { numRuns: 150 },
    );
  });
});

describe('growth', () => {
  it('add past capacity moves the table to a bigger block, keeps every row, frees the old block, and bumps version', () => {
    const heap = new Heap();
    const t = heap.soa(struct({ x: 'f32', tag: ['u8', 3] }), 2);
    const v0 = t.version;
    const old = t.x;
    for (let i = 0; i < 3; i++) {
      const r = t.add();
      t.x[r] = i + 0.5;
      t.tag[r * 3 + 2] = i;
    }
    expect(t.capacity).toBeGreaterThanOrEqual(3);
    expect(t.version).not.toBe(v0);
    expect(t.x).not.toBe(old);
    expect(Array.from(t.x.subarray(0, 3))).toEqual([0.5, 1.5, 2.5]);
    expect([t.tag[2], t.tag[5], t.tag[8]]).toEqual([0, 1, 2]);
    expect(heap.stats().liveBlocks).toBe(1);
    heap.check();
  });

  it('version stays the same while nothing moved, so views taken under it stay valid', () => {
    const heap = new Heap();
    const t = heap.soa(struct({ x: 'f32' }), 64);
    const v = t.version;
    const x = t.x;
    for (let i = 0; i < 64; i++) x[t.add()] = i;
    expect(t.version).toBe(v);
    expect(t.x).toBe(x);
  });

  it('a growth of the heap memory re-makes the views (reading a column or version notices); data is kept', () => {
    const heap = new Heap({ initialBytes: 64 * 1024, resizable: false });
    const t = heap.soa(struct({ x: 'f64' }), 16);
    t.x[t.add()] = 3.25;
    const v = t.version;
    const stale = t.x;
    heap.alloc(1 << 20); // memory grows: a non-resizable buffer detaches every view
    expect(stale.length).toBe(0);
    expect(t.version).not.toBe(v);
    expect(t.x.length).toBe(16);
    expect(t.x[0]).toBe(3.25);
    t.x[t.add()] = 1; // and remove() copies through fresh views
    t.remove(0);
    expect(t.x[0]).toBe(1);
  });

  it('reserve(n) grows to exactly n rows at once; never shrinks', () => {
    const heap = new Heap();
    const t = heap.soa(struct({ x: 'u16' }), 0);
    t.reserve(1000);
    expect(t.capacity).toBe(1000);
    t.reserve(10);
    expect(t.capacity).toBe(1000);
  });

  it('on a full fixed-size heap add() throws OutOfMemoryError and tryAdd() returns -1; the table is unchanged', () => {
    const heap = new Heap({ initialBytes: 128 * 1024, maximumBytes: 128 * 1024 });
    const t = heap.soa(struct({ x: 'f64' }), 1000);
    for (let i = 0; i < 1000; i++) t.x[t.add()] = i;
    while (heap.tryAlloc(4096) !== 0); // fill the heap
    expect(() => t.add()).toThrow(OutOfMemoryError);
    expect(t.tryAdd()).toBe(-1);
    expect([t.length, t.capacity, t.x[999]]).toEqual([1000, 1000, 999]);
    heap.check();
  });

  it('dispose frees the block; the table is unusable afterwards (also via Symbol.dispose)', () => {
    const heap = new Heap();
    const t = heap.soa(struct({ x: 'f32' }), 10);
    t.add();
    t.dispose();
    expect(t.disposed).toBe(true);
    expect(heap.stats().liveBlocks).toBe(0);
    expect(() => t.add()).toThrow(HeapError);
    expect(() => t.x).toThrow(/disposed/);
    expect(() => t.remove(0)).toThrow(/soa\.remove: the SoA table was disposed|disposed/);
    t.dispose(); // twice: nothing
    const u = heap.soa(struct({ x: 'f32' }), 10);
    const dispose = (Symbol as { dispose?: symbol }).dispose;
    if (dispose) (u as unknown as Record<symbol, () => void>)[dispose]();
    else u.dispose();
    expect(heap.stats().liveBlocks).toBe(0);
    heap.check();
  });
});

describe('misuse', () => {
  it('remove of a row out of range (or removed already) throws RangeError naming the call and row', () => {
    const heap = new Heap();
    const t = heap.soa(struct({ x: 'f32' }), 4);
    t.add();
    t.add();
    expect(() => t.remove(2)).toThrow(/soa\.remove\(2\): no such row \(length 2/);
    t.remove(1);
    expect(() => t.remove(1)).toThrow(RangeError); // the last row, removed already
    expect(() => t.remove(-1)).toThrow(RangeError);
    expect(() => t.remove(0.5)).toThrow(RangeError);
    expect(() => t.remove('0' as unknown as number)).toThrow(TypeError);
    expect(t.length).toBe(1);
  });

  it('heap.soa with a non-type or a bad capacity throws TypeError/RangeError', () => {
    const heap = new Heap();
    expect(() => heap.soa({ x: 'f32' } as never, 4)).toThrow(/heap\.soa\(\[object Object\], …\): expected a type made by struct\(\)/);
    expect(() => heap.soa(struct({ x: 'f32' }), -1)).toThrow(/capacity must be an integer/);
    expect(() => heap.soa(struct({ x: 'f32' }), 1.5)).toThrow(RangeError);
    expect(() => heap.soa(struct({ x: 'f32' }), 4).reserve(-3)).toThrow(RangeError);
    expect(() => heap.soa(struct({ x: 'f32' }), 4).addressOf('y' as never)).toThrow(/no such field; fields: x/);
  });

  it('a table larger than the heap can hold throws OutOfMemoryError, leaving the heap valid', () => {
    const heap = new Heap({ initialBytes: 64 * 1024, maximumBytes: 1 << 20 });
    expect(() => heap.soa(struct({ x: 'f64', y: 'f64' }), 2 ** 30)).toThrow(OutOfMemoryError);
    expect(() => heap.soa(struct({ x: 'f64' }), 1 << 20)).toThrow(OutOfMemoryError); // larger than maximumBytes: still out of memory
    heap.check();
  });
});
