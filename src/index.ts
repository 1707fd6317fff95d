// wasm-arena: manual memory for JavaScript. The public surface, and nothing else.
export { Heap, type HeapOptions, type HeapStats } from './heap.js';
export { Arena } from './arena.js';
export { Pool, type PoolOptions } from './pool.js';
export { HeapError, OutOfMemoryError, InvalidPointerError, HeapCorruptionError } from './errors.js';
export type { TypedArrayConstructor, TypedArrayOf } from './views.js';
