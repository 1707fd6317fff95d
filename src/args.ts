// Argument checks for the public API. Hot paths test arguments inline with one comparison and
// call these (cold) only to build the error; every message names the call and the value.

import * as L from './layout.js';
import type { TypedArrayConstructor } from './views.js';

/** A value as it should appear in an error message, without running user code (no toString). */
export function show(v: unknown): string {
  switch (typeof v) {
    case 'bigint': return `${v}n`;
    case 'string': return JSON.stringify(v);
    case 'symbol': return v.toString();
    case 'function': return `function ${(v as { name?: string }).name || '(anonymous)'}`;
    case 'object': return v === null ? 'null' : Object.prototype.toString.call(v);
    default: return String(v);
  }
}

export function validAlign(align: unknown): boolean {
  return typeof align === 'number' && (align >>> 0) === align && align !== 0 && (align & (align - 1)) === 0 && align <= L.MAX_ALIGN;
}

/** Throws the TypeError or RangeError for a bad size (`what`: "size", "length", …) of `call`. */
export function badSize(call: string, value: unknown, what = 'size'): never {
  if (typeof value !== 'number') throw new TypeError(`${call}: ${what} must be a number, got ${typeof value} ${show(value)}`);
  throw new RangeError(`${call}: ${what} must be an integer from 0 to ${0xffffffff}, got ${show(value)}`);
}

/** Throws for a bad alignment of `call`. */
export function badAlign(call: string, align: unknown): never {
  if (typeof align !== 'number') throw new TypeError(`${call}: alignment must be a number, got ${typeof align} ${show(align)}`);
  throw new RangeError(`${call}: alignment must be a power of two from 1 to ${L.MAX_ALIGN}, got ${show(align)}`);
}

/** Checks a (size, alignment) request of `call`. */
export function checkRequest(call: string, bytes: unknown, align: unknown): void {
  if (typeof bytes !== 'number' || (bytes >>> 0) !== bytes) badSize(call, bytes);
  if (align !== 8 && !validAlign(align)) badAlign(call, align);
}

/** Checks that `p` can be an address (a u32) for `call`. */
export function checkAddress(call: string, p: unknown): asserts p is number {
  if (typeof p !== 'number') throw new TypeError(`${call}: expected an address (number), got ${typeof p} ${show(p)}`);
  if ((p >>> 0) !== p) throw new RangeError(`${call}: an address is an integer from 0 to ${0xffffffff}, got ${show(p)}`);
}

/** %TypedArray%.prototype: every TypedArray constructor's prototype (and its subclasses') inherits it. */
const TYPED_PROTO = Object.getPrototypeOf(Int8Array.prototype) as object;

/** BYTES_PER_ELEMENT of a TypedArray constructor (or a subclass of one), or a TypeError naming `call`. */
export function elementSize(call: string, Ctor: unknown): number {
  const n = typeof Ctor === 'function' ? (Ctor as { BYTES_PER_ELEMENT?: unknown }).BYTES_PER_ELEMENT : undefined;
  if (typeof n !== 'number' || !Object.prototype.isPrototypeOf.call(TYPED_PROTO, (Ctor as TypedArrayConstructor).prototype)) {
    throw new TypeError(`${call}: expected a TypedArray constructor such as Float32Array, got ${show(Ctor)}`);
  }
  return n;
}

/** Options of `new Heap()` as page counts, checked. */
export function pagesOf(call: string, name: string, value: unknown, fallback: number): number {
  const b = value ?? fallback;
  if (typeof b !== 'number') throw new TypeError(`${call}: ${name} must be a number of bytes, got ${show(value)}`);
  if (!Number.isInteger(b) || b < 0 || b > L.MAX_PAGES * L.PAGE) {
    throw new RangeError(`${call}: ${name} must be an integer from 0 to ${L.MAX_PAGES * L.PAGE}, got ${show(value)}`);
  }
  return Math.max(1, Math.ceil(b / L.PAGE));
}
