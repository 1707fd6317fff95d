// Typed views over the heap's memory, and what happens to them when memory grows.
//
// Growth rule (see README "Growth"):
// - whole-memory views (heap.u8, heap.f32, …) are re-made on access after a growth: always current;
// - views from allocArray stay valid when the memory's buffer can grow in place: shared memory
//   (views never detach), or `memory.toResizableBuffer()` where the engine has it (Chromium ≥ 134,
//   Node ≥ 26). Elsewhere a growth detaches them (length 0): keep the address, use a fixed-size
//   heap (initialBytes === maximumBytes), `heap.reserve(bytes)` up front, or re-make views with
//   `heap.view(Ctor, address, length)` when `heap.generation` changes.

/** Every TypedArray constructor, BigInt64Array and BigUint64Array included. */
export type TypedArrayConstructor =
  | Int8ArrayConstructor | Uint8ArrayConstructor | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor | Uint16ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor
  | Float32ArrayConstructor | Float64ArrayConstructor
  | BigInt64ArrayConstructor | BigUint64ArrayConstructor;

/** The array type a constructor makes, e.g. `TypedArrayOf<Float32ArrayConstructor>` = Float32Array. */
export type TypedArrayOf<C extends TypedArrayConstructor> = InstanceType<C>;

// TypeScript 5.9's lib does not know these yet (WebAssembly JS API, "resizable buffers" proposal).
interface ResizableMemory {
  toResizableBuffer?(): ArrayBuffer;
}

/**
 * Switches a non-shared `memory` to a buffer that grows in place when the engine supports it, so
 * views never detach. Returns true when it did.
 */
export function makeBufferResizable(memory: WebAssembly.Memory): boolean {
  const m = memory as WebAssembly.Memory & ResizableMemory;
  try {
    if (typeof m.toResizableBuffer === 'function') {
      m.toResizableBuffer();
      return true;
    }
  } catch {
    // An engine may expose the method and still refuse (e.g. memory without a maximum).
  }
  return false;
}

/**
 * The whole-memory views of one heap, made together from one buffer. One object per Heap, updated
 * in place when memory grows, so arenas, pools and rings that hold it always see current views.
 */
export class Views {
  buffer!: ArrayBufferLike;
  u8!: Uint8Array;
  i8!: Int8Array;
  u16!: Uint16Array;
  i16!: Int16Array;
  u32!: Uint32Array;
  i32!: Int32Array;
  f32!: Float32Array;
  f64!: Float64Array;
  i64!: BigInt64Array;
  u64!: BigUint64Array;
  constructor(buffer: ArrayBufferLike) {
    this.set(buffer);
  }
  set(buffer: ArrayBufferLike): void {
    this.buffer = buffer;
    this.u8 = new Uint8Array(buffer);
    this.i8 = new Int8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.i16 = new Int16Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i64 = new BigInt64Array(buffer);
    this.u64 = new BigUint64Array(buffer);
  }
}
