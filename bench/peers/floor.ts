// Peer: the floor. Exports with the same signatures as an allocator that do the least a real call
// does, so a loop calling them measures the JS → wasm call boundary plus the loop itself.
//
// Why each export stores to memory: V8 (Node 26, Chromium) inlines a wasm export whose body is
// only `local.get 0` into the calling JS, which then costs ~2 ns and is no longer a call. One
// store to linear memory (a side effect the engine must keep) keeps every export a real call.

/** Scratch word the exports write to (address 0 .. 15 of the peer's own memory). */
const SINK: usize = 0;

/** Allocator-shaped export: records its argument and returns it. */
export function alloc(size: usize): usize {
  store<usize>(SINK, size);
  return size;
}

/** Allocator-shaped export: records its argument. */
export function free(ptr: usize): void {
  store<usize>(SINK, ptr, 4);
}

/** The smallest real call: no arguments, no result, one store. */
export function nop(): void {
  store<u32>(SINK, 1, 8);
}

/** The inlinable export the floor used to be: returns its argument, nothing else. */
export function identity(x: usize): usize {
  return x;
}
