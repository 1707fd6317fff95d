// The exported ABI: plain numbers in, plain numbers out. src/wasm.ts mirrors these signatures.
// Pointers are byte addresses (read them with `>>> 0` in JS); status codes and the control block
// (at the constant address ROOT) are described in layout.ts.

export { init, alloc, free, realloc, usableSize } from "./heap";
export { check } from "./check";
export { arenaCreate, arenaAlloc, arenaReset } from "./arena";
