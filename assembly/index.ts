// The exported ABI: plain numbers in, plain numbers out. src/wasm.ts mirrors these signatures.
// Pointers are byte addresses (read them with `>>> 0` in JS); status codes and the control block
// (at the constant address ROOT) are described in layout.ts.

import { alloc } from "./heap";

export { init, alloc, free, realloc, usableSize } from "./heap";
export { check } from "./check";
export { arenaCreate, arenaAlloc, arenaReset } from "./arena";

/** Like alloc, and the first `size` bytes are zero (memory.fill: one bulk-memory instruction). */
export function calloc(size: u32, align: u32): u32 {
  const u = alloc(size, align);
  if (u) memory.fill(u, 0, size);
  return u;
}
