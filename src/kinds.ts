// The scalar field types of struct(), as a table every struct module indexes the same way.

/** The scalar field types: unsigned/signed integers of 8–64 bits and 32/64-bit floats. */
export type ScalarType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64' | 'u64' | 'i64';

/** The kinds in table order: a field's "kind" is its index here. */
export const KIND_NAMES: readonly ScalarType[] = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'f32', 'f64', 'u64', 'i64'];
/** Bytes per element of each kind (also its alignment). */
export const KIND_BYTES: readonly number[] = [1, 1, 2, 2, 4, 4, 4, 8, 8, 8];
/** The typed array constructor of each kind. */
export const KIND_ARRAYS = [
  Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array, BigUint64Array, BigInt64Array,
] as const;

/** A short printable form of any value, for error messages. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `[${v.map(describe).join(', ')}]`;
  if (typeof v === 'function') return `function ${v.name}`;
  if (v !== null && typeof v === 'object') return Object.prototype.toString.call(v);
  return String(v);
}
