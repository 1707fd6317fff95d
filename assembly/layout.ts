// Memory layout of the wasm-arena heap: block header, size classes, the control block (root).
//
// The heap is a Two-Level Segregated Fit allocator (Masmano et al., "TLSF: a new dynamic memory
// allocator for real-time systems", ECRTS 2004, http://www.gii.upv.es/tlsf/): free blocks sit in
// lists indexed by (first level = power of two, second level = 32 linear steps inside it); two
// levels of bitmaps find the first non-empty list that fits in a handful of instructions, so
// alloc and free are O(1) whatever the number of live or free blocks.
//
// Nothing here may allocate managed objects: the module runs with `--runtime stub`, and every byte
// of allocator state lives in linear memory (two instances on one shared memory see one heap).

// ══ Linear memory ═══════════════════════════════════════════════════════════════════════════════
//
//   0    ROOT (64)                  MEMORY_BASE (4096)  __heap_base = HEAP_START     memory end
//   ├────┼── Root (bitmaps, lists, ──┼── static data ─────┼── block │ block │ … │ tail ─┤
//   null      stats) ROOT_SIZE bytes     (debug builds)        first block       8 B sentinel
//
// The tail sentinel is a zero-size, never-free header that ends every walk and stops coalescing.
// Address 0 is the "null block": list code stores through a 0 link without testing it first
// (block 0's prev/next words at 8 and 12 are scratch), trading a mispredicted branch for a store.

// ══ Block ═══════════════════════════════════════════════════════════════════════════════════════
//
//  block (8-aligned)
//   │  31                                                  3  2  1  0
//   ▼ ┌────────────────────────────────────────────────────┬──┬──┬──┐
//  +0 │ size of the whole block, header included (× 8)     │ 0│LF│ F│  info
//     ├────────────────────────────────────────────────────┴──┴──┴──┤
//  +4 │ check = ((block ^ secret) · GOLDEN) ^ size                  │  header check word
//     ╞═════════════════════════════════════════════════════════════╡ ◄─ user pointer (block + 8)
//  +8 │ free: prev free block in this size class (0 = none)         │
// +12 │ free: next free block in this size class (0 = none)         │
//     │ …  user data when used; poison (debug) when free           │
//     ├─────────────────────────────────────────────────────────────┤
// -4  │ free: back = block address (lets the right neighbour find   │  last word of the block
//     │ its left neighbour when LF is set on it)                    │
//     └─────────────────────────────────────────────────────────────┘
//  F  (FREE):     this block is free and sits in exactly one free list.
//  LF (LEFTFREE): the block just left of this one is free (its `back` word is valid).
//
// The check word ties a header to its own address and size. free(p) trusts p only when the word
// matches, so an interior pointer, a pointer from another heap (other secret), or a header smashed
// by an overflow is refused in O(1) instead of corrupting the lists (the idea of Scudo's chunk
// header checksum). A stale header inside a coalesced free block still matches and says FREE:
// that is exactly a double free.

// @ts-ignore: decorator
@inline export const FREE: u32 = 1;
// @ts-ignore: decorator
@inline export const LEFTFREE: u32 = 2;
// @ts-ignore: decorator
@inline export const TAGS: u32 = 7;

// @ts-ignore: decorator
@inline export const HEADER: u32 = 8;
// @ts-ignore: decorator
@inline export const GRANULE: u32 = 8;
/** header + prev + next + back, rounded to the granule. */
// @ts-ignore: decorator
@inline export const MIN_BLOCK: u32 = 24;
/** Offsets inside a block. */
// @ts-ignore: decorator
@inline export const B_INFO: u32 = 0;
// @ts-ignore: decorator
@inline export const B_CHECK: u32 = 4;
// @ts-ignore: decorator
@inline export const B_PREV: u32 = 8;
// @ts-ignore: decorator
@inline export const B_NEXT: u32 = 12;

// @ts-ignore: decorator
@inline export const GOLDEN: u32 = 0x9E3779B1;

/** Largest request the heap accepts (block arithmetic stays inside u32). */
// @ts-ignore: decorator
@inline export const MAX_REQUEST: u32 = 0x7FFF0000;
/** Largest supported alignment: one wasm page. */
// @ts-ignore: decorator
@inline export const MAX_ALIGN: u32 = 65536;

// ══ Size classes ════════════════════════════════════════════════════════════════════════════════
//
//  block size s (multiple of 8, ≥ 24)
//    s < 256:  fl = 0,               sl = s >> 3                 exact classes of 8 bytes
//    s ≥ 256:  fl = msb(s) - 7,      sl = (s >> (msb(s) - 5)) & 31
//
//   31          msb             msb-5                          0
//  ┌──────────┬──┬──────────────┬──────────────────────────────┐
//  │ 0 …  0   │1 │  sl (5 bits) │  ignored (rounded up on search)│
//  └──────────┴──┴──────────────┴──────────────────────────────┘
//
//  fl │ block sizes          step      fl │ block sizes          step
//   0 │      24 …     255     8 B      13 │   1 M …   2 M - 1   32 K
//   1 │     256 …     511     8 B      14 │   2 M …   4 M - 1   64 K
//   2 │     512 …   1 K-1    16 B      …  │   …
//   3 │     1 K …   2 K-1    32 B      22 │ 512 M …   1 G - 1   16 M
//   …                                  23 │   1 G …   2 G - 1   32 M
//  Sizes below 512 map to exact classes: the small-size fast path pops an exact fit.

// @ts-ignore: decorator
@inline export const SL_BITS: u32 = 5;
// @ts-ignore: decorator
@inline export const SL_COUNT: u32 = 1 << SL_BITS;
// @ts-ignore: decorator
@inline export const SMALL_LIMIT: u32 = SL_COUNT << 3; // 256
/** Below this block size every class holds one size only, and class = size >> 3. */
// @ts-ignore: decorator
@inline export const EXACT_LIMIT: u32 = SMALL_LIMIT << 1; // 512
// @ts-ignore: decorator
@inline export const FL_SHIFT: u32 = 7; // msb(256) - 1
// @ts-ignore: decorator
@inline export const FL_COUNT: u32 = 25; // msb up to 31

// ══ Root (control block) ════════════════════════════════════════════════════════════════════════
//
//  ROOT +  0  magic          R_MAGIC marks an initialised heap (attach instead of re-init)
//       +  4  secret         per-heap value mixed into every header check word
//       +  8  heapStart      first block
//       + 12  tail           the tail sentinel's address (end of the last real block)
//       + 16  maxPages       growth limit, in 64 KiB pages
//       + 20  usedBytes      bytes in live blocks, headers included
//       + 24  peakUsedBytes  high-water mark of usedBytes
//       + 28  liveBlocks
//       + 32  (reserved)     free-block counts are derived (stats walks the lists) so that
//       + 36  (reserved)     insert/remove touch no counters
//       + 40  faultCode      why the last call failed (0 = out of memory); check() fault
//       + 44  faultAddr      the block the fault is about
//       + 48  generation     bumped at every memory growth (views made before it may be stale)
//       + 52  flMap          bit fl set ⇔ slMap[fl] ≠ 0
//       + 56  flags          DEBUG build marker, …
//       + 60  faultInfo      extra detail for faultCode (an offset, an expected value)
//       + 64  slMap[FL_COUNT]            bit sl set ⇔ heads[fl][sl] ≠ 0
//       + 64 + 4·FL_COUNT  heads[FL_COUNT][SL_COUNT]   first free block of each class

// @ts-ignore: decorator
@inline export const R_MAGIC_VALUE: u32 = 0x41524E41; // "ANRA"
// @ts-ignore: decorator
@inline export const R_MAGIC: u32 = 0;
// @ts-ignore: decorator
@inline export const R_SECRET: u32 = 4;
// @ts-ignore: decorator
@inline export const R_HEAP_START: u32 = 8;
// @ts-ignore: decorator
@inline export const R_TAIL: u32 = 12;
// @ts-ignore: decorator
@inline export const R_MAX_PAGES: u32 = 16;
// @ts-ignore: decorator
@inline export const R_USED: u32 = 20;
// @ts-ignore: decorator
@inline export const R_PEAK: u32 = 24;
// @ts-ignore: decorator
@inline export const R_LIVE: u32 = 28;
// @ts-ignore: decorator
@inline export const R_FAULT_CODE: u32 = 40;
// @ts-ignore: decorator
@inline export const R_FAULT_ADDR: u32 = 44;
// @ts-ignore: decorator
@inline export const R_GENERATION: u32 = 48;
// @ts-ignore: decorator
@inline export const R_FL_MAP: u32 = 52;
// @ts-ignore: decorator
@inline export const R_FLAGS: u32 = 56;
// @ts-ignore: decorator
@inline export const R_FAULT_INFO: u32 = 60;
// @ts-ignore: decorator
@inline export const R_SL_MAP: u32 = 64;
// @ts-ignore: decorator
@inline export const R_HEADS: u32 = R_SL_MAP + 4 * FL_COUNT;
// @ts-ignore: decorator
@inline export const ROOT_SIZE: u32 = R_HEADS + 4 * FL_COUNT * SL_COUNT;

/**
 * The control block sits at a fixed low address, so every access is a load with a constant
 * offset. asconfig.json sets `memoryBase` to MEMORY_BASE: static data (debug builds only) starts
 * after the root, and the first block after the static data (`__heap_base`).
 */
// @ts-ignore: decorator
@inline export const ROOT: u32 = 64;
// @ts-ignore: decorator
@inline export const MEMORY_BASE: u32 = 4096; // ≥ ROOT + ROOT_SIZE; asconfig.json repeats it

// ══ Status codes (the wasm ABI returns them; src/errors.ts turns them into typed errors) ═════════
// Pointers are multiples of 8, so a call returning a pointer can return a code 1…7 instead.

// @ts-ignore: decorator
@inline export const OK: u32 = 0;
/** The header check word does not match: not the start of a block of this heap. */
// @ts-ignore: decorator
@inline export const E_NOT_A_BLOCK: u32 = 1;
/** The block is already free. */
// @ts-ignore: decorator
@inline export const E_DOUBLE_FREE: u32 = 2;
/** A neighbour's header or back word is damaged (an overflow from the block being freed?). */
// @ts-ignore: decorator
@inline export const E_NEIGHBOUR: u32 = 3;
/** Debug: the canary after a block was overwritten. */
// @ts-ignore: decorator
@inline export const E_CANARY: u32 = 4;
/** Debug: a free block's poison was overwritten (use after free). */
// @ts-ignore: decorator
@inline export const E_POISON: u32 = 5;
/** Out of range or misaligned pointer. */
// @ts-ignore: decorator
@inline export const E_RANGE: u32 = 6;
/** Bad argument (alignment not a power of two, size too large, bad arena mark). */
// @ts-ignore: decorator
@inline export const E_ARGUMENT: u32 = 7;

// check() faults (reported in faultCode with faultAddr/faultInfo).
// @ts-ignore: decorator
@inline export const C_BAD_CHECK: u32 = 16;
// @ts-ignore: decorator
@inline export const C_BAD_SIZE: u32 = 17;
// @ts-ignore: decorator
@inline export const C_LEFTFREE: u32 = 18;
// @ts-ignore: decorator
@inline export const C_ADJACENT_FREE: u32 = 19;
// @ts-ignore: decorator
@inline export const C_BACK: u32 = 20;
// @ts-ignore: decorator
@inline export const C_TAIL: u32 = 21;
// @ts-ignore: decorator
@inline export const C_LIST: u32 = 22;
// @ts-ignore: decorator
@inline export const C_BITMAP: u32 = 23;
// @ts-ignore: decorator
@inline export const C_COUNTS: u32 = 24;
// @ts-ignore: decorator
@inline export const C_ROOT: u32 = 25;

// ══ Debug build (asc --use DEBUG=1) ═════════════════════════════════════════════════════════════
// A canary of CANARY bytes ends every used block; free memory is filled with POISON.

// @ts-ignore: decorator
@inline export const CANARY: u32 = DEBUG ? 8 : 0;
// @ts-ignore: decorator
@inline export const POISON: u8 = 0xDB;
// @ts-ignore: decorator
@inline export const POISON32: u32 = 0xDBDBDBDB;

// ══ Small helpers that give memory words names ══════════════════════════════════════════════════

// @ts-ignore: decorator
@inline export function rootGet(off: u32): u32 { return load<u32>(ROOT + off); }
// @ts-ignore: decorator
@inline export function rootSet(off: u32, v: u32): void { store<u32>(ROOT + off, v); }

// @ts-ignore: decorator
@inline export function infoOf(b: u32): u32 { return load<u32>(b, B_INFO); }
// @ts-ignore: decorator
@inline export function sizeOf(b: u32): u32 { return load<u32>(b, B_INFO) & ~TAGS; }
// @ts-ignore: decorator
@inline export function setInfo(b: u32, info: u32): void { store<u32>(b, info, B_INFO); }

/** The check word a header at `b` with size `size` must carry. */
// @ts-ignore: decorator
@inline export function checkWord(b: u32, size: u32): u32 {
  return ((b ^ rootGet(R_SECRET)) * GOLDEN) ^ size;
}
/** Writes a whole header: info (size | tags) and its check word. */
// @ts-ignore: decorator
@inline export function setHeader(b: u32, size: u32, tags: u32): void {
  store<u32>(b, size | tags, B_INFO);
  store<u32>(b, checkWord(b, size), B_CHECK);
}
/** True when the header at `b` carries the check word of its own size. */
// @ts-ignore: decorator
@inline export function headerValid(b: u32): bool {
  return load<u32>(b, B_CHECK) == checkWord(b, load<u32>(b, B_INFO) & ~TAGS);
}

/** Records why a call failed (the JS side reads it to build its error) and returns the code. */
export function fault(code: u32, addr: u32, info: u32): u32 {
  rootSet(R_FAULT_CODE, code);
  rootSet(R_FAULT_ADDR, addr);
  rootSet(R_FAULT_INFO, info);
  return code;
}

// @ts-ignore: decorator
@inline export function msb(x: u32): u32 { return 31 - clz<u32>(x); }
