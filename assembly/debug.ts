// Debug-build checks (compiled in with `asc --use DEBUG=1`, absent from the release module):
// a canary after every used block, poison in every free block.

import { HEADER, CANARY, GOLDEN, POISON, POISON32, E_CANARY, rootGet, R_SECRET, fault } from "./layout";

/** The two canary words of block `b`: tied to its address so a copied block does not pass. */
// @ts-ignore: decorator
@inline function canaryWord(b: u32): u32 { return (b * GOLDEN) ^ rootGet(R_SECRET) ^ 0x5AFEC0DE; }

/** Writes the canary into the last CANARY bytes of the used block `b` of `size` bytes. */
export function writeCanary(b: u32, size: u32): void {
  const w = canaryWord(b);
  store<u32>(b + size - CANARY, w);
  store<u32>(b + size - CANARY + 4, ~w);
}

/** OK (0) when the canary of block `b` is intact, else E_CANARY with the offset that changed. */
export function canaryValid(b: u32, size: u32): u32 {
  const w = canaryWord(b);
  const at = b + size - CANARY;
  if (load<u32>(at) == w && load<u32>(at + 4) == ~w) return 0;
  return fault(E_CANARY, b + HEADER, at - b - HEADER);
}

/** Fills [from, to) with the poison byte. */
export function poison(from: u32, to: u32): void {
  if (to > from) memory.fill(from, POISON, to - from);
}

/** The first address in [from, to) that does not hold poison, or 0 (from and to: 4-aligned). */
export function firstPoisonFault(from: u32, to: u32): u32 {
  for (let p = from; p < to; p += 4) {
    if (load<u32>(p) != POISON32) return p;
  }
  return 0;
}
