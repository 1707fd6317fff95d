// The exported ABI: plain numbers in, plain numbers out. src/wasm.ts mirrors these signatures.
// Pointers are byte addresses (read them with `>>> 0` in JS); status codes are in layout.ts.

import { ROOT } from "./layout";
import { alloc } from "./heap";

export { init, alloc, free, realloc, usableSize, reserve } from "./heap";
export { check } from "./check";
export { arenaCreate, arenaAlloc, arenaReset } from "./arena";

/** Like alloc, and the first `size` bytes are zero. */
export function calloc(size: u32, align: u32): u32 {
  const u = alloc(size, align);
  if (u) memory.fill(u, 0, size);
  return u;
}

/** Address of the control block (stats, fault details, generation): see layout.ts. */
export function root(): u32 {
  return ROOT;
}
