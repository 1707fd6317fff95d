// wasm-arena: manual memory for JavaScript. The public surface, and nothing else.
export { Heap, type HeapOptions, type HeapStats } from './heap.js';
export { Arena } from './arena.js';
export { Pool, type PoolOptions } from './pool.js';
export { Ring, type RingOptions, type RingElement, type RingHandle } from './ring.js';
export { HeapError, OutOfMemoryError, InvalidPointerError, HeapCorruptionError } from './errors.js';
export type { TypedArrayConstructor, TypedArrayOf } from './views.js';
export { struct, StructType, type Schema, type FieldType, type ScalarType, type FieldLayout, type ValueOf } from './struct.js';
export type { Cursor, CursorMembers, FieldArray } from './cursor.js';
export { Soa, type SoaTable } from './soa.js';
export { Frame } from './scope.js';
export type { ProfileReport, TagReport, FreeBucket, Snapshot, LeakReport, LeakTag, LeakSite, HeapMapOptions, Timeline, TimelineSample } from './profiler/types.js';
