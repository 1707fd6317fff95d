// Argument checks for the public API. Hot paths test arguments inline with one comparison and
// call these (cold) only to build the error.

import * as abi from './abi.js';
import { InvalidPointerError } from './errors.js';
import type { HeapOptions } from './heap.js';
import type { TypedArrayConstructor } from './views.js';

const DEFAULT_INITIAL = 1 << 20;
const DEFAULT_MAXIMUM = 1 << 30;

export function validAlign(align: number): boolean {
  return (align >>> 0) === align && align !== 0 && (align & (align - 1)) === 0 && align <= abi.MAX_ALIGN;
}

export function badRequest(call: string, bytes: number, align: number): never {
  if (typeof bytes !== 'number') throw new TypeError(`${call}: size must be a number, got ${typeof bytes} ${String(bytes)}`);
  if ((bytes >>> 0) !== bytes) {
    throw new RangeError(`${call}(${bytes}): size must be an integer from 0 to ${abi.MAX_REQUEST}`);
  }
  if (typeof align !== 'number') throw new TypeError(`${call}: alignment must be a number, got ${typeof align}`);
  throw new RangeError(`${call}(${bytes}, ${align}): alignment must be a power of two from 1 to ${abi.MAX_ALIGN}`);
}

export function badLength(call: string, Ctor: TypedArrayConstructor, length: number): never {
  throw new RangeError(`${call}(${Ctor.name}, ${length}): length must be an integer and fit in ${abi.MAX_REQUEST} bytes`);
}

export function checkPointer(call: string, p: number): void {
  if (typeof p !== 'number') throw new TypeError(`${call}: expected an address (number), got ${typeof p}`);
  if ((p >>> 0) !== p) throw new InvalidPointerError(`${call}(${p}): not an address (must be an integer from 0 to 2^32-1)`, 0);
}

export function elementSize(Ctor: TypedArrayConstructor): number {
  const n = (Ctor as { BYTES_PER_ELEMENT?: unknown } | undefined)?.BYTES_PER_ELEMENT;
  if (typeof n !== 'number') throw new TypeError(`allocArray: expected a TypedArray constructor, got ${String(Ctor)}`);
  return n;
}

/** initialBytes/maximumBytes → page counts, with the same checks everywhere. */
export function checkOptions(o: HeapOptions): [number, number] {
  const pages = (name: string, v: number | undefined, dflt: number): number => {
    const b = v ?? dflt;
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 65535 * abi.PAGE) {
      throw new RangeError(`new Heap(): ${name} must be an integer from 0 to ${65535 * abi.PAGE}, got ${String(v)}`);
    }
    return Math.max(1, Math.ceil(b / abi.PAGE));
  };
  const maximum = pages('maximumBytes', o.maximumBytes, Math.max(DEFAULT_MAXIMUM, o.initialBytes ?? 0));
  const initial = pages('initialBytes', o.initialBytes, Math.min(DEFAULT_INITIAL, maximum * abi.PAGE));
  if (initial > maximum) {
    throw new RangeError(`new Heap(): initialBytes (${o.initialBytes}) exceeds maximumBytes (${o.maximumBytes})`);
  }
  return [initial, maximum];
}
