// Type.cursor(heap): one reusable object per loop that reads and writes records in the heap.
//
// Speed: each struct type gets its own cursor class whose fields are accessors on the
// prototype. An accessor is a few lines over a whole-memory typed view cached on the cursor:
//   get x() { const v = this._f32, i = (this._p >>> 2) + k; return i < v.length ? v[i] : slow }
// V8 inlines it at the call site, so `c.at(p).x += c.vx * dt` compiles to loads and stores of
// linear memory. No `new Function`: the accessors are closures made from one literal per scalar
// type (the table ACCESSORS below), which keeps every element access monomorphic and works under
// a strict Content-Security-Policy.
//
// Growth: the cached views are those of the memory when last refreshed. `i < v.length` fails for
// a view that a growth detached (length 0), and for an address past the end of a shared memory
// another thread has grown; the slow path then re-takes the heap's current views and retries, and
// only an address outside the memory throws. So a field is always read and written in the
// memory as it is now, whatever grew in between.

import { HeapError } from './errors.js';
import { hex } from './faults.js';
import type { Heap } from './heap.js';
import { KIND_BYTES, describe } from './kinds.js';
import type { ArrayKeys, ElementOf, JsonOf, Schema, ScalarKeys, StructType, ValueOf } from './struct.js';

type Value = number | bigint;
type View = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array | BigUint64Array | BigInt64Array;

/** The members every cursor has, whatever its fields. */
export interface CursorMembers<S extends Schema> {
  /**
   * Points the cursor at the record at `address` (aligned to `Type.align`) and returns it.
   * No allocation, here or in field reads and writes (except a bigint per 64-bit read); never
   * blocks. Throws RangeError for 0, a misaligned or a non-address.
   */
  at(address: number): this;
  /** The record's address (0 until the first `at()`). */
  readonly address: number;
  readonly heap: Heap;
  readonly type: StructType<S>;
  /** A plain copy of the record, for debugging; 64-bit integers become decimal strings. Allocates. */
  toJSON(): JsonOf<S>;
}

/** A fixed-array field seen through a cursor (`c.color`): element access without allocation. */
export interface FieldArray<T extends Value> {
  /** Number of elements. */
  readonly length: number;
  /** Byte address of element 0 in the current record. */
  readonly address: number;
  /** Element `i` (0 ≤ i < length; otherwise RangeError). */
  get(i: number): T;
  /** Writes element `i`. */
  set(i: number, value: T): void;
  /** Writes every element. */
  fill(value: T): void;
  /** A new array of the elements (allocates). */
  toArray(): T[];
}

/**
 * A cursor over records of schema `S`: scalar fields are read/write properties (`c.x`), fixed
 * arrays are FieldArrays (`c.color.get(0)`), plus `at`, `address`, `heap`, `type`, `toJSON`.
 */
export type Cursor<S extends Schema> = CursorMembers<S> & { -readonly [K in ScalarKeys<S>]: ValueOf<ElementOf<S[K]>> } & {
  readonly [K in ArrayKeys<S>]: FieldArray<ValueOf<ElementOf<S[K]>>>;
};

/**
 * Where a cursor points before its first `at()`: the first byte past the largest wasm memory
 * (65535 pages), so every field access takes the slow path and says "call at() first".
 */
const NOWHERE = 0xffff_0000;

/** @internal A field's kind and name, for the slow paths (one argument keeps the accessors small). */
export interface Slot {
  readonly kind: number;
  readonly name: string;
}

/** @internal The state behind every cursor; fields are added per type as prototype accessors. */
export class CursorBase {
  /** Current address. */
  _p = NOWHERE;
  // Whole-memory views, one per element type: re-taken from the heap when one falls short.
  _u8!: Uint8Array; _i8!: Int8Array; _u16!: Uint16Array; _i16!: Int16Array; _u32!: Uint32Array;
  _i32!: Int32Array; _f32!: Float32Array; _f64!: Float64Array; _u64!: BigUint64Array; _i64!: BigInt64Array;
  /** Alignment mask: an address must have these bits clear. */
  readonly _mask: number;
  readonly heap: Heap;
  readonly type: StructType;
  /** One FieldArray per array field, in `type.fields` order (undefined for scalars). */
  readonly _arrays: (FieldArrayImpl | undefined)[];

  constructor(type: StructType, heap: Heap) {
    this.heap = heap;
    this.type = type;
    this._mask = type.align - 1;
    this._refresh();
    this._arrays = type.fields.map((f, k) => (f.isArray ? new FieldArrayImpl(this, f.name, f.offset, f.count, type._kinds[k]) : undefined));
  }

  at(address: number): this {
    // One test covers non-numbers, NaN, negatives, fractions, > 2^32 - 1; then null and alignment.
    if ((address >>> 0) !== address || address === 0 || (address & this._mask) !== 0) this._badAddress(address);
    this._p = address;
    return this;
  }

  get address(): number {
    return this._p === NOWHERE ? 0 : this._p;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const fields = this.type.fields;
    for (let f = 0; f < fields.length; f++) {
      const { name, offset, count, isArray, bytes } = fields[f];
      const kind = this.type._kinds[f];
      const values: unknown[] = [];
      for (let e = 0; e < count; e++) {
        const v = this._load({ kind, name }, (this._p + offset + e * bytes) / bytes);
        values.push(typeof v === 'bigint' ? v.toString() : v);
      }
      out[name] = isArray ? values : values[0];
    }
    return out;
  }

  /** Re-takes the heap's current whole-memory views (they re-make themselves after a growth). */
  _refresh(): void {
    const h = this.heap;
    this._u8 = h.u8; this._i8 = h.i8; this._u16 = h.u16; this._i16 = h.i16; this._u32 = h.u32;
    this._i32 = h.i32; this._f32 = h.f32; this._f64 = h.f64; this._u64 = h.u64; this._i64 = h.i64;
  }

  /** The cached view for a kind (index into KIND_NAMES). */
  _view(kind: number): View {
    switch (kind) {
      case 0: return this._u8;
      case 1: return this._i8;
      case 2: return this._u16;
      case 3: return this._i16;
      case 4: return this._u32;
      case 5: return this._i32;
      case 6: return this._f32;
      case 7: return this._f64;
      case 8: return this._u64;
      default: return this._i64;
    }
  }

  /** Slow path of a read: element `i` of the slot's view, after refreshing the views. */
  _load(slot: Slot, i: number): Value {
    let v = this._view(slot.kind);
    if (i >= v.length) {
      this._refresh();
      v = this._view(slot.kind);
      if (i >= v.length) this._outside(slot.kind, i, slot.name);
    }
    return v[i];
  }

  /** Slow path of a write. */
  _store(slot: Slot, i: number, x: Value): void {
    let v = this._view(slot.kind);
    if (i >= v.length) {
      this._refresh();
      v = this._view(slot.kind);
      if (i >= v.length) this._outside(slot.kind, i, slot.name);
    }
    (v as { [i: number]: Value })[i] = x;
  }

  _outside(kind: number, i: number, field: string): never {
    if (this._p === NOWHERE) throw new HeapError(`cursor.${field}: the cursor points nowhere yet; call at(address) first`);
    throw new RangeError(
      `cursor.${field}: the record at ${hex(this._p)} (field at ${hex(i * KIND_BYTES[kind])}) is outside the heap's memory ` +
        `(${this._u8.length} bytes)`);
  }

  _badAddress(address: unknown): never {
    const what = `cursor.at(${describe(address)})`;
    if (typeof address !== 'number') throw new TypeError(`${what}: expected an address (number)`);
    if (address === 0) throw new RangeError(`${what}: null address (did tryAlloc return 0?)`);
    if ((address >>> 0) !== address) throw new RangeError(`${what}: not an address (an integer from 1 to 2^32-1)`);
    throw new RangeError(`${what}: not aligned to ${this.type.align} (the struct's alignment)`);
  }
}

// One getter and one setter literal per scalar type (index = kind, KIND_NAMES order). `k` is the
// field's offset in elements of its type: natural alignment makes it exact, and `_p` is aligned
// to the struct's alignment, so `(_p >>> shift) + k` is the element index. The index is a sum,
// never wrapped: an address past 4 GiB stays past the end of the view and takes the slow path.
type Getter = (this: CursorBase) => Value;
type Setter = (this: CursorBase, x: never) => void;
type Make<F> = (k: number, field: Slot) => F;
const ACCESSORS: [Make<Getter>, Make<Setter>][] = [
  [(k, f) => function () { const v = this._u8, i = this._p + k; return i < v.length ? v[i] : this._load(f, i); },
   (k, f) => function (x: number) { const v = this._u8, i = this._p + k; if (i < v.length) v[i] = x; else this._store(f, i, x); }],
  [(k, f) => function () { const v = this._i8, i = this._p + k; return i < v.length ? v[i] : this._load(f, i); },
   (k, f) => function (x: number) { const v = this._i8, i = this._p + k; if (i < v.length) v[i] = x; else this._store(f, i, x); }],
  [(k, f) => function () { const v = this._u16, i = (this._p >>> 1) + k; return i < v.length ? v[i] : this._load(f, i); },
   (k, f) => function (x: number) { const v = this._u16, i = (this._p >>> 1) + k; if (i < v.length) v[i] = x; else this._store(f, i, x); }],
  [(k, f) => function () { const v = this._i16, i = (this._p >>> 1) + k; return i < v.length ? v[i] : this._load(f, i); },
   (k, f) => function (x: number) { const v = this._i16, i = (this._p >>> 1) + k; if (i < v.length) v[i] = x; else this._store(f, i, x); }],
  [(k, f) => function () { const v = this._u32, i = (this._p >>> 2) + k; return i < v.length ? v[i] : this._load(f, i); },
   (k, f) => function (x: number) { const v = this._u32, i = (this._p >>> 2) + k; if (i < v.length) v[i] = x; else this._store(f, i, x); }],
  [(k, f) => function () { const v = this._i32, i = (this._p >>> 2) + k; return i < v.length ? v[i] : this._load(f, i); },
   (k, f) => function (x: number) { const v = this._i32, i = (this._p >>> 2) + k; if (i < v.length) v[i] = x; else this._store(f, i, x); }],
  [(k, f) => function () { const v = this._f32, i = (this._p >>> 2) + k; return i < v.length ? v[i] : this._load(f, i); },
   (k, f) => function (x: number) { const v = this._f32, i = (this._p >>> 2) + k; if (i < v.length) v[i] = x; else this._store(f, i, x); }],
  [(k, f) => function () { const v = this._f64, i = (this._p >>> 3) + k; return i < v.length ? v[i] : this._load(f, i); },
   (k, f) => function (x: number) { const v = this._f64, i = (this._p >>> 3) + k; if (i < v.length) v[i] = x; else this._store(f, i, x); }],
  [(k, f) => function () { const v = this._u64, i = (this._p >>> 3) + k; return i < v.length ? v[i] : this._load(f, i); },
   (k, f) => function (x: bigint) { const v = this._u64, i = (this._p >>> 3) + k; if (i < v.length) v[i] = x; else this._store(f, i, x); }],
  [(k, f) => function () { const v = this._i64, i = (this._p >>> 3) + k; return i < v.length ? v[i] : this._load(f, i); },
   (k, f) => function (x: bigint) { const v = this._i64, i = (this._p >>> 3) + k; if (i < v.length) v[i] = x; else this._store(f, i, x); }],
];

/**
 * A fixed-array field of one cursor. Element access goes through the cursor's slow-path helpers
 * (a switch on the type): arrays are for colours, small vectors and the like, not the hottest
 * loops; those want scalar fields or SoA columns. (Indexed accessors `c.color[i]` were measured
 * at ~240 ns in V8: elements with accessors are dictionary-mode.)
 */
class FieldArrayImpl implements FieldArray<Value> {
  readonly length: number;
  private readonly _slot: Slot;
  private readonly _bytes: number;
  constructor(
    private readonly _c: CursorBase,
    private readonly _name: string,
    private readonly _offset: number,
    count: number,
    kind: number,
  ) {
    this.length = count;
    this._slot = { kind, name: _name };
    this._bytes = KIND_BYTES[kind];
  }

  get address(): number {
    return this._c._p + this._offset;
  }

  get(i: number): Value {
    if ((i >>> 0) !== i || i >= this.length) this._badIndex('get', i);
    return this._c._load(this._slot, (this._c._p + this._offset) / this._bytes + i);
  }

  set(i: number, value: Value): void {
    if ((i >>> 0) !== i || i >= this.length) this._badIndex('set', i);
    this._c._store(this._slot, (this._c._p + this._offset) / this._bytes + i, value);
  }

  fill(value: Value): void {
    for (let i = 0; i < this.length; i++) this.set(i, value);
  }

  toArray(): Value[] {
    const out: Value[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.get(i));
    return out;
  }

  private _badIndex(call: string, i: unknown): never {
    throw new RangeError(`cursor.${this._name}.${call}(${describe(i)}): index must be an integer from 0 to ${this.length - 1}`);
  }
}

/** The cursor class of `type`: CursorBase plus one accessor per field (made once, by struct()). */
export function cursorClass<S extends Schema>(type: StructType<S>): new (heap: Heap) => Cursor<S> {
  const C = class extends CursorBase {
    constructor(heap: Heap) {
      super(type as unknown as StructType, heap);
    }
  };
  type.fields.forEach((f, k) => {
    const kind = type._kinds[k];
    const k0 = f.offset / f.bytes; // offset in elements: exact by natural alignment
    const desc: PropertyDescriptor = f.isArray
      ? { get(this: CursorBase) { return this._arrays[k]; } }
      : { get: ACCESSORS[kind][0](k0, { kind, name: f.name }), set: ACCESSORS[kind][1](k0, { kind, name: f.name }) };
    Object.defineProperty(C.prototype, f.name, { ...desc, enumerable: true, configurable: false });
  });
  return C as unknown as new (heap: Heap) => Cursor<S>;
}

/** `type.cursor(heap)`: checks the heap, then makes one cursor. */
export function makeCursor<S extends Schema>(type: StructType<S>, heap: Heap): Cursor<S> {
  const h = heap as Partial<Heap> | null | undefined;
  if (h === null || typeof h !== 'object' || typeof h.alloc !== 'function' || !(h.memory instanceof WebAssembly.Memory)) {
    throw new TypeError(`Type.cursor(${describe(heap)}): expected a Heap`);
  }
  return new type._Cursor(heap);
}
