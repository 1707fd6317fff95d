// Checks compiled into the debug build only (asc --use DEBUG=1): a canary after every held block,
// poison in every free block. And the profile build's per-block trailer (--use PROFILE=1).

import { HEADER, CANARY, TRAILER, GOLDEN, POISON, POISON32, E_CORRUPT, C_CANARY, KIND_STALE } from "./layout";
import { secret, fault, cacheAt, current, isKind } from "./block";

/** The canary word of block b: tied to its address, so a block copied elsewhere does not pass. */
// @ts-ignore: decorator
@inline function canaryWord(b: u32): u32 { return (b * GOLDEN) ^ secret() ^ 0x5AFEC0DE; }

/** Writes the canary into the last CANARY bytes of the held block b of `size` bytes. */
export function writeCanary(b: u32, size: u32): void {
  const w = canaryWord(b);
  store<u32>(b + size - CANARY, w);
  store<u32>(b + size - CANARY + 4, ~w);
}

/** True when the canary of block b is intact; else records E_CORRUPT (C_CANARY) with the offset. */
export function canaryIntact(b: u32, size: u32): bool {
  const w = canaryWord(b);
  const at = b + size - CANARY;
  if (load<u32>(at) == w && load<u32>(at + 4) == ~w) return true;
  fault(E_CORRUPT, b + HEADER, C_CANARY | ((at - b - HEADER) << 8));
  return false;
}

/** Fills [from, to) with the poison byte. */
export function poison(from: u32, to: u32): void {
  if (to > from) memory.fill(from, <u8>POISON, to - from);
}

/**
 * The first address of the free block b (`size` bytes) whose poison was overwritten, or 0. The
 * headers of blocks merged into it (STALE) are not poison, and are skipped.
 */
export function poisonIntact(b: u32, size: u32): u32 {
  const to = b + size - 4;
  for (let p = b + 16; p < to; p += 4) {
    if (load<u32>(p) != POISON32) {
      if (!(p & 7) && p + HEADER <= to && isKind(p, KIND_STALE)) p += 4;
      else return p;
    }
  }
  return 0;
}

/** Profile build: the block's trailer records the tag of the cache that allocated it. */
export function writeTrailer(b: u32, size: u32): void {
  store<u32>(b + size - TRAILER, cacheAt(current()).tag);
  store<u32>(b + size - TRAILER + 4, 0);
}
