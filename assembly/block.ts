// Blocks: check words, kinds, bounds, and where a call's fault is recorded.
// Every address read from memory (a list link, a bin link, a back word) passes `inHeap` before it
// is dereferenced, and every header passes its check word before it is trusted: a stray write can
// make an operation fail with E_CORRUPT, never trap or hand out a block twice.

import {
  Block, Root, Cache, ROOT, HEADER, GRANULE, TAGS, GOLDEN, GOLDEN2, KIND_SALT, KIND_COUNT,
  E_CORRUPT,
} from "./layout";

/** The first block: static data (debug builds) ends at __heap_base. */
// @ts-ignore: decorator
@inline export function heapStart(): u32 { return (<u32>__heap_base + GRANULE - 1) & ~(GRANULE - 1); }

// Per instance (per thread) copies of the root's immutable words, set by init() or attach():
// a stray write into the root cannot change what the checks below compare with.
let gSecret: u32 = 0;
let gMaxPages: u32 = 0;
/** The cache of the Heap object making the current call (where its fault is recorded). */
let gCache: u32 = 0;

export function setIdentity(secret: u32, maxPages: u32): void {
  gSecret = secret;
  gMaxPages = maxPages;
}
// @ts-ignore: decorator
@inline export function maxPages(): u32 { return gMaxPages; }
// @ts-ignore: decorator
@inline export function secret(): u32 { return gSecret; }
// @ts-ignore: decorator
@inline export function enter(c: u32): void { gCache = c; }
// @ts-ignore: decorator
@inline export function current(): u32 { return gCache; }

// @ts-ignore: decorator
@inline export function root(): Root { return changetype<Root>(ROOT); }
// @ts-ignore: decorator
@inline export function blockAt(b: u32): Block { return changetype<Block>(b); }
// @ts-ignore: decorator
@inline export function cacheAt(c: u32): Cache { return changetype<Cache>(c); }
// @ts-ignore: decorator
@inline export function sizeOf(b: u32): u32 { return blockAt(b).info & ~TAGS; }

/** The address-and-size half of a check word (see layout.ts). */
export function mixOf(b: u32, size: u32): u32 {
  return ((b ^ gSecret) * GOLDEN) ^ (size * GOLDEN2);
}
/** The check word of a block of `kind` at b with `size` bytes. */
export function tagOf(b: u32, size: u32, kind: u32): u32 {
  return mixOf(b, size) ^ (kind * KIND_SALT);
}
/** True when the header at b carries the check word of its own size and of `kind`. */
export function isKind(b: u32, kind: u32): bool {
  return blockAt(b).tag == tagOf(b, sizeOf(b), kind);
}
/** The kind whose check word the header at b carries, or KIND_COUNT when it is no header. */
export function kindOf(b: u32): u32 {
  const x = blockAt(b).tag ^ mixOf(b, sizeOf(b));
  const k = x & 15;
  return x == k * KIND_SALT && k < KIND_COUNT ? k : KIND_COUNT;
}
/** Writes a whole header: info (size | tags) and the check word of `kind`. */
export function setHeader(b: u32, size: u32, tags: u32, kind: u32): void {
  const blk = blockAt(b);
  blk.info = size | tags;
  blk.tag = tagOf(b, size, kind);
}

/** Address of the tail sentinel: the heap always spans all of memory. */
// @ts-ignore: decorator
@inline export function tailOf(): u32 { return (<u32>memory.size() << 16) - HEADER; }

/** True when b is an 8-aligned header address from the first block to the tail sentinel. */
export function inHeap(b: u32): bool {
  return !(b & (GRANULE - 1)) && b - heapStart() <= tailOf() - heapStart();
}

/** Records why the current call failed (the JavaScript side reads it to build its error). */
export function fault(code: u32, addr: u32, info: u32): u32 {
  if (!gCache) return code; // init and attach: no cache yet, the code is the whole answer
  const c = cacheAt(gCache);
  c.faultCode = code;
  c.faultAddr = addr;
  c.faultInfo = info;
  return code;
}

/** Records damaged metadata at `addr` (what: a C_* code) and returns false, for `if (!…) return`. */
export function corrupt(addr: u32, what: u32): bool {
  fault(E_CORRUPT, addr, what);
  return false;
}

// @ts-ignore: decorator
@inline export function msb(x: u32): u32 { return 31 - clz<u32>(x); }
