// Peer: the floor. Exports with the same signatures as an allocator that do nothing, so a loop
// calling them measures the JS → wasm call boundary plus the loop itself, and nothing else.

/** Empty allocator-shaped export: returns its argument. */
export function alloc(size: usize): usize {
  return size;
}

/** Empty allocator-shaped export: does nothing. */
export function free(ptr: usize): void {}

/** The emptiest export: no arguments, no result. */
export function nop(): void {}
