/**
 * Errors thrown by wasm-arena. Every error names the call that failed and the value it failed on.
 * After InvalidPointerError and OutOfMemoryError the heap is unchanged and keeps working.
 * HeapCorruptionError reports damage to the heap's own structures (made by a stray write); the
 * call that found it changed nothing, and so will every later call that relies on the damaged
 * part, until `heap.check()` is clean again.
 *
 * Bad arguments (negative, NaN, non-integer or impossible sizes; alignments that are not a power
 * of two; values of the wrong type) throw the built-in `RangeError` / `TypeError`.
 */

/** Base class of the errors the heap reports about memory (not about argument types). */
export class HeapError extends Error {
  /** The address the error is about (0 when none). */
  readonly address: number;
  constructor(message: string, address = 0) {
    super(message);
    // Names are literals, not new.target.name: minifiers rename classes.
    this.name = 'HeapError';
    this.address = address >>> 0;
  }
}

/** The heap cannot satisfy the request: `maximumBytes` reached, or the engine refused to grow. */
export class OutOfMemoryError extends HeapError {
  constructor(message: string, address = 0) {
    super(message, address);
    this.name = 'OutOfMemoryError';
  }
}

/**
 * The pointer (or view) is not a live block of this heap, pool or arena: a double free, an
 * interior, misaligned or out-of-range pointer, a pointer from another heap or pool, a block of
 * another kind (an arena's region passed to `heap.free`), or a view that does not own a block.
 */
export class InvalidPointerError extends HeapError {
  constructor(message: string, address = 0) {
    super(message, address);
    this.name = 'InvalidPointerError';
  }
}

/**
 * The heap's own structures were damaged: a write past the end of a block into its neighbour's
 * header, a write into a freed block's links or into a cache, pool, arena or ring header, into the
 * root, or through a null pointer; the debug build also reports overwritten canaries (overflows)
 * and poison (writes after free). Found by the first operation that relies on the damaged part,
 * or by `heap.check()`.
 */
export class HeapCorruptionError extends HeapError {
  constructor(message: string, address = 0) {
    super(message, address);
    this.name = 'HeapCorruptionError';
  }
}
