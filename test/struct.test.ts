// struct(schema): C layout rules, and the cursor that reads and writes records in the heap.
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Heap, HeapError, struct, type ScalarType } from '../src/index.js';

const TYPES: ScalarType[] = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'f32', 'f64', 'u64', 'i64'];
const SIZE: Record<ScalarType, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, f64: 8, u64: 8, i64: 8 };

/**
 * Reference layout, written the slow way: walk byte by byte to the first offset the field's
 * element size divides, then round the end up one byte at a time to the largest alignment.
 */
function referenceLayout(fields: [string, ScalarType, number][]): { offsets: number[]; size: number; align: number } {
  let at = 0;
  let align = 1;
  const offsets: number[] = [];
  for (const [, type, count] of fields) {
    while (at % SIZE[type] !== 0) at++;
    offsets.push(at);
    at += SIZE[type] * count;
    if (SIZE[type] > align) align = SIZE[type];
  }
  while (at % align !== 0) at++;
  return { offsets, size: at, align };
}

/** A random schema: 1–12 fields, a third of them fixed arrays. */
const schemaArb = fc
  .array(fc.tuple(fc.constantFrom(...TYPES), fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 }))), { minLength: 1, maxLength: 12 })
  .map((list) => list.map(([type, n], i): [string, ScalarType, number, boolean] => [`f${i}`, type, Math.max(1, n), n > 0]));

const toSchema = (fields: [string, ScalarType, number, boolean][]) =>
  Object.fromEntries(fields.map(([name, type, count, isArray]) => [name, isArray ? ([type, count] as const) : type]));

/** A value of `type` from 32 random bits (and 32 more for 64-bit types). */
function valueOf(type: ScalarType, a: number, b: number): number | bigint {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setUint32(0, a, true);
  dv.setUint32(4, b, true);
  switch (type) {
    case 'u8': return a & 0xff;
    case 'i8': return dv.getInt8(0);
    case 'u16': return a & 0xffff;
    case 'i16': return dv.getInt16(0, true);
    case 'u32': return a >>> 0;
    case 'i32': return a | 0;
    case 'f32': return Number.isNaN(dv.getFloat32(0, true)) ? 0.5 : dv.getFloat32(0, true);
    case 'f64': return Number.isNaN(dv.getFloat64(0, true)) ? 0.25 : dv.getFloat64(0, true);
    case 'u64': return dv.getBigUint64(0, true);
    case 'i64': return dv.getBigInt64(0, true);
  }
}

/** Reads a value of `type` at byte address `p` from a copy of the bytes (little-endian, as wasm). */
function readBytes(u8: Uint8Array, p: number, type: ScalarType): number | bigint {
  const dv = new DataView(u8.slice(p, p + SIZE[type]).buffer);
  switch (type) {
    case 'u8': return dv.getUint8(0);
    case 'i8': return dv.getInt8(0);
    case 'u16': return dv.getUint16(0, true);
    case 'i16': return dv.getInt16(0, true);
    case 'u32': return dv.getUint32(0, true);
    case 'i32': return dv.getInt32(0, true);
    case 'f32': return dv.getFloat32(0, true);
    case 'f64': return dv.getFloat64(0, true);
    case 'u64': return dv.getBigUint64(0, true);
    case 'i64': return dv.getBigInt64(0, true);
  }
}

describe('struct layout follows the C rules', () => {
  it('natural alignment, declaration order, size padded to the largest alignment (known C layouts)', () => {
    // The layouts clang gives for the same C structs.
    const a = struct({ a: 'u8', b: 'f64', c: 'u16' }); // struct { uint8_t a; double b; uint16_t c; }
    expect([a.offsets.a, a.offsets.b, a.offsets.c, a.size, a.align]).toEqual([0, 8, 16, 24, 8]);
    const b = struct({ a: 'u8', b: 'f32', c: 'u16' });
    expect([b.offsets.a, b.offsets.b, b.offsets.c, b.size, b.align]).toEqual([0, 4, 8, 12, 4]);
    const c = struct({ r: 'u8', g: 'u8', b: 'u8' });
    expect([c.size, c.align]).toEqual([3, 1]);
    const d = struct({ x: 'f32', y: 'f32', vx: 'f32', vy: 'f32', age: 'u16', alive: 'u8', color: ['u8', 4] });
    expect(d.offsets).toEqual({ x: 0, y: 4, vx: 8, vy: 12, age: 16, alive: 18, color: 19 });
    expect([d.size, d.align]).toEqual([24, 4]);
    const e = struct({ flag: 'u8', v: ['u16', 3], big: 'i64' }); // uint8_t flag; uint16_t v[3]; int64_t big;
    expect([e.offsets.flag, e.offsets.v, e.offsets.big, e.size, e.align]).toEqual([0, 2, 8, 16, 8]);
  });

  it('property: offsets, size and alignment equal the byte-by-byte reference for random schemas', () => {
    fc.assert(
      fc.property(schemaArb, (fields) => {
        const T = struct(toSchema(fields));
        const ref = referenceLayout(fields.map(([n, t, c]) => [n, t, c]));
        expect(T.fields.map((f) => f.offset)).toEqual(ref.offsets);
        expect(Object.values(T.offsets)).toEqual(ref.offsets);
        expect(T.size).toBe(ref.size);
        expect(T.align).toBe(ref.align);
      }),
      { numRuns: 500 },
    );
  });

  it('the type, its offsets and its field list are frozen', () => {
    const T = struct({ x: 'f32' });
    expect(Object.isFrozen(T)).toBe(true);
    expect(Object.isFrozen(T.offsets)).toBe(true);
    expect(Object.isFrozen(T.fields[0])).toBe(true);
  });
});

describe('cursor', () => {
  it('property: every field written through the cursor reads back through heap.u8 at the documented offset; padding is untouched', () => {
    const heap = new Heap({ initialBytes: 1 << 20 });
    fc.assert(
      fc.property(schemaArb, fc.array(fc.tuple(fc.integer(), fc.integer()), { minLength: 128, maxLength: 128 }), (fields, bits) => {
        const T = struct(toSchema(fields));
        const p = heap.alloc(T.size, T.align);
        heap.u8.fill(0xa5, p, p + T.size);
        const c = T.cursor(heap).at(p) as unknown as Record<string, number | bigint | { set(i: number, v: unknown): void }>;
        const written = new Map<number, [ScalarType, number | bigint]>();
        let r = 0;
        for (const f of T.fields) {
          for (let e = 0; e < f.count; e++) {
            const v = valueOf(f.type, bits[r % 128][0], bits[r++ % 128][1]);
            if (f.isArray) (c[f.name] as { set(i: number, v: unknown): void }).set(e, v);
            else c[f.name] = v;
            written.set(p + f.offset + e * f.bytes, [f.type, f.type === 'f32' ? Math.fround(v as number) : v]);
          }
        }
        const u8 = heap.u8;
        for (const [at, [type, v]] of written) expect(readBytes(u8, at, type)).toBe(v);
        const covered = new Set<number>();
        for (const [at, [type]] of written) for (let i = 0; i < SIZE[type]; i++) covered.add(at + i);
        for (let i = p; i < p + T.size; i++) if (!covered.has(i)) expect(u8[i]).toBe(0xa5);
        heap.free(p);
      }),
      { numRuns: 300 },
    );
    heap.check();
  });

  it('reads what heap.u8 holds at the documented offsets', () => {
    const heap = new Heap();
    const T = struct({ a: 'u8', b: 'i16', c: 'f64', d: ['u32', 2] });
    const p = heap.alloc(T.size, T.align);
    const dv = new DataView(heap.u8.buffer, p, T.size);
    dv.setUint8(T.offsets.a, 200);
    dv.setInt16(T.offsets.b, -1234, true);
    dv.setFloat64(T.offsets.c, Math.PI, true);
    dv.setUint32(T.offsets.d + 4, 0xdeadbeef, true);
    const c = T.cursor(heap).at(p);
    expect([c.a, c.b, c.c, c.d.get(1)]).toEqual([200, -1234, Math.PI, 0xdeadbeef]);
  });

  it('at() re-points the same object and returns it; records side by side stay separate', () => {
    const heap = new Heap();
    const T = struct({ x: 'f32', n: 'u16' });
    const base = heap.alloc(T.size * 10, T.align);
    const c = T.cursor(heap);
    for (let i = 0; i < 10; i++) {
      expect(c.at(base + i * T.size)).toBe(c);
      c.x = i * 1.5;
      c.n = i;
    }
    for (let i = 0; i < 10; i++) expect([c.at(base + i * T.size).x, c.n, c.address]).toEqual([i * 1.5, i, base + i * T.size]);
  });

  it('64-bit integer fields are bigint, with the full range', () => {
    const heap = new Heap();
    const T = struct({ u: 'u64', i: 'i64', arr: ['u64', 2] });
    const c = T.cursor(heap).at(heap.alloc(T.size, T.align));
    c.u = 2n ** 64n - 1n;
    c.i = -(2n ** 63n);
    c.arr.set(1, 12345678901234567890n);
    expect([c.u, c.i, c.arr.get(1)]).toEqual([2n ** 64n - 1n, -(2n ** 63n), 12345678901234567890n]);
    expect(() => {
      (c as unknown as { u: number }).u = 1;
    }).toThrow(TypeError); // the engine refuses a number for a BigUint64Array element
  });

  it('stays correct after the heap grows between at() and a field access', () => {
    const heap = new Heap({ initialBytes: 64 * 1024, resizable: false });
    const T = struct({ x: 'f64', n: 'u32' });
    const p = heap.alloc(T.size, T.align);
    const c = T.cursor(heap).at(p);
    c.x = 1.25;
    const gen = heap.generation;
    const big = heap.alloc(4 << 20); // grows memory: the cursor's cached views go stale
    expect(heap.generation).not.toBe(gen);
    c.n = 42; // written into the memory as it is now
    expect(heap.u32[(p + T.offsets.n) >>> 2]).toBe(42);
    expect(c.x).toBe(1.25);
    const q = heap.alloc(T.size, T.align); // maybe in the new memory
    c.at(big + 8).x = 9.5;
    expect(heap.f64[(big + 8) >>> 3]).toBe(9.5);
    c.at(q).n = 7;
    expect(heap.u32[(q + T.offsets.n) >>> 2]).toBe(7);
    heap.check();
  });

  it('fixed arrays: get/set/fill/toArray/length/address', () => {
    const heap = new Heap();
    const T = struct({ tag: 'u8', color: ['u8', 4], v: ['f32', 3] });
    const p = heap.alloc(T.size, T.align);
    const c = T.cursor(heap).at(p);
    c.color.fill(9);
    c.color.set(3, 255);
    c.v.set(2, 0.5);
    expect(c.color.toArray()).toEqual([9, 9, 9, 255]);
    expect([c.color.length, c.v.length]).toEqual([4, 3]);
    expect(c.color.address).toBe(p + T.offsets.color);
    expect(heap.f32[(c.v.address >>> 2) + 2]).toBe(0.5);
  });

  it('toJSON gives a plain copy, 64-bit integers as decimal strings', () => {
    const heap = new Heap();
    const T = struct({ x: 'f32', id: 'u64', rgb: ['u8', 3] });
    const c = T.cursor(heap).at(heap.alloc(T.size, T.align));
    c.x = 0.5;
    c.id = 2n ** 60n;
    c.rgb.set(0, 1);
    c.rgb.set(1, 2);
    c.rgb.set(2, 3);
    expect(JSON.parse(JSON.stringify(c))).toEqual({ x: 0.5, id: String(2n ** 60n), rgb: [1, 2, 3] });
    expect(c.toJSON()).toEqual({ x: 0.5, id: String(2n ** 60n), rgb: [1, 2, 3] });
  });

  it('TypeScript infers each field type from the schema (checked by npm run typecheck), and the values have those types', () => {
    const T = struct({ x: 'f32', id: 'i64', color: ['u8', 4], big: ['u64', 2] });
    const heap = new Heap();
    const c = T.cursor(heap).at(heap.calloc(T.size, T.align));
    expect([typeof c.x, typeof c.id, typeof c.color.get(0), typeof c.big.get(0)]).toEqual(['number', 'bigint', 'number', 'bigint']);
    expectTypeOf(c.x).toEqualTypeOf<number>();
    expectTypeOf(c.id).toEqualTypeOf<bigint>();
    expectTypeOf(c.color.get(0)).toEqualTypeOf<number>();
    expectTypeOf(c.big.get(0)).toEqualTypeOf<bigint>();
    expectTypeOf(c.at(8)).toEqualTypeOf(c);
    expectTypeOf(T.offsets).toEqualTypeOf<{ readonly x: number; readonly id: number; readonly color: number; readonly big: number }>();
    // @ts-expect-error: no such field
    expect(c.nope).toBe(undefined);
    // @ts-expect-error: a fixed array is not assignable as a whole
    expect(() => (c.color = 1)).toThrow(TypeError); // accessor without a setter, in strict mode
  });
});

describe('misuse', () => {
  it('a bad schema throws TypeError/RangeError naming the field and the value', () => {
    const bad = (s: unknown) => () => struct(s as never);
    expect(bad(null)).toThrow(/struct\(null\): expected a schema object/);
    expect(bad([])).toThrow(TypeError);
    expect(bad({})).toThrow(/at least one field/);
    expect(bad({ x: 'f16' })).toThrow(/field "x" has type "f16"/);
    expect(bad({ x: ['u8'] })).toThrow(TypeError);
    expect(bad({ x: ['u8', 0] })).toThrow(RangeError);
    expect(bad({ x: ['u8', 1.5] })).toThrow(/array length must be an integer from 1 to 65536, got 1.5/);
    expect(bad({ x: ['u8', 70000] })).toThrow(RangeError);
    expect(bad({ length: 'u32' })).toThrow(/field name "length" is reserved/);
    expect(bad({ at: 'u32' })).toThrow(/reserved/);
    expect(bad({ _p: 'u32' })).toThrow(/"_p" is not an identifier/);
    expect(bad({ 'a-b': 'u32' })).toThrow(TypeError);
    expect(bad({ 0: 'u32' })).toThrow(TypeError);
  });

  it('at() with a bad address throws and leaves the cursor where it was', () => {
    const heap = new Heap();
    const T = struct({ x: 'f32' });
    const p = heap.alloc(8);
    const c = T.cursor(heap).at(p);
    expect(() => c.at(0)).toThrow(/cursor\.at\(0\): null address/);
    expect(() => c.at(p + 2)).toThrow(/not aligned to 4/);
    expect(() => c.at(-8)).toThrow(RangeError);
    expect(() => c.at(2 ** 32)).toThrow(RangeError);
    expect(() => c.at(8.5)).toThrow(RangeError);
    expect(() => c.at(NaN)).toThrow(RangeError);
    expect(() => c.at('8' as unknown as number)).toThrow(TypeError);
    expect(c.address).toBe(p);
  });

  it('a cursor that was never pointed anywhere throws on field access instead of touching address 0', () => {
    const heap = new Heap();
    const c = struct({ x: 'f32', a: ['u8', 2] }).cursor(heap);
    expect(c.address).toBe(0);
    expect(() => c.x).toThrow(HeapError);
    expect(() => {
      c.x = 1;
    }).toThrow(/call at\(address\) first/);
    expect(() => c.a.get(0)).toThrow(HeapError);
    heap.check();
  });

  it('an address past the end of memory throws RangeError on access', () => {
    const heap = new Heap({ initialBytes: 64 * 1024, maximumBytes: 64 * 1024 });
    const c = struct({ x: 'f32' }).cursor(heap).at(1 << 20);
    expect(() => c.x).toThrow(/outside the heap's memory/);
    expect(() => {
      c.x = 1;
    }).toThrow(RangeError);
  });

  it('array index out of range throws RangeError naming the field', () => {
    const heap = new Heap();
    const T = struct({ color: ['u8', 4] });
    const c = T.cursor(heap).at(heap.alloc(4));
    expect(() => c.color.get(4)).toThrow(/cursor\.color\.get\(4\): index must be an integer from 0 to 3/);
    expect(() => c.color.set(-1, 0)).toThrow(RangeError);
    expect(() => c.color.get(1.5)).toThrow(RangeError);
  });

  it('cursor() without a heap throws TypeError', () => {
    const T = struct({ x: 'f32' });
    expect(() => T.cursor({} as Heap)).toThrow(/Type\.cursor\(\[object Object\]\): expected a Heap/);
    expect(() => T.cursor(undefined as unknown as Heap)).toThrow(TypeError);
  });
});
