// class Arena: bump allocation on one block of the heap. alloc moves a cursor that lives in
// linear memory, in a few lines of JavaScript (no wasm call, no garbage); mark/reset roll it back
// in O(1); dispose returns the block to the heap. Layout of the arena's header: assembly/layout.ts.

import * as L from './layout.js';
import { validAlign, badSize, badAlign, checkAddress, elementSize } from './args.js';
import { HeapCorruptionError, OutOfMemoryError } from './errors.js';
import { hex } from './faults.js';
import { disposable } from './dispose.js';
import type { Heap } from './heap.js';
import { FrameStack, runScope, type Frame } from './scope.js';
import type { TypedArrayConstructor, TypedArrayOf, Views } from './views.js';

/** The key that guards an arena's cursor (assembly/layout.ts). */
export const arenaKey = (a: number, secret: number): number => Math.imul(a ^ secret, L.GOLDEN2) >>> 0;

/**
 * The guard word of cursor `cur`: x = cur ^ key, guard = imul(x ^ (x >>> 16), GOLDEN). Not
 * cur ^ key: there, one bit flipped (or a small add) in the cursor and the same in the guard
 * cancel out, and the arena hands out memory it handed out before. Here a flipped bit or a
 * small add in the cursor changes several bits of its guard. Not 0 for cur 0 with key 1 (a
 * disposed arena reads the null guard's zero words).
 */
export const arenaGuard = (cur: number, key: number): number => {
  const x = cur ^ key;
  return Math.imul(x ^ (x >>> 16), L.GOLDEN) >>> 0;
};

/**
 * A bump arena: frame or scratch memory carved from a heap as one block. Arenas are
 * thread-private: use an arena only on the thread (Heap object) that made it.
 *
 * ```ts
 * const frame = heap.arena(64 * 1024);
 * const tmp = frame.alloc(512);                 // a cursor bump in JavaScript: O(1), no garbage
 * const m = frame.mark(); … frame.reset(m);     // drop everything allocated after the mark
 * frame.reset();                                // drop everything
 * frame.dispose();                              // give the block back to the heap
 * ```
 */
export class Arena {
  readonly heap: Heap;
  /** Address of the arena's header (0 once disposed). */
  private _a: number;
  /** Word index of the cursor (the guard follows it). */
  private _w: number;
  private _key: number;
  private readonly _base: number;
  private _end: number;
  private readonly _v: Views;
  private _frames: FrameStack | undefined = undefined;

  /** @internal Made by `heap.arena(bytes)` from a block of KIND_ARENA at `a`. */
  constructor(heap: Heap, a: number) {
    const v = heap._v;
    const size = (v.u32[(a - L.HEADER) >>> 2] & ~L.TAGS) >>> 0;
    this.heap = heap;
    this._v = v;
    this._a = a;
    this._w = (a + L.ARENA_CURSOR) >>> 2;
    this._key = arenaKey(a, heap._s);
    this._base = a + L.ARENA_HEADER;
    this._end = a - L.HEADER + size - (heap._over - 7 - L.HEADER);
    const m = v.u32;
    m[this._w] = this._base;
    m[this._w + 1] = arenaGuard(this._base, this._key);
    m[(a + L.ARENA_END) >>> 2] = this._end;
    m[(a + L.ARENA_OWNER) >>> 2] = heap._c;
  }

  /** Allocates `bytes` bytes aligned to `align` (a power of two, default 8); throws OutOfMemoryError when full. */
  alloc(bytes: number, align = 8): number {
    const p = this.tryAlloc(bytes, align);
    if (p === 0) throw new OutOfMemoryError(`arena.alloc(${bytes}${align !== 8 ? `, ${align}` : ''}): arena full (${this.used} of ${this.capacity} bytes used)`);
    return p;
  }

  /**
   * Like alloc, but returns 0 when the arena is full (for real-time code).
   * Real-time: no wasm call, no garbage, never blocks; call it on the arena's own thread.
   */
  tryAlloc(bytes: number, align = 8): number {
    if (typeof bytes === 'number' && (bytes >>> 0) === bytes && (align === 8 || validAlign(align))) {
      const m = this._v.u32;
      const w = this._w;
      const cur = m[w];
      if (m[w + 1] === arenaGuard(cur, this._key)) {
        const p = ((cur + align - 1) & -align) >>> 0;
        const end = p + bytes;
        if (end > this._end) return 0;
        m[w] = end;
        m[w + 1] = arenaGuard(end, this._key);
        return p;
      }
    }
    return this._slow(bytes, align);
  }

  /** Allocates room for `length` elements and returns a view over it (the view is the one object made). */
  allocArray<C extends TypedArrayConstructor>(Ctor: C, length: number): TypedArrayOf<C> {
    const bpe = elementSize('arena.allocArray', Ctor);
    if (typeof length !== 'number' || (length >>> 0) !== length) badSize('arena.allocArray', length, 'length');
    const p = this.alloc(length * bpe, bpe > 8 ? bpe : 8);
    return this.heap.view(Ctor, p, length);
  }

  /**
   * Runs `fn(arena)`, then frees everything it allocated from this arena (also on a throw), and
   * returns what `fn` returned. No garbage. See also frame().
   *
   * ```ts
   * const sum = arena.scope((a) => { const tmp = a.allocArray(Float32Array, 64); … return s; });
   * ```
   */
  scope<R>(fn: (arena: Arena) => R): R {
    return runScope(this, fn);
  }

  /**
   * Opens a scope that `using` (or `dispose()`) closes: everything allocated from this arena
   * until then is freed. The Frame object is reused (one per nesting depth): no garbage.
   *
   * ```ts
   * { using f = arena.frame(); const tmp = arena.alloc(256); }   // tmp freed here
   * ```
   */
  frame(): Frame {
    return (this._frames ??= new FrameStack(this)).enter();
  }

  /** The current cursor: pass it to reset() to free everything allocated after this point. */
  mark(): number {
    return this._cursor('arena.mark');
  }

  /** Frees everything allocated after `mark` (default: everything). O(1), no wasm call. */
  reset(mark?: number): void {
    const cur = this._cursor('arena.reset');
    const m = mark ?? this._base;
    if (mark !== undefined) checkAddress('arena.reset', mark);
    if (m < this._base || m > cur) {
      throw new RangeError(`arena.reset(${hex(m)}): not a mark of this arena (outside ${hex(this._base)}…${hex(cur)})`);
    }
    const v = this._v.u32;
    v[this._w] = m;
    v[this._w + 1] = arenaGuard(m, this._key);
  }

  /** Bytes handed out since the last reset (alignment padding included). */
  get used(): number {
    return this._cursor('arena.used') - this._base;
  }

  /** Total bytes the arena can hand out. */
  get capacity(): number {
    return this._end - this._base;
  }

  /** Address of the arena's header (its block in the heap). */
  get address(): number {
    return this._a;
  }

  /** True once dispose() has run. */
  get disposed(): boolean {
    return this._a === 0;
  }

  /** Returns the arena's block to the heap; the arena cannot be used afterwards. */
  dispose(): void {
    if (this._a === 0) return;
    const a = this._a;
    this._cursor('arena.dispose');
    this._a = 0;
    this._w = 0; // the null guard's words: zero, and the guard key below never matches them
    this._key = 1;
    this._end = 0;
    this.heap._releaseBlock(a, L.KIND_ARENA, `arena.dispose() of ${hex(a)}`);
  }

  /** The cursor, checked against its guard. */
  private _cursor(call: string): number {
    if (this._a === 0) throw new TypeError(`${call}: the arena was disposed`);
    const m = this._v.u32;
    const cur = m[this._w];
    if (m[this._w + 1] !== arenaGuard(cur, this._key) || cur < this._base || cur > this._end) {
      throw new HeapCorruptionError(`${call}: the arena at ${hex(this._a)} is damaged: its cursor ${hex(cur)} does not match its guard`, this._a);
    }
    return cur;
  }

  /** The slow path of tryAlloc: the error for bad arguments, a disposed arena or a damaged cursor. */
  private _slow(bytes: number, align: number): number {
    if (typeof bytes !== 'number' || (bytes >>> 0) !== bytes) badSize('arena.alloc', bytes);
    if (align !== 8 && !validAlign(align)) badAlign('arena.alloc', align);
    this._cursor('arena.alloc');
    return this.tryAlloc(bytes, align);
  }
}

/** Checks the arena whose block is at b (`size` bytes, user pointer a = b + 8) for heap.check(). */
export function arenaFault(m: Uint32Array, a: number, size: number, overhead: number, secret: number): string | null {
  const w = a >>> 2;
  const cur = m[w];
  const end = m[w + 2];
  if (end !== a - L.HEADER + size - (overhead - L.HEADER)) return `its end word ${hex(end)} is not the end of its block`;
  if (m[w + 1] !== arenaGuard(cur, arenaKey(a, secret))) return `its cursor ${hex(cur)} does not match its guard`;
  if (cur < a + L.ARENA_HEADER || cur > end) return `its cursor ${hex(cur)} is outside the arena`;
  return null;
}

export interface Arena {
  /** `using frame = heap.arena(n)`: dispose() at the end of the scope (where the engine has Symbol.dispose). */
  [Symbol.dispose](): void;
}

disposable(Arena);
