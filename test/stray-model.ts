// Bookkeeping for the stray-write fuzzer (test/stray.ts): a seeded random source (a failing run
// replays from its seed), sets of disjoint address ranges (which memory is whose), and stamps
// (every byte of a live block holds a pattern derived from its id, so a block handed out twice,
// or allocator metadata written over user memory, shows up as a changed byte).

import type { Heap } from '../src/index.js';
import type { Arena } from '../src/arena.js';
import type { Pool } from '../src/pool.js';

export type Build = 'release' | 'debug' | 'shared' | 'profile';

/** A live block, arena allocation or pool slot: `n` bytes at p, stamped with `id`. */
export interface Held {
  p: number;
  n: number;
  id: number;
  align: number;
  owner: Heap;
  /** Set when the block came from allocArray (freed through the view while it is attached). */
  view?: ArrayBufferView;
}

export interface ArenaRec {
  arena: Arena;
  owner: Heap;
  /** First byte handed out, and the end of the region (from the arena's own fields). */
  base: number;
  end: number;
  allocs: Held[];
  marks: { at: number; count: number }[];
}

export interface PoolRec {
  pool: Pool;
  owner: Heap;
  slabs: Set<number>;
  stack: number;
  stackBytes: number;
  slotBytes: number;
  first: number;
  perSlab: number;
  slabBytes: number;
  live: Map<number, Held>;
  /** Slots whose first word the "user" never writes (a free slot's position word survives there). */
  lazy: Set<number>;
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG): 128 bits of state, deterministic. */
export class Rng {
  private a = 0x9e3779b9;
  private b = 0x243f6a88;
  private c = 0xb7e15162;
  private d: number;

  constructor(seed: number) {
    this.d = seed | 0;
    for (let i = 0; i < 16; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in [0, n), n ≤ 2^32. */
  below(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.u32() < p * 0x1_0000_0000;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  /** An index into `weights`, drawn in proportion to them. */
  weighted(weights: readonly number[], total: number): number {
    let r = this.below(total);
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}

/** Disjoint [start, end) address ranges, each with a name, sorted by start. */
export class Ranges {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly names: string[] = [];

  get size(): number {
    return this.starts.length;
  }

  /** The name of a range that overlaps [a, b), or undefined. */
  overlap(a: number, b: number): string | undefined {
    // Disjoint ranges sorted by start are sorted by end too: only the last one starting before b can reach a.
    const i = this.lastBefore(b);
    return i >= 0 && this.ends[i] > a ? `${this.names[i]} [0x${this.starts[i].toString(16)}, 0x${this.ends[i].toString(16)})` : undefined;
  }

  add(a: number, b: number, name: string): void {
    const i = this.lastBefore(b) + 1;
    this.starts.splice(i, 0, a);
    this.ends.splice(i, 0, b);
    this.names.splice(i, 0, name);
  }

  /** Removes the range that starts at `a` (true when there was one). */
  remove(a: number): boolean {
    const i = this.lastBefore(a + 1);
    if (i < 0 || this.starts[i] !== a) return false;
    this.starts.splice(i, 1);
    this.ends.splice(i, 1);
    this.names.splice(i, 1);
    return true;
  }

  /** Index of the last range whose start is below `x`, or -1. */
  private lastBefore(x: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}

// Byte i of a block stamped with id s is (s + 31·i) mod 256: 31 is invertible mod 256, so that is
// PATTERN[i + offset(s)], and stamping and comparing run at memcpy / memcmp speed.
// Heaps in the fuzzer stay within 8 MiB: so does every block.
const MAX_STAMP = (8 << 20) + 64;
const PATTERN = new Uint8Array(MAX_STAMP + 256);
for (let j = 0; j < PATTERN.length; j++) PATTERN[j] = (31 * j) & 0xff;
const offsetOf = (id: number): number => ((id & 0xff) * 223) & 0xff; // 31 · 223 ≡ 1 (mod 256)

/** Writes the stamp of `id` over bytes [from, to) of the block at p (offsets from p). */
export function stamp(u8: Uint8Array, p: number, id: number, from: number, to: number): void {
  const o = offsetOf(id);
  u8.set(PATTERN.subarray(o + from, o + to), p + from);
}

/** The first offset in [from, to) of the block at p that does not hold the stamp of `id`, or -1. */
export function stampBroken(u8: Uint8Array, p: number, id: number, from: number, to: number): number {
  if (to <= from) return -1;
  const o = offsetOf(id);
  const a = new Uint8Array(u8.buffer, u8.byteOffset + p + from, to - from);
  const b = PATTERN.subarray(o + from, o + to);
  if (to - from > 32 && Buffer.compare(a, b) === 0) return -1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return from + i;
  return -1;
}

const ZERO = new Uint8Array(MAX_STAMP);

/** The first offset of [p, p + n) whose byte is not 0, or -1. */
export function firstNonZero(u8: Uint8Array, p: number, n: number): number {
  const a = new Uint8Array(u8.buffer, u8.byteOffset + p, n);
  if (n > 32 && Buffer.compare(a, ZERO.subarray(0, n)) === 0) return -1;
  for (let i = 0; i < n; i++) if (a[i] !== 0) return i;
  return -1;
}

/** The stamp byte of `id` at offset i (for messages). */
export const stampByte = (id: number, i: number): number => PATTERN[offsetOf(id) + i];

export const hex = (n: number): string => '0x' + (n >>> 0).toString(16);
