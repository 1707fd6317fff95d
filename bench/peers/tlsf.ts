// Peer: AssemblyScript's own built-in TLSF allocator (std/assembly/rt/tlsf.ts), reached through
// the `heap` namespace of the minimal runtime. Compiled with bench/peers/asconfig.json only, so it
// never picks up the project's ./asconfig.json or its entries.

/** Allocates `size` bytes from AssemblyScript's TLSF heap; returns the byte address. */
export function alloc(size: usize): usize {
  return heap.alloc(size);
}

/** Returns a block obtained from `alloc` to AssemblyScript's TLSF heap. */
export function free(ptr: usize): void {
  heap.free(ptr);
}

/** First address the allocator may use (end of static data): the footprint baseline. */
export function heapBase(): usize {
  return __heap_base;
}
