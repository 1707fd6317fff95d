// class Arena: bump allocation on a region of the heap. alloc moves a cursor (one wasm call, no
// garbage); mark/reset roll it back in O(1); dispose returns the region to the heap.

import { validAlign } from './args.js';
import { HeapError, OutOfMemoryError } from './errors.js';
import { hex } from './faults.js';
import type { Heap } from './heap.js';
import { FrameStack, runScope, type Frame } from './scope.js';
import type { TypedArrayConstructor, TypedArrayOf } from './views.js';
import type { Exports } from './wasm.js';

// Word offsets of the arena's state inside its region (assembly/arena.ts draws the layout).
const A_CURSOR = 0;
const A_END = 1;
const A_BASE = 2;

/**
 * A bump arena: frame or scratch memory carved from a heap as one block.
 *
 * ```ts
 * const frame = heap.arena(64 * 1024);
 * const tmp = frame.alloc(512);                 // O(1), no garbage
 * const m = frame.mark(); … frame.reset(m);     // drop everything allocated after the mark
 * frame.reset();                                // drop everything
 * frame.dispose();                              // give the region back to the heap
 * ```
 */
export class Arena {
  readonly heap: Heap;
  private _a: number;
  private readonly _bump: Exports['arenaAlloc'];
  private _frames: FrameStack | undefined = undefined;

  /** @internal Made by `heap.arena(bytes)`. */
  constructor(heap: Heap, handle: number) {
    this.heap = heap;
    this._a = handle;
    this._bump = heap._x.arenaAlloc;
  }

  /** Allocates `bytes` bytes aligned to `align` (power of two, default 8); throws when full. */
  alloc(bytes: number, align = 8): number {
    const p = this.tryAlloc(bytes, align);
    if (p === 0) throw this.full(bytes, align);
    return p;
  }

  /** Like alloc, but returns 0 when the arena is full (for real-time code). */
  tryAlloc(bytes: number, align = 8): number {
    if ((bytes >>> 0) !== bytes || (align !== 8 && !validAlign(align))) {
      throw new RangeError(`arena.alloc(${bytes}, ${align}): size must be an integer ≥ 0, alignment a power of two ≤ 65536`);
    }
    const p = this._bump(this._a, bytes, align) >>> 0;
    if (p === 0 && this._a === 0) throw this.disposedError('alloc');
    return p;
  }

  /** Allocates room for `length` elements and returns a view over it (the view is garbage; the memory is not). */
  allocArray<C extends TypedArrayConstructor>(Ctor: C, length: number): TypedArrayOf<C> {
    const bpe = Ctor.BYTES_PER_ELEMENT;
    if ((length >>> 0) !== length) throw new RangeError(`arena.allocArray(${Ctor.name}, ${length}): length must be an integer ≥ 0`);
    const p = this.alloc(length * bpe, bpe > 8 ? bpe : 8);
    return this.heap.view(Ctor, p, length);
  }

  /** The current cursor: pass it to reset() to free everything allocated after this point. */
  mark(): number {
    return this.word(A_CURSOR);
  }

  /** Frees everything allocated after `mark` (default: everything). O(1). */
  reset(mark?: number): void {
    const m = mark ?? 0;
    if ((m >>> 0) !== m) throw new RangeError(`arena.reset(${String(mark)}): a mark is a number from arena.mark()`);
    if (this._a === 0) throw this.disposedError('reset');
    if (this.heap._x.arenaReset(this._a, m) !== 0) {
      throw new RangeError(`arena.reset(${hex(m)}): not a mark of this arena (outside ${hex(this.word(A_BASE))}…${hex(this.word(A_CURSOR))})`);
    }
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

  /** Bytes handed out since the last reset (alignment padding included). */
  get used(): number {
    return this.word(A_CURSOR) - this.word(A_BASE);
  }

  /** Total bytes the arena can hand out. */
  get capacity(): number {
    return this.word(A_END) - this.word(A_BASE);
  }

  /** True once dispose() has run. */
  get disposed(): boolean {
    return this._a === 0;
  }

  /** Returns the arena's region to the heap; the arena cannot be used afterwards. */
  dispose(): void {
    if (this._a === 0) return;
    const a = this._a;
    this._a = 0;
    this.heap.free(a);
  }

  private word(i: number): number {
    if (this._a === 0) throw this.disposedError('read');
    return this.heap._views().u32[(this._a >> 2) + i];
  }

  private full(bytes: number, align: number): Error {
    return new OutOfMemoryError(
      `arena.alloc(${bytes}${align !== 8 ? `, ${align}` : ''}): arena full (${this.used} of ${this.capacity} bytes used)`);
  }

  private disposedError(call: string): Error {
    return new HeapError(`arena.${call}: the arena was disposed`);
  }
}

// `using frame = heap.arena(n)` where the engine has Symbol.dispose (no global polyfill installed).
if (typeof Symbol === 'function' && typeof (Symbol as { dispose?: symbol }).dispose === 'symbol') {
  (Arena.prototype as unknown as Record<symbol, unknown>)[(Symbol as unknown as { dispose: symbol }).dispose] =
    Arena.prototype.dispose;
}
