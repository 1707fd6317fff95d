// Arena scopes: give back everything a block of code allocated from an arena, in O(1) and
// without making any garbage.
//
//   arena.scope((a) => { … a.alloc(n) … })     mark, run, reset to the mark (also on a throw)
//   { using f = arena.frame(); … }             the same with `using` (native in Node ≥ 24 and
//                                              current browsers; TypeScript can lower it)
//
// frame() hands out one cached Frame object per nesting depth: entering stores the arena's mark
// in the Frame for that depth, disposing resets the arena to it. Nothing is allocated per scope
// (a Frame is made the first time a depth is reached, then reused), so a scope costs one mark()
// and one reset(). This file needs only `mark()` and `reset(mark)` from the arena.

import { HeapError } from './errors.js';

/** What scopes need from an arena. */
export interface Markable {
  /** The current top, to pass to reset(). */
  mark(): number;
  /** Frees everything allocated after `mark`. */
  reset(mark?: number): void;
}

/**
 * Runs `fn(arena)` and then frees everything it allocated from `arena` (also when it throws);
 * returns what `fn` returns. Allocates nothing itself (make `fn` once, outside the hot loop, if
 * the closure would capture changing variables).
 */
export function runScope<A extends Markable, R>(arena: A, fn: (arena: A) => R): R {
  if (typeof fn !== 'function') throw new TypeError(`arena.scope(${String(fn)}): expected a function`);
  const mark = arena.mark();
  try {
    return fn(arena);
  } finally {
    arena.reset(mark);
  }
}

/**
 * A scope on an arena, made by `arena.frame()`: disposing it (`using`, or `dispose()` in a
 * `finally`) frees everything allocated from the arena since the frame was made.
 *
 * ```ts
 * {
 *   using f = arena.frame();
 *   const tmp = arena.alloc(256);      // freed at the end of the block
 * }
 * const f = arena.frame();             // without `using`
 * try { … } finally { f.dispose(); }
 * ```
 *
 * Frames are reused: `frame()` returns the same object for the same nesting depth, so do not
 * keep one after its scope. Frames nest; disposing an outer frame first also closes the inner
 * ones. Real-time safe: makes no garbage, never blocks, callable from any thread that may use
 * the arena.
 */
export class Frame {
  /** Nesting depth of this frame: 0 for the outermost. */
  readonly depth: number;
  /** @internal */ readonly _stack: FrameStack;
  /** @internal The arena's mark when the frame was entered. */
  _mark = 0;

  /** @internal Made by FrameStack. */
  constructor(stack: FrameStack, depth: number) {
    this._stack = stack;
    this.depth = depth;
  }

  /** Frees everything allocated from the arena since this frame was made, and closes it. */
  dispose(): void {
    const s = this._stack;
    // depth < open: this frame is open (inner frames still open are closed with it).
    if (this.depth >= s._open) {
      throw new HeapError(`frame.dispose(): the frame at depth ${this.depth} is already closed (frames are reused: do not keep one past its scope)`);
    }
    s._open = this.depth;
    s._arena.reset(this._mark);
  }
}

// `[Symbol.dispose]` in the published types, on the class through declaration merging.
export interface Frame {
  /** Same as dispose(): `using f = arena.frame()` calls it at the end of the block. */
  [Symbol.dispose](): void;
}

/** @internal The frames of one arena: Frame objects by depth, and how many are open. */
export class FrameStack {
  readonly _arena: Markable;
  readonly _frames: Frame[] = [];
  _open = 0;

  constructor(arena: Markable) {
    this._arena = arena;
  }

  /** Opens a frame at the next depth (arena.frame()). */
  enter(): Frame {
    const depth = this._open;
    const f = depth < this._frames.length ? this._frames[depth] : this.deeper();
    f._mark = this._arena.mark();
    this._open = depth + 1;
    return f;
  }

  private deeper(): Frame {
    const f = new Frame(this, this._frames.length);
    this._frames.push(f);
    return f;
  }
}

/**
 * Makes `dispose` answer to `Symbol.dispose` too, where the engine has the symbol (Safari has
 * not): a library without side effects must not install a global polyfill.
 */
export function aliasDispose(proto: { dispose(): void }): void {
  const symbol = (Symbol as { dispose?: symbol }).dispose;
  if (typeof symbol === 'symbol') {
    Object.defineProperty(proto, symbol, { value: proto.dispose, writable: true, configurable: true });
  }
}

aliasDispose(Frame.prototype);
