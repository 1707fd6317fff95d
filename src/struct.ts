// struct(schema): named fields over the heap, laid out by the C rules. A StructType is pure
// layout (sizes and offsets, the same numbers a wasm kernel or C code uses); cursor.ts reads and
// writes records through it, soa.ts stores one column per field.
//
// Layout (C rules, as clang and AssemblyScript lay out a struct of these types):
//   - fields are placed in declaration order (schema names are identifiers, so JavaScript keeps
//     them in the order written);
//   - each field starts at a multiple of its element size (natural alignment): u8/i8 1,
//     u16/i16 2, u32/i32/f32 4, f64/u64/i64 8; a fixed array ['u8', 4] aligns like one element;
//   - the struct's alignment is its largest field alignment, and its size is padded up to a
//     multiple of it, so records can sit back to back in an array.
//
//   struct({ a: 'u8', b: 'f32', c: 'u16' })      offset  0   1..3  4       8    10..11
//                                                        [a] [pad] [b....] [c..] [pad]   size 12, align 4

import type { Heap } from './heap.js';
import { cursorClass, makeCursor, type Cursor } from './cursor.js';
import { KIND_BYTES, KIND_NAMES, describe, type ScalarType } from './kinds.js';

export type { ScalarType };

/** A field: a scalar type, or a fixed array of `count` scalars (`['u8', 4]`). */
export type FieldType = ScalarType | readonly [ScalarType, number];

/** Field names and their types, in layout order: `{ x: 'f32', color: ['u8', 4] }`. */
export type Schema = { readonly [name: string]: FieldType };

/** The JavaScript value of a scalar: `bigint` for the 64-bit integers, `number` otherwise. */
export type ValueOf<T extends ScalarType> = T extends 'u64' | 'i64' ? bigint : number;

/** The scalar type of a field (the element type of a fixed array). */
export type ElementOf<F> = F extends readonly [infer T extends ScalarType, number] ? T : F extends ScalarType ? F : never;

/** The typed array that holds values of a scalar type. */
export type ArrayOf<T extends ScalarType> = {
  u8: Uint8Array; i8: Int8Array; u16: Uint16Array; i16: Int16Array; u32: Uint32Array;
  i32: Int32Array; f32: Float32Array; f64: Float64Array; u64: BigUint64Array; i64: BigInt64Array;
}[T];

/** Names of the schema's scalar fields / fixed-array fields. */
export type ScalarKeys<S extends Schema> = { [K in keyof S]: S[K] extends ScalarType ? K : never }[keyof S];
export type ArrayKeys<S extends Schema> = Exclude<keyof S, ScalarKeys<S>>;

/** What `toJSON()` gives: numbers, arrays of numbers, and 64-bit integers as decimal strings. */
export type JsonOf<S extends Schema> = {
  [K in keyof S]: ElementOf<S[K]> extends 'u64' | 'i64' ? (S[K] extends ScalarType ? string : string[]) : S[K] extends ScalarType ? number : number[];
};

/** Where one field sits in a record. */
export interface FieldLayout {
  readonly name: string;
  /** Element type. */
  readonly type: ScalarType;
  /** Number of elements: 1 for a scalar, n for `[type, n]`. */
  readonly count: number;
  /** Whether the schema gave this field as an array (`['u8', 1]` is an array of one). */
  readonly isArray: boolean;
  /** Byte offset from the start of the record. */
  readonly offset: number;
  /** Bytes per element (also the field's alignment). */
  readonly bytes: number;
}

/** Largest element count of a fixed-array field. */
export const MAX_COUNT = 1 << 16;

/**
 * Names a schema field cannot have, because cursors or SoA tables use them (or every object
 * has them). Internal members of both start with `_`, and so may no field.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  // cursor
  'at', 'address', 'heap', 'type', 'toJSON',
  // SoA table
  'add', 'tryAdd', 'remove', 'clear', 'reserve', 'length', 'capacity', 'version', 'addressOf', 'columns',
  'dispose', 'disposed',
  // every object
  'constructor', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'toString', 'valueOf',
]);

const IDENTIFIER = /^[A-Za-z$][A-Za-z0-9_$]*$/;

/**
 * A record layout made by `struct(schema)`: field offsets, size and alignment by the C rules,
 * plus `cursor(heap)` to read and write records in a heap and `heap.soa(Type, n)` to store
 * them as columns.
 */
export class StructType<S extends Schema = Schema> {
  /** The schema, as given. */
  readonly schema: S;
  /** Bytes per record, padded to a multiple of `align`. */
  readonly size: number;
  /** Alignment of a record: the largest field alignment. */
  readonly align: number;
  /** Byte offset of each field from the start of a record. */
  readonly offsets: { readonly [K in keyof S]: number };
  /** Every field's layout, in offset order. */
  readonly fields: readonly FieldLayout[];
  /** @internal The kind index (into KIND_NAMES) of each field, in `fields` order. */
  readonly _kinds: readonly number[];
  /** @internal The cursor class of this type. */
  readonly _Cursor: new (heap: Heap) => Cursor<S>;

  /** @internal Use `struct(schema)`. */
  constructor(schema: S, fields: FieldLayout[], size: number, align: number) {
    this.schema = schema;
    this.fields = Object.freeze(fields.map((f) => Object.freeze(f)));
    this._kinds = Object.freeze(fields.map((f) => KIND_NAMES.indexOf(f.type)));
    this.size = size;
    this.align = align;
    this.offsets = Object.freeze(Object.fromEntries(fields.map((f) => [f.name, f.offset]))) as StructType<S>['offsets'];
    this._Cursor = cursorClass(this);
  }

  /**
   * One reusable object that reads and writes records of this type in `heap`: `at(address)`
   * points it at a record and returns it. Make one per loop (or per module) and re-point it;
   * `at()` and field access allocate nothing (64-bit fields excepted: each read makes a bigint).
   *
   * ```ts
   * const c = Particle.cursor(heap);
   * for (let i = 0; i < n; i++) c.at(base + i * Particle.size).x += c.vx * dt;
   * ```
   */
  cursor(heap: Heap): Cursor<S> {
    return makeCursor(this, heap);
  }
}

/**
 * Declares a record layout: field names and types, laid out by the C rules (natural alignment,
 * size padded to the largest alignment). Field types: `u8 i8 u16 i16 u32 i32 f32 f64 u64 i64`,
 * or a fixed array `[type, count]`.
 *
 * ```ts
 * const Particle = struct({ x: 'f32', y: 'f32', vx: 'f32', vy: 'f32', age: 'u16', alive: 'u8', color: ['u8', 4] });
 * Particle.size;          // 24
 * Particle.offsets.age;   // 16
 * const t = heap.soa(Particle, 1000);        // or Particle.cursor(heap) over records
 * ```
 *
 * Throws TypeError for a schema that is not an object of identifier names to types, for an
 * unknown type or a reserved name (see RESERVED_NAMES, and names starting with `_`), and
 * RangeError for an array count outside 1…65536.
 */
export function struct<const S extends Schema>(schema: S): StructType<S> {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new TypeError(`struct(${describe(schema)}): expected a schema object such as { x: 'f32', color: ['u8', 4] }`);
  }
  const names = Object.keys(schema);
  if (names.length === 0) throw new TypeError('struct({}): a struct needs at least one field');
  const fields: FieldLayout[] = [];
  let offset = 0;
  let align = 1;
  for (const name of names) {
    checkName(name);
    const { type, count, isArray } = fieldType(name, schema[name]);
    const bytes = KIND_BYTES[KIND_NAMES.indexOf(type)];
    offset = roundUp(offset, bytes);
    fields.push({ name, type, count, isArray, offset, bytes });
    offset += bytes * count;
    align = Math.max(align, bytes);
  }
  return Object.freeze(new StructType(schema, fields, roundUp(offset, align), align));
}

function checkName(name: string): void {
  if (!IDENTIFIER.test(name)) {
    throw new TypeError(`struct: field name ${JSON.stringify(name)} is not an identifier starting with a letter or $ (names starting with _ are reserved)`);
  }
  if (RESERVED_NAMES.has(name)) {
    throw new TypeError(`struct: field name "${name}" is reserved (cursors and SoA tables use it); reserved: ${[...RESERVED_NAMES].join(', ')}`);
  }
}

function fieldType(name: string, spec: unknown): { type: ScalarType; count: number; isArray: boolean } {
  if (typeof spec === 'string' && (KIND_NAMES as readonly string[]).includes(spec)) {
    return { type: spec as ScalarType, count: 1, isArray: false };
  }
  if (Array.isArray(spec) && spec.length === 2 && (KIND_NAMES as readonly string[]).includes(spec[0])) {
    const count = spec[1];
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
      throw new RangeError(`struct: field "${name}": array length must be an integer from 1 to ${MAX_COUNT}, got ${describe(count)}`);
    }
    return { type: spec[0] as ScalarType, count, isArray: true };
  }
  throw new TypeError(
    `struct: field "${name}" has type ${describe(spec)}; expected one of ${KIND_NAMES.join(' ')} or [type, count] such as ['u8', 4]`);
}

const roundUp = (n: number, a: number): number => Math.ceil(n / a) * a;
