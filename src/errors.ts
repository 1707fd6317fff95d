/**
 * Errors thrown by wasm-arena. Every error says which call failed and with which value; after
 * any of them the heap is still valid (`heap.check()` passes) and keeps working.
 *
 * Bad arguments (negative, NaN, non-integer or impossible sizes; alignments that are not a power
 * of two) throw the built-in `RangeError` / `TypeError`.
 */

/** Base class of the errors the heap reports about memory (not about argument types). */
export class HeapError extends Error {
  /** The address the error is about (0 when none). */
  readonly address: number;
  constructor(message: string, address = 0) {
    super(message);
    this.name = new.target.name;
    this.address = address;
  }
}

/** The heap cannot grow to satisfy the request (`maximumBytes` reached or the engine refused). */
export class OutOfMemoryError extends HeapError {}

/**
 * The pointer (or view) is not a live block of this heap: a double free, an interior, misaligned
 * or out-of-range pointer, a pointer from another heap, or a view that does not own a block.
 */
export class InvalidPointerError extends HeapError {}

/**
 * The heap's own structures, or memory the heap watches, were damaged: a write past the end of a
 * block (neighbour header, or the debug build's canary), a write into freed memory (debug build),
 * or a fault found by `check()`.
 */
export class HeapCorruptionError extends HeapError {}
