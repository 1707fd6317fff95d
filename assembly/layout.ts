// Memory layout of the wasm-arena heap: every word the allocator keeps, drawn and named once.
//
// The heap is a Two-Level Segregated Fit allocator (Masmano et al., "TLSF: a new dynamic memory
// allocator for real-time systems", ECRTS 2004, http://www.gii.upv.es/tlsf/): free blocks sit in
// lists indexed by (first level = power of two, second level = 32 linear steps inside it); two
// levels of bitmaps find the first non-empty list that fits in a handful of instructions, so
// alloc and free are O(1) whatever the number of live or free blocks.
//
// In front of it, each Heap object (one per thread) owns a cache: per-size-class stacks of freed
// small blocks that the JavaScript side pops and pushes without calling into wasm; this module
// refills and flushes them in batches. Pools (fixed-size slots in aligned slabs) and arenas (a
// cursor over one block) are run from JavaScript the same way. All of it lives in linear memory,
// so check(), stats() and other threads see everything.
//
// src/layout.ts is GENERATED from this file by scripts/gen-layout.mjs: every `@inline export
// const` below and the field offsets of every `@unmanaged export class` (u32 fields only). The
// JavaScript side reads memory words through those names and nothing else.
//
// Nothing here may allocate managed objects: the module runs with `--runtime stub`.

// ══ Linear memory ═══════════════════════════════════════════════════════════════════════════════
//
//   0         NULL_GUARD           ROOT + ROOT_SIZE     MEMORY_BASE  HEAP_START           memory end
//   ├── never used ──┼── Root ──────────┼── (unused) ──────┼─ static ─┼─ block │ block │ … │ tail ┤
//     (stays zero)                                            data                        8 B sentinel
//
// Addresses below NULL_GUARD are never handed out or written by the heap: a program that writes
// through a null pointer (say, the 0 that tryAlloc returns when memory is full) lands there, and
// check() reports it instead of the write silently destroying the root.
// The tail sentinel is a zero-size, never-free header at (memory size - 8) that ends every walk
// and stops coalescing; the heap always spans all of memory.

// @ts-ignore: decorator
@inline export const NULL_GUARD: u32 = 1024;
// @ts-ignore: decorator
@inline export const ROOT: u32 = 1024;
/** asconfig.json repeats it as `memoryBase`: static data (debug builds only) starts here. */
// @ts-ignore: decorator
@inline export const MEMORY_BASE: u32 = 8192;
// @ts-ignore: decorator
@inline export const PAGE: u32 = 65536;
/** wasm32 memories stop one page short of 4 GiB, so every address and size fits in a u32. */
// @ts-ignore: decorator
@inline export const MAX_PAGES: u32 = 65535;

// ══ Block ═══════════════════════════════════════════════════════════════════════════════════════
//
//  block b (8-aligned)
//   │  31                                                  3  2  1  0
//   ▼ ┌────────────────────────────────────────────────────┬──┬──┬──┐
//  +0 │ size of the whole block, header included (× 8)     │ 0│LF│ F│  info
//     ├────────────────────────────────────────────────────┴──┴──┴──┤
//  +4 │ tag = mix(b, size) ^ KIND_SALT · kind                       │  header check word
//     ╞═════════════════════════════════════════════════════════════╡ ◄─ user pointer u = b + 8
//  +8 │ FREE: prev free block of this size class (0 = none)         │
//     │ CACHED: next block in the same cache bin (0 = none)         │
// +12 │ FREE: next free block of this size class (0 = none)         │
//     │ …  user data when held; poison (debug build) when free      │
//     ├─────────────────────────────────────────────────────────────┤
//     │ debug build: 8-byte canary · profile build: tag, serial     │  last OVERHEAD - 8 bytes
//     ├─────────────────────────────────────────────────────────────┤
// -4  │ FREE: back = b (the right neighbour finds its free left     │  last word of a free block
//     │ neighbour through it when LF is set)                        │
//     └─────────────────────────────────────────────────────────────┘
//  F  (FREE):     this block is free and sits in exactly one free list.
//  LF (LEFTFREE): the block just left of this one is free (its `back` word is valid).
//
// The check word ties a header to its address, its size, the heap's secret and its kind. Size
// is multiplied too, so that no change of size can make up for a change of kind (the product of
// a valid size is never another valid size XOR a kind's salt, but for chance); the two products
// are independent, so the JavaScript fast paths wait for one multiplication, not two in a row:
//
//     mix(b, size) = ((b ^ secret) · GOLDEN) ^ (size · GOLDEN2)         tag = mix ^ KIND_SALT · kind
//
// Every operation that trusts a header first recomputes its tag: a pointer that is not the start
// of a block (interior, foreign, from another heap), a header smashed by an overflow, or a block
// of the wrong kind (freeing an arena's block as if it were user memory) is refused in O(1), in
// the release build too (the idea of Scudo's chunk header checksum). Only the JavaScript side
// changes the kind of a held block (USER ⇄ CACHED), and only by rewriting its tag: a thread that
// holds the heap's lock may meanwhile update the block's LEFTFREE bit in `info`, a different word.

@unmanaged export class Block {
  /** size | LEFTFREE | FREE */
  info: u32;
  /** mix(b, size) ^ KIND_SALT · kind */
  tag: u32;
  /** FREE: previous block of the free list · CACHED: next block of the cache bin */
  prev: u32;
  /** FREE: next block of the free list */
  next: u32;
}

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
// @ts-ignore: decorator
@inline export const GOLDEN: u32 = 0x9E3779B1;
// @ts-ignore: decorator
@inline export const GOLDEN2: u32 = 0x85EBCA77;

/** Largest request the heap accepts (block arithmetic stays inside u32). */
// @ts-ignore: decorator
@inline export const MAX_REQUEST: u32 = 0xFFF00000;
/** Largest supported alignment: one wasm page. */
// @ts-ignore: decorator
@inline export const MAX_ALIGN: u32 = 65536;

// ── Block kinds (the salt in the check word) ────────────────────────────────────────────────────
// A free block and the header of a block merged into a neighbour (STALE) can never be handed out
// again through the other's name: taking a block from a free list requires KIND_FREE.

// @ts-ignore: decorator
@inline export const KIND_SALT: u32 = 0x11111111;
/** Held by the user (heap.alloc). */
// @ts-ignore: decorator
@inline export const KIND_USER: u32 = 0;
/** In a free list. */
// @ts-ignore: decorator
@inline export const KIND_FREE: u32 = 1;
/** Merged into its left neighbour: never a block again (freeing it is a double free). */
// @ts-ignore: decorator
@inline export const KIND_STALE: u32 = 2;
/** Freed by the user into a thread's cache; the free lists still count it as used. */
// @ts-ignore: decorator
@inline export const KIND_CACHED: u32 = 3;
/** A thread's cache (struct Cache). */
// @ts-ignore: decorator
@inline export const KIND_CACHE: u32 = 4;
/** A bump arena (struct Arena). */
// @ts-ignore: decorator
@inline export const KIND_ARENA: u32 = 5;
/** A pool's header (struct Pool). */
// @ts-ignore: decorator
@inline export const KIND_POOL: u32 = 6;
/** A pool's free stack (u32 slot addresses). */
// @ts-ignore: decorator
@inline export const KIND_STACK: u32 = 7;
/** A pool's slab (struct Slab, then the slots). */
// @ts-ignore: decorator
@inline export const KIND_SLAB: u32 = 8;
/** A ring buffer. */
// @ts-ignore: decorator
@inline export const KIND_RING: u32 = 9;
/** Profiler tables. */
// @ts-ignore: decorator
@inline export const KIND_PROFILE: u32 = 10;
/** Kinds are 0 … KIND_COUNT - 1. */
// @ts-ignore: decorator
@inline export const KIND_COUNT: u32 = 11;

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
//   3 │     1 K …   2 K-1    32 B      23 │   1 G …   2 G - 1   32 M
//   …                                  24 │   2 G …   4 G - 1   64 M

// @ts-ignore: decorator
@inline export const SL_BITS: u32 = 5;
// @ts-ignore: decorator
@inline export const SL_COUNT: u32 = 32;
// @ts-ignore: decorator
@inline export const SMALL_LIMIT: u32 = 256;
/** Below this block size every class holds one size only, and class = size >> 3. */
// @ts-ignore: decorator
@inline export const EXACT_LIMIT: u32 = 512;
// @ts-ignore: decorator
@inline export const FL_SHIFT: u32 = 7;
// @ts-ignore: decorator
@inline export const FL_COUNT: u32 = 25;
// @ts-ignore: decorator
@inline export const CLASS_COUNT: u32 = 800;

// ══ Root (control block, at ROOT) ═══════════════════════════════════════════════════════════════
//
//  ROOT +   0  struct Root (below)           words that attach, stats() and check() read
//       +  64  lock                          its own cache line: threads spin on it, not on counters
//       +  68  epoch                         bumped by every unlock (a seqlock for lock-free readers)
//       + 128  slMap[FL_COUNT]               bit sl set ⇔ heads[fl · 32 + sl] ≠ 0
//       + 256  heads[CLASS_COUNT]            first free block of each class (0 = empty)
//
// The first seven words never change after init; rootCheck hashes them, so attaching to a damaged
// heap is refused. Each wasm instance keeps its own copy of the secret and the page limit (set at
// init or attach), so a stray write into the root cannot change what later checks compare with.

@unmanaged export class Root {
  /** HEAP_MAGIC: this memory holds a heap of this layout. */
  magic: u32;
  /** Per-heap random value mixed into every check word. */
  secret: u32;
  /** BUILD_* bits of the build that made the heap. */
  build: u32;
  /** Bytes a block adds to its request: HEADER, plus the debug canary or the profile trailer. */
  overhead: u32;
  /** The first block. */
  heapStart: u32;
  /** Growth limit, in pages. */
  maxPages: u32;
  /** rootCheckOf(the six words above). */
  check: u32;
  /** Bumped at every memory growth: views made before it may be stale. */
  generation: u32;
  /** Bytes of blocks out of the free lists (held, cached, arenas, pools, caches), headers included. */
  usedBytes: u32;
  /** High-water mark of usedBytes. */
  peakUsedBytes: u32;
  /** Blocks out of the free lists. */
  liveBlocks: u32;
  /** Blocks in the free lists. */
  freeBlocks: u32;
  /** First registered cache (a Heap object's, linked through Cache.next). */
  caches: u32;
  /** Bit fl set ⇔ slMap[fl] ≠ 0. */
  flMap: u32;
  /** Profile build: address of the profiler's tables (0 = none yet). */
  profile: u32;
  /** Times a thread found the lock taken (shared build). */
  contended: u32;
}

// @ts-ignore: decorator
@inline export const HEAP_MAGIC: u32 = 0x32414E57; // "WNA2": layout version 2
// @ts-ignore: decorator
@inline export const ROOT_LOCK: u32 = 64;
/**
 * Bumped (atomically) by the lock holder just before it releases the lock. Every word the lock
 * guards (the root's counters, lists and bitmaps, every block's FREE state) changes only under
 * it, so a reader that sees the lock free and the same epoch before and after its reads has read
 * one consistent state without taking the lock (stats() on a thread that must not wait).
 */
// @ts-ignore: decorator
@inline export const ROOT_EPOCH: u32 = 68;
// @ts-ignore: decorator
@inline export const ROOT_SL_MAP: u32 = 128;
// @ts-ignore: decorator
@inline export const ROOT_HEADS: u32 = 256;
// @ts-ignore: decorator
@inline export const ROOT_SIZE: u32 = ROOT_HEADS + 4 * CLASS_COUNT;

// Root.build bits.
// @ts-ignore: decorator
@inline export const BUILD_DEBUG: u32 = 1;
// @ts-ignore: decorator
@inline export const BUILD_SHARED: u32 = 2;
// @ts-ignore: decorator
@inline export const BUILD_PROFILE: u32 = 4;

// ══ Cache (one per Heap object: per thread) ═════════════════════════════════════════════════════
//
//  c = user pointer of a KIND_CACHE block
//   +0   struct Cache (below)
//   +64  out[16]: what the last stats() call measured (STAT_* word indices)
//   +128 bins[CACHE_BINS]: { head, count, limit, refills }, bin index = block size >> 3
//
//  bin ──► block ──► block ──► 0        (linked through Block.prev, kind CACHED)
//  deferred ──► block ──► block ──► 0   (the same links; blocks of any size)
//
// The JavaScript side pops a bin when it allocates a small block and pushes it when it frees one
// (while count < limit); refill() and flush() move blocks between the bins and the free lists in
// batches of limit / 2. A block is in a bin (or on the deferred list) exactly when its kind is
// CACHED: popping a block that is not CACHED, or pushing one that is, is detected (a double free,
// or a damaged link).
//
// Threads. A cache belongs to one Heap object, so to one thread: only that thread's JavaScript
// pushes and pops its bins, and only that thread's wasm calls refill, flush and drain them (under
// the lock). Other threads read its words (stats(), check()) but never write them. A block may
// be freed into any thread's cache, whoever allocated it. The lock-free counters below are
// written by the owning thread only.

@unmanaged export class Cache {
  /** Next registered cache (0 = last). */
  next: u32;
  /** CACHE_ACTIVE while a Heap object uses it; CACHE_IDLE: free for the next attach. */
  state: u32;
  /** CACHE_REALTIME: never wait for the lock. */
  flags: u32;
  /** Status code of the last failed call (E_*), its address and a detail. */
  faultCode: u32;
  faultAddr: u32;
  faultInfo: u32;
  /** Blocks freed while the lock was taken (realtime), waiting to be flushed; linked like a bin. */
  deferred: u32;
  /** Profile build: the tag later allocations carry. */
  tag: u32;
  /** Blocks on the deferred list (its walks are bounded by it). */
  deferredCount: u32;
  /** Bytes in the blocks on the deferred list (stats() reads it, never walks another's list). */
  deferredBytes: u32;
  /** Times this cache found the lock taken (it then spun, waited or gave up). */
  contended: u32;
  /** Times this cache went past the bounded spin into a waiting path (sleep, or an unbounded spin). */
  waits: u32;
  /** Realtime: times a call gave up because the lock stayed taken (E_BUSY; frees were deferred). */
  busy: u32;
  /** Milliseconds to wait for a lock that nobody releases before giving up (see LOCK_*). */
  timeout: u32;
}

// @ts-ignore: decorator
@inline export const CACHE_OUT: u32 = 64;
// @ts-ignore: decorator
@inline export const CACHE_BINS_AT: u32 = 128;
/** Bins cover block sizes up to 8 · (CACHE_BINS - 1): requests up to CACHE_MAX_REQUEST in every build. */
// @ts-ignore: decorator
@inline export const CACHE_BINS: u32 = 132;
// @ts-ignore: decorator
@inline export const CACHE_MAX_REQUEST: u32 = 1023;
// @ts-ignore: decorator
@inline export const BIN_HEAD: u32 = 0;
// @ts-ignore: decorator
@inline export const BIN_COUNT: u32 = 4;
// @ts-ignore: decorator
@inline export const BIN_LIMIT: u32 = 8;
// @ts-ignore: decorator
@inline export const BIN_REFILLS: u32 = 12;
// @ts-ignore: decorator
@inline export const BIN_SIZE: u32 = 16;
// @ts-ignore: decorator
@inline export const CACHE_SIZE: u32 = CACHE_BINS_AT + CACHE_BINS * BIN_SIZE;
/** A bin holds at most this many bytes of blocks, and between BIN_MIN and BIN_MAX blocks. */
// @ts-ignore: decorator
@inline export const BIN_BYTES: u32 = 16384;
// @ts-ignore: decorator
@inline export const BIN_MIN: u32 = 8;
// @ts-ignore: decorator
@inline export const BIN_MAX: u32 = 64;
/** prefill() raises a bin's limit up to this many blocks; every walk of a bin is bounded by it. */
// @ts-ignore: decorator
@inline export const BIN_CAP: u32 = 4096;

// Cache.state
// @ts-ignore: decorator
@inline export const CACHE_ACTIVE: u32 = 1;
// @ts-ignore: decorator
@inline export const CACHE_IDLE: u32 = 2;
// Cache.flags
// @ts-ignore: decorator
@inline export const CACHE_REALTIME: u32 = 1;
/** The thread may block in Atomics.wait (not a browser's main thread, not an AudioWorklet). */
// @ts-ignore: decorator
@inline export const CACHE_CAN_WAIT: u32 = 2;

// The lock (shared build). Every thread first spins LOCK_SPINS times (a realtime cache only
// LOCK_REALTIME_SPINS times: well under a microsecond). Then a realtime cache gives up (E_BUSY); a thread that may wait sleeps in slices of at most LOCK_SLICE_MS; one that may not
// keeps spinning. A waiting or spinning thread gives up too (E_BUSY with faultInfo C_LOCK: a
// HeapError "the lock was held too long") once the lock has stayed taken, with no unlock by
// anyone, for Cache.timeout milliseconds (spinners count LOCK_SPINS_PER_MS spins as a
// millisecond: an estimate, measured in Chromium on a 2-core x86-64 machine — only browser threads
// spin, Node's can all wait; a faster machine gives up sooner): a thread that died holding the
// lock (a Worker terminated inside a heap call) cannot hang the others forever.
// @ts-ignore: decorator
@inline export const LOCK_SPINS: u32 = 256;
// @ts-ignore: decorator
@inline export const LOCK_REALTIME_SPINS: u32 = 16;
// @ts-ignore: decorator
@inline export const LOCK_SLICE_MS: u32 = 100;
// @ts-ignore: decorator
@inline export const LOCK_SPINS_PER_MS: u32 = 1000000;
/** Cache.timeout when the Heap object does not set one: 10 s. */
// @ts-ignore: decorator
@inline export const LOCK_TIMEOUT_MS: u32 = 10000;

// stats() results, word indices into Cache.out.
// @ts-ignore: decorator
@inline export const STAT_HEAP_BYTES: u32 = 0;
// @ts-ignore: decorator
@inline export const STAT_USED_BYTES: u32 = 1;
// @ts-ignore: decorator
@inline export const STAT_CACHED_BYTES: u32 = 2;
// @ts-ignore: decorator
@inline export const STAT_FREE_BYTES: u32 = 3;
// @ts-ignore: decorator
@inline export const STAT_PEAK_USED_BYTES: u32 = 4;
// @ts-ignore: decorator
@inline export const STAT_LIVE_BLOCKS: u32 = 5;
// @ts-ignore: decorator
@inline export const STAT_CACHED_BLOCKS: u32 = 6;
// @ts-ignore: decorator
@inline export const STAT_FREE_BLOCKS: u32 = 7;
// @ts-ignore: decorator
@inline export const STAT_LARGEST_FREE: u32 = 8;
// @ts-ignore: decorator
@inline export const STAT_GENERATION: u32 = 9;
// @ts-ignore: decorator
@inline export const STAT_COUNT: u32 = 10;

// ══ Arena (a bump region: one block of KIND_ARENA) ══════════════════════════════════════════════
//
//  a = user pointer of the arena's block
//   ┌────────┬────────┬────────┬────────┬─────────────────────────────────────────┐
//   │ cursor │ guard  │  end   │ owner  │ a+16 … cursor: handed out │ cursor … end │
//   └────────┴────────┴────────┴────────┴─────────────────────────────────────────┘
//   guard = imul(x ^ (x >>> 16), GOLDEN) with x = cursor ^ arenaKey(a) (src/arena.ts arenaGuard):
//   a stray write to either word is caught by the next alloc, and so are the same bit flipped
//   (or the same small add) in both, which would cancel out in cursor ^ key.
//   The JavaScript side bumps the cursor; it keeps the region's bounds it was given at creation.

@unmanaged export class Arena {
  /** Next free byte. */
  cursor: u32;
  /** arenaGuard(cursor, arenaKey(a)) (src/arena.ts): a mix of the cursor and a key. */
  guard: u32;
  /** End of the region (never changes). */
  end: u32;
  /** The cache (thread) that made it: arenas are thread-private. */
  owner: u32;
}
// @ts-ignore: decorator
@inline export const ARENA_HEADER: u32 = 16;

// ══ Pool (fixed-size slots; alloc and free run in JavaScript) ═══════════════════════════════════
//
//  pool p (user pointer of a KIND_POOL block)     stack (KIND_STACK block)
//  ┌──────────────┐                               ┌──────┬──────┬─────┬──────┬───────────┐
//  │ struct Pool  │── stack ─────────────────────►│ slot │ slot │ …   │ slot │ (unused)  │
//  └──────────────┘                               └──────┴──────┴─────┴──────┴───────────┘
//        │ slabs                                    0      1            top-1   … stackCap
//        ▼
//  slab s (user pointer of a KIND_SLAB block, aligned to slabBytes)
//  ┌─────────────┬──────┬──────┬──────┬─────┐
//  │ struct Slab │ slot │ slot │ slot │ …   │      slot address p ⇒ its slab is p & ~(slabBytes - 1)
//  └─────────────┴──────┴──────┴──────┴─────┘
//
//  A free slot's first word holds  (its stack position + 1) ^ slotKey(p). free(p) finds the slab by
//  masking, checks that p is a slot of it (one multiplication by the inverse of the slot size),
//  and that p is not already on the stack (stack[word - 1] == p): a double free, a foreign or
//  interior pointer, or a slot of another pool is refused in O(1); alloc refuses a stack entry
//  whose slot does not name its position (a damaged stack or a use after free).

@unmanaged export class Pool {
  /** Free slots on the stack. */
  top: u32;
  /** Address of the free stack (KIND_STACK block). */
  stack: u32;
  /** Entries the stack holds. */
  stackCap: u32;
  /** Slots in all slabs. */
  capacity: u32;
  /** Bytes per block, as asked. */
  blockBytes: u32;
  /** Distance between slots (blockBytes rounded up to the alignment). */
  slot: u32;
  /** Bytes per slab: a power of two, the slab's alignment. */
  slabBytes: u32;
  /** First slab (linked through Slab.next). */
  slabs: u32;
  /** The cache (thread) that owns the pool. */
  owner: u32;
  /** Frees from other threads, waiting for the owner (linked through each slot's second word). */
  remote: u32;
  /** Offset of the first slot in a slab. */
  first: u32;
  /** Slots per slab. */
  perSlab: u32;
}
// @ts-ignore: decorator
@inline export const POOL_HEADER: u32 = 48;

@unmanaged export class Slab {
  /** The pool this slab belongs to. */
  pool: u32;
  /** Next slab of the pool. */
  next: u32;
  /** slabKey(s, pool): a slot address masked to a slab of another pool (or no slab) fails it. */
  key: u32;
  /** Reserved (keeps the slots 16-aligned). */
  spare: u32;
}
// @ts-ignore: decorator
@inline export const SLAB_HEADER: u32 = 16;

// ══ Ring (single producer, single consumer; pushed and popped in JavaScript) ════════════════════
//
//  r = user pointer of a KIND_RING block, 64-aligned; every line below is one 64-byte cache line
//
//   r +   0 ┌─────────────────────────────────────────────────┐
//           │ struct Ring: check, capacity, type, channels     │ fixed at creation; never written again
//   r +  64 ├─────────────────────────────────────────────────┤ RING_WRITE
//           │ struct RingEnd of the producer: index, short…    │ written by the producer thread only
//   r + 128 ├─────────────────────────────────────────────────┤ RING_READ
//           │ struct RingEnd of the consumer: index, short…    │ written by the consumer thread only
//   r + 192 ├─────────────────────────────────────────────────┤ RING_DATA
//           │ plane 0: capacity elements (channel 0)           │
//           │ plane 1: capacity elements (channel 1)  …        │ one plane per channel
//           └─────────────────────────────────────────────────┘
//
//  The indices run free: RingEnd.index counts the frames written (or read) since creation, modulo
//  2^32. used = (write - read) mod 2^32 is 0 … capacity; frame i sits at element i & (capacity - 1)
//  of every plane. capacity is a power of two, so there is no modulo and no wasted slot (full is
//  used == capacity). Each index is written by one thread only, with an atomic store after the
//  elements it publishes, and read by the other thread with an atomic load before it touches
//  them: no lock, no wait, no atomic operation per element. The two indices live on separate
//  cache lines, so the threads do not invalidate each other's line at every call. A reader reads
//  the read index before the write index: then 0 ≤ write - read ≤ capacity holds for the pair it
//  read even while both move, and anything else is damage (a stray write), never a wild access.
//
//  check = ringCheckOf(r, capacity, type, channels, secret) (src/ring.ts): Ring.attach of an
//  address that is not a ring of this heap, and a stray write into the fixed words, fail it.
//  type: the element type, an index into Int8Array, Uint8Array, Uint8ClampedArray, Int16Array,
//  Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array.
//  The wasm module never reads a ring: rings are pushed, popped and checked in JavaScript.

@unmanaged export class Ring {
  /** ringCheckOf(r, capacity, type, channels, secret). */
  check: u32;
  /** Frames per channel: a power of two. */
  capacity: u32;
  /** Element type (index into the list above). */
  type: u32;
  /** Planes, one per channel. */
  channels: u32;
}

/** One end of a ring: its own cache line, written only by the thread at that end. */
@unmanaged export class RingEnd {
  /** Frames written (producer) or read (consumer) since creation, mod 2^32. */
  index: u32;
  /** Calls that moved fewer frames than asked: overruns (producer), underruns (consumer). */
  shortCalls: u32;
  /** Frames asked for and not moved by those calls, mod 2^32. */
  shortFrames: u32;
}
// @ts-ignore: decorator
@inline export const RING_WRITE: u32 = 64;
// @ts-ignore: decorator
@inline export const RING_READ: u32 = 128;
// @ts-ignore: decorator
@inline export const RING_DATA: u32 = 192;
/** Salt of ring check words. */
// @ts-ignore: decorator
@inline export const RING_SALT: u32 = 0x52494E47;

// ══ Profile (profile build only: per-tag tallies, one KIND_PROFILE block) ═══════════════════════
//
//  Every held block of a profile heap ends with a trailer (the last TRAILER bytes, after the
//  user's bytes; usableSize stops before it):
//
//   b                                                         b + size - 8     b + size
//   ┌────────┬────────────────────────────────────────────────┬────────┬────────┐
//   │ header │ user data                                      │  tag   │ serial │
//   └────────┴────────────────────────────────────────────────┴────────┴────────┘
//   tag:    the tag id the allocation carried: Cache.tag of the Heap object that made it
//           (TAG_ALLOCATOR for caches and these tables)
//   serial: Profile.serial when it was made; leaks(snapshot) keeps blocks made at or after it
//
//  t = user pointer of the KIND_PROFILE block (init makes it first; Root.profile names it)
//   +0                 struct Profile (below)
//   tallies(t)         tallies[TAG_COUNT]: struct Tally, TALLY_SIZE bytes each, indexed by tag id;
//                      tallies(t) = (t + PROFILE_TALLIES) rounded up to a multiple of TALLY_SIZE,
//                      so that no tally straddles two cache lines
//
//  A block is counted from the moment it is held (alloc, a pop from a cache bin) until it is
//  freed (free, a push into a cache bin); cached and free blocks are not counted. The
//  JavaScript fast paths update the tallies as the wasm side does. Invariant (check() walks the
//  trailers): for every tag id k, tallies[k].allocs - tallies[k].frees and .liveBytes are the
//  number and the bytes (whole blocks, headers and trailers included) of held blocks whose
//  trailer says k; and the sum of every tag's allocs is Profile.serial (mod 2^32): each
//  allocation takes one serial. Live blocks are allocs - frees rather than a counter of their
//  own: one store less on the allocation fast path.
//  Tag ids read from memory (Cache.tag, a trailer) are masked with TAG_COUNT - 1 before use:
//  a damaged id miscounts (check() reports it) but never reaches outside the table.

/** Bytes of a block's trailer in the profile build (TRAILER: what the current build adds). */
// @ts-ignore: decorator
@inline export const TRAILER_BYTES: u32 = 8;

@unmanaged export class Profile {
  /** Serial number the next allocation gets (wraps at 2^32). */
  serial: u32;
}
// @ts-ignore: decorator
@inline export const PROFILE_TALLIES: u32 = 32;

@unmanaged export class Tally {
  /** Bytes of held blocks that carry this tag (whole blocks). */
  liveBytes: u32;
  /** High-water mark of liveBytes. */
  peakLiveBytes: u32;
  /** Allocations that carried this tag: low and high words of a 64-bit count. */
  allocs: u32;
  allocsHigh: u32;
  /** Of those, freed: low and high words. */
  frees: u32;
  freesHigh: u32;
}
// @ts-ignore: decorator
@inline export const TALLY_SIZE: u32 = 32;
/** Tag ids are 0 … TAG_COUNT - 1 (a power of two: ids are masked with TAG_COUNT - 1). */
// @ts-ignore: decorator
@inline export const TAG_COUNT: u32 = 256;
/** Blocks allocated while no tag was set. */
// @ts-ignore: decorator
@inline export const TAG_NONE: u32 = 0;
/** The allocator's own blocks: caches and the profile table. */
// @ts-ignore: decorator
@inline export const TAG_ALLOCATOR: u32 = 1;
/** The first id heap.tag(name) hands out. */
// @ts-ignore: decorator
@inline export const TAG_FIRST: u32 = 2;
// @ts-ignore: decorator
@inline export const PROFILE_SIZE: u32 = PROFILE_TALLIES + TALLY_SIZE + TAG_COUNT * TALLY_SIZE;

// ══ Status codes (the wasm ABI returns them; src/faults.ts turns them into typed errors) ═════════
// Pointers are multiples of 8, so a call returning a pointer can return a code 1…7 instead, and
// the full code with its details is in the caller's Cache.faultCode / faultAddr / faultInfo.

// @ts-ignore: decorator
@inline export const OK: u32 = 0;
/** Out of memory (or, on a realtime heap, the lock was taken). faultInfo: bytes needed. */
// @ts-ignore: decorator
@inline export const E_OOM: u32 = 1;
/** Not the start of a block of this heap. */
// @ts-ignore: decorator
@inline export const E_NOT_A_BLOCK: u32 = 2;
/** The block is already free (or cached). */
// @ts-ignore: decorator
@inline export const E_DOUBLE_FREE: u32 = 3;
/** A block of another kind (faultInfo: its kind). */
// @ts-ignore: decorator
@inline export const E_KIND: u32 = 4;
/** Out of range or misaligned pointer. */
// @ts-ignore: decorator
@inline export const E_RANGE: u32 = 5;
/** Bad argument (faultInfo: the value). */
// @ts-ignore: decorator
@inline export const E_ARGUMENT: u32 = 6;
/** Allocator metadata is damaged (faultAddr: where; faultInfo: a C_* detail). */
// @ts-ignore: decorator
@inline export const E_CORRUPT: u32 = 7;
/**
 * The heap's lock was taken and this realtime cache may not wait (faultInfo 0), or the lock
 * stayed taken past the timeout with no unlock by anyone (faultInfo C_LOCK).
 */
// @ts-ignore: decorator
@inline export const E_BUSY: u32 = 8;

// What E_CORRUPT found (faultInfo), and what check() reports.
// @ts-ignore: decorator
@inline export const C_HEADER: u32 = 16;
// @ts-ignore: decorator
@inline export const C_NEIGHBOUR: u32 = 17;
// @ts-ignore: decorator
@inline export const C_LINK: u32 = 18;
// @ts-ignore: decorator
@inline export const C_BITMAP: u32 = 19;
// @ts-ignore: decorator
@inline export const C_ROOT: u32 = 20;
// @ts-ignore: decorator
@inline export const C_CACHE: u32 = 21;
// @ts-ignore: decorator
@inline export const C_CANARY: u32 = 22;
// @ts-ignore: decorator
@inline export const C_POISON: u32 = 23;
/** With E_BUSY: the lock stayed taken past the caller's timeout with no unlock by anyone. */
// @ts-ignore: decorator
@inline export const C_LOCK: u32 = 24;

// ══ Build flags (asc --use DEBUG=…, PROFILE=…, SHARED=…) ════════════════════════════════════════
// Debug: a canary of CANARY bytes ends every held block; free memory is filled with POISON.
// Profile: a trailer of TRAILER bytes ends every block (tag, serial number).

// @ts-ignore: decorator
@inline export const CANARY: u32 = DEBUG ? 8 : 0;
// @ts-ignore: decorator
@inline export const TRAILER: u32 = PROFILE ? TRAILER_BYTES : 0;
// @ts-ignore: decorator
@inline export const OVERHEAD: u32 = HEADER + CANARY + TRAILER;
// @ts-ignore: decorator
@inline export const POISON: u32 = 0xDB;
// @ts-ignore: decorator
@inline export const POISON32: u32 = 0xDBDBDBDB;
