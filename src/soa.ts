// heap.soa(Type, capacity): a struct-of-arrays table in the heap, one typed-array column per
// field (`t.x[row]`), rows kept dense so a loop over 0 … length-1 touches only live rows.
//
// Memory: ONE heap block holds all the columns, each starting on a 16-byte boundary:
//
//   block ─► [ x: f32 × capacity | pad ][ y: f32 × capacity | pad ] … [ color: u8 × 4·capacity | pad ]
//
// Why one block rather than one per column: one alloc and one free per growth instead of one per
// field, one block header, and a wasm kernel can be handed the whole table as addresses into one
// region. 16-byte column starts suit v128 loads in wasm kernels and cost at most 15 bytes a
// column. The cost: growth must copy every column to its new place (it would anyway when a block
// moves).
//
// Growth rule for column views (what `t.x` returns):
//   - a view spans `capacity` rows and stays valid while the table's `version` is unchanged;
//   - `add()` past capacity (or `reserve()`) moves the table to a bigger block: new views, old
//     ones now point into freed memory;
//   - a growth of the heap's memory (any alloc on the heap) detaches views of a non-shared,
//     non-resizable memory: reading `t.x` or `t.version` afterwards re-makes them.
//   Either way `version` changes. A hot loop takes the columns once, and compares `t.version`
//   (a field read plus the heap's generation check) wherever something may have grown.

import { HeapError, OutOfMemoryError } from './errors.js';
import { hex } from './faults.js';
import type { Heap } from './heap.js';
import { KIND_ARRAYS, describe } from './kinds.js';
import { aliasDispose } from './scope.js';
import { StructType, type ArrayOf, type ElementOf, type Schema } from './struct.js';

type Column = InstanceType<(typeof KIND_ARRAYS)[number]>;

/** Columns start on this boundary (see above). */
const COLUMN_ALIGN = 16;
/** First capacity a table grows to from 0. */
const MIN_GROWTH = 16;
const MAX_BLOCK = 0xffff_ffff;

const roundUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/**
 * A struct-of-arrays table: `t.x` is a typed array over the heap with one element per row
 * (`t.color` has `count` per row: row r's elements are `color[r*4 … r*4+3]`).
 *
 * ```ts
 * const t = heap.soa(Particle, 1024);
 * const r = t.add();                       // → row index; fields are not cleared
 * t.x[r] = 1; t.color[r * 4] = 255;
 * let { x, vx } = t, v = t.version;        // take the columns once…
 * for (let i = 0; i < t.length; i++) x[i] += vx[i] * dt;
 * if (t.version !== v) ({ x, vx } = t);    // …and re-take them when they moved
 * t.remove(r);                             // O(1): the last row moves into r
 * t.dispose();
 * ```
 */
export class Soa<S extends Schema = Schema> {
  readonly heap: Heap;
  readonly type: StructType<S>;
  /** @internal Address of the block holding every column (0: none yet, or disposed). */
  _block = 0;
  /** @internal */ _cap = 0;
  /** @internal */ _len = 0;
  /** @internal */ _version = 0;
  /** @internal The heap's generation when the views were made (-1: disposed, never matches). */
  _gen = 0;
  /** @internal One view per field, over `capacity` rows. */
  _cols: Column[] = [];
  /** @internal Per column: address in units, unit bytes (1, 2, 4), units per row — for remove(). */
  readonly _at: number[];
  readonly _unit: number[];
  readonly _rowUnits: number[];
  /** @internal Whole-memory views for the row copy of remove(), taken with the columns. */
  _m8: Uint8Array;
  _m16: Uint16Array;
  _m32: Uint32Array;

  /** @internal Use `heap.soa(Type, capacity)`. */
  constructor(heap: Heap, type: StructType<S>, capacity: number) {
    this.heap = heap;
    this.type = type;
    // Rows are copied as raw bits (never through Float32Array/Float64Array, which could change
    // NaN payloads): in units of the element size, capped at 4 bytes.
    this._unit = type.fields.map((f) => Math.min(f.bytes, 4));
    this._rowUnits = type.fields.map((f, k) => (f.bytes * f.count) / this._unit[k]);
    this._at = type.fields.map(() => 0);
    this._m8 = heap.u8;
    this._m16 = heap.u16;
    this._m32 = heap.u32;
    if (capacity > 0) this.grow(capacity, true, `heap.soa(…, ${capacity})`, true);
    else this.views();
  }

  /** Number of rows. Rows are 0 … length-1. */
  get length(): number {
    return this._len;
  }

  /** Rows the columns can hold before the next growth. */
  get capacity(): number {
    return this._cap;
  }

  /**
   * Changes whenever the column views are re-made (table growth, heap memory growth): views
   * taken while it had one value are valid as long as it keeps it. Cheap: a field read and the
   * heap's generation check.
   */
  get version(): number {
    if (this._gen !== this.heap.generation) this.sync();
    return this._version;
  }

  /** Address of the block that holds the columns (changes with `version`). */
  get address(): number {
    return this._block;
  }

  /** True once dispose() has run. */
  get disposed(): boolean {
    return this._gen === -1;
  }

  /**
   * Appends a row and returns its index; grows the table (doubling) when full, which throws
   * OutOfMemoryError if the heap cannot. The row's fields hold whatever was there before.
   * Allocates nothing unless it grows the table (then a heap block and one view per column).
   */
  add(): number {
    const row = this._len;
    if (row === this._cap) this.grow(row + 1, true, 'soa.add()');
    this._len = row + 1;
    return row;
  }

  /**
   * Like add(), but returns -1 instead of throwing when the heap is full. For real-time code:
   * `reserve()` up front so that it never grows, and it is two field updates.
   */
  tryAdd(): number {
    const row = this._len;
    if (row === this._cap && !this.grow(row + 1, false, 'soa.tryAdd()')) return -1;
    this._len = row + 1;
    return row;
  }

  /**
   * Removes `row` in O(1): the last row is copied into its place. Returns the index the moved
   * row had (`length` after the call); equal to `row` when `row` was the last. Row indices held
   * elsewhere for that last row must be updated. Throws RangeError for a row ≥ length (one
   * removed already, or never added). No allocation: copies one row, column by column.
   */
  remove(row: number): number {
    const last = this._len - 1;
    if ((row >>> 0) !== row || row > last) this.badRow('remove', row);
    if (row !== last) this.copyRow(last, row);
    this._len = last;
    return last;
  }

  /** Removes every row (O(1); the memory stays). */
  clear(): void {
    if (this._gen === -1) this.disposedError('clear');
    this._len = 0;
  }

  /** Grows the columns to hold at least `capacity` rows now (one move instead of several). */
  reserve(capacity: number): void {
    if ((capacity >>> 0) !== capacity) {
      throw new RangeError(`soa.reserve(${describe(capacity)}): capacity must be an integer from 0 to 2^32-1`);
    }
    if (capacity > this._cap) this.grow(capacity, true, `soa.reserve(${capacity})`, true);
    else if (this._gen === -1) this.disposedError('reserve');
  }

  /** Byte address of column `field` (for wasm kernels; changes with `version`). */
  addressOf(field: keyof S & string): number {
    const k = this.type.fields.findIndex((f) => f.name === field);
    if (k < 0) {
      throw new TypeError(`soa.addressOf(${describe(field)}): no such field; fields: ${this.type.fields.map((f) => f.name).join(', ')}`);
    }
    if (this._gen === -1) this.disposedError('addressOf');
    return this._block === 0 ? 0 : this._at[k] * this._unit[k];
  }

  /** Frees the table's block; the table cannot be used afterwards. */
  dispose(): void {
    if (this._gen === -1) return;
    const block = this._block;
    this._block = 0;
    this._cap = 0;
    this._len = 0;
    this._gen = -1;
    this._cols = this.type.fields.map((_, k) => new KIND_ARRAYS[this.type._kinds[k]](0));
    if (block !== 0) this.heap.free(block);
  }

  // ── Slow paths ────────────────────────────────────────────────────────────────────────────

  /** @internal Column view `k`, re-made first if the heap's memory grew. */
  _column(k: number): Column {
    if (this._gen !== this.heap.generation) this.sync();
    return this._cols[k];
  }

  /** Re-makes the views after a growth of the heap's memory (same block). */
  private sync(): void {
    if (this._gen === -1) this.disposedError('columns');
    this.views();
  }

  /** Makes the column views over the current memory, and bumps `version`. */
  private views(): void {
    const h = this.heap;
    const fields = this.type.fields;
    this._m8 = h.u8;
    this._m16 = h.u16;
    this._m32 = h.u32;
    this._gen = h.generation;
    const buffer = this._m8.buffer;
    let p = this._block;
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k];
      this._at[k] = p / this._unit[k];
      this._cols[k] = new KIND_ARRAYS[this.type._kinds[k]](buffer as ArrayBuffer, p, this._cap * f.count);
      p += roundUp(this._cap * f.count * f.bytes, COLUMN_ALIGN);
    }
    this._version++;
  }

  /** Bytes of a block for `capacity` rows. */
  private bytesFor(capacity: number): number {
    let bytes = 0;
    for (const f of this.type.fields) bytes += roundUp(capacity * f.count * f.bytes, COLUMN_ALIGN);
    return bytes;
  }

  /**
   * Moves the table to a block for at least `need` rows (double the capacity, at least 16, or
   * exactly `need` when `exact`), copying the live rows. Returns false when `!throwing` and the
   * heap is full.
   */
  private grow(need: number, throwing: boolean, call: string, exact = false): boolean {
    if (this._gen === -1) this.disposedError(call);
    const cap = exact ? need : Math.max(need, this._cap * 2, MIN_GROWTH);
    const bytes = this.bytesFor(cap);
    if (bytes > MAX_BLOCK) {
      if (!throwing) return false;
      throw new OutOfMemoryError(`${call}: ${cap} rows of ${this.type.size} bytes need ${bytes} bytes, more than a heap can hold`);
    }
    const block = throwing ? this.heap.alloc(bytes, COLUMN_ALIGN) : this.heap.tryAlloc(bytes, COLUMN_ALIGN);
    if (block === 0) return false;
    // Copy each column's live rows to its place in the new block (blocks do not overlap).
    const u8 = this.heap.u8;
    let from = this._block;
    let to = block;
    for (const f of this.type.fields) {
      const rowBytes = f.count * f.bytes;
      if (this._len > 0) u8.copyWithin(to, from, from + this._len * rowBytes);
      from += roundUp(this._cap * rowBytes, COLUMN_ALIGN);
      to += roundUp(cap * rowBytes, COLUMN_ALIGN);
    }
    const old = this._block;
    this._block = block;
    this._cap = cap;
    if (old !== 0) this.heap.free(old);
    this.views();
    return true;
  }

  /** Copies row `from` over row `to`, column by column, as raw bits. */
  private copyRow(from: number, to: number): void {
    if (this._gen !== this.heap.generation) this.sync();
    const n = this._at.length;
    for (let k = 0; k < n; k++) {
      const w = this._rowUnits[k];
      const s = this._at[k] + from * w;
      const d = this._at[k] + to * w;
      const unit = this._unit[k];
      if (unit === 4) {
        const m = this._m32;
        for (let j = 0; j < w; j++) m[d + j] = m[s + j];
      } else if (unit === 2) {
        const m = this._m16;
        for (let j = 0; j < w; j++) m[d + j] = m[s + j];
      } else {
        const m = this._m8;
        for (let j = 0; j < w; j++) m[d + j] = m[s + j];
      }
    }
  }

  private badRow(call: string, row: unknown): never {
    if (this._gen === -1) this.disposedError(call);
    if (typeof row !== 'number') throw new TypeError(`soa.${call}(${describe(row)}): expected a row index (number)`);
    throw new RangeError(
      `soa.${call}(${describe(row)}): no such row (length ${this._len}, rows 0…${this._len - 1}); ` +
        'a removed row is gone: remove() moves the last row into its place');
  }

  private disposedError(call: string): never {
    throw new HeapError(`${call}: the SoA table was disposed`);
  }

  /** @internal For messages. */
  toString(): string {
    return `Soa(${this.type.fields.map((f) => f.name).join(', ')}; ${this._len}/${this._cap} rows at ${hex(this._block)})`;
  }
}

// `using t = heap.soa(…)`: [Symbol.dispose] in the published types, through declaration merging.
export interface Soa<S extends Schema = Schema> {
  /** Same as dispose(). */
  [Symbol.dispose](): void;
}
aliasDispose(Soa.prototype);

/** A table of schema `S`: the Soa members plus one typed-array column per field. */
export type SoaTable<S extends Schema> = Soa<S> & { readonly [K in keyof S]: ArrayOf<ElementOf<S[K]>> };

const tableClasses = new WeakMap<StructType, new (heap: Heap, type: StructType, capacity: number) => Soa>();

/** `heap.soa(Type, capacity)`: checks the arguments, makes (once per type) the table class, then the table. */
export function createSoa<S extends Schema>(heap: Heap, type: StructType<S>, capacity: number): SoaTable<S> {
  if (!(type instanceof StructType)) throw new TypeError(`heap.soa(${describe(type)}, …): expected a type made by struct()`);
  if ((capacity >>> 0) !== capacity) {
    throw new RangeError(`heap.soa(…, ${describe(capacity)}): capacity must be an integer from 0 to 2^32-1`);
  }
  let C = tableClasses.get(type as StructType);
  if (!C) {
    const T = class extends Soa {};
    type.fields.forEach((f, k) => {
      Object.defineProperty(T.prototype, f.name, {
        get(this: Soa) {
          return this._column(k);
        },
        enumerable: true,
        configurable: false,
      });
    });
    C = T;
    tableClasses.set(type as StructType, C);
  }
  return new C(heap, type as StructType, capacity) as unknown as SoaTable<S>;
}
