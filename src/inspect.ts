// heap.check() and heap.stats(): read-only walks of the whole heap, in JavaScript.
//
// Both only read memory, and every walk is bounded by the heap's size, so a stray write can make
// them report damage, never hang or trap. check() verifies, like emmalloc's
// emmalloc_validate_memory_regions(), every invariant the allocator relies on; tests run it after
// every operation. It is written apart from the code it checks (assembly/), from the layout alone.
//
// Shared heaps, other threads running. check() holds the heap's lock for its walk: block sizes,
// the free lists and the root's counters stand still. What still moves is what other threads
// change without the lock: the tags of held blocks (USER ⇄ CACHED: their caches' pushes and pops,
// realtime deferred frees), their caches' bins, their pools' and arenas' contents. So a held
// block counts as held whichever of the two it says; this thread's own cache, pools and arenas
// are checked entry by entry; other threads' only by their blocks' headers. stats() reads without
// the lock (a seqlock: Root's epoch, bumped at every unlock, read before and after), falling back
// to the lock when other threads keep it busy (never on a realtime heap).

import * as L from './layout.js';
import { HeapCorruptionError, HeapError } from './errors.js';
import { hex, kindName } from './faults.js';
import { arenaFault } from './arena.js';
import { poolFault } from './pool.js';
import { ringFault } from './ring.js';
import type { Heap } from './heap.js';

/** What `heap.stats()` reports. Byte counts include the 8-byte block headers. */
export interface HeapStats {
  /** Bytes the heap spans (blocks + tail sentinel); grows with memory. */
  heapBytes: number;
  /** Bytes of wasm memory (the heap plus its control block). */
  memoryBytes: number;
  maximumBytes: number;
  /** Bytes in blocks the program holds (heap blocks, arenas, pools' slabs, caches' own blocks). */
  usedBytes: number;
  /** Bytes in blocks freed into the Heap objects' caches, ready for reuse (see `heap.trim()`). */
  cachedBytes: number;
  /** Bytes of the allocator's own blocks (one cache per Heap object; a profile heap's tables). */
  overheadBytes: number;
  /** Bytes in the free lists. */
  freeBytes: number;
  /** High-water mark of usedBytes + cachedBytes + overheadBytes. */
  peakUsedBytes: number;
  liveBlocks: number;
  cachedBlocks: number;
  freeBlocks: number;
  /** Size of the largest free block (the largest request that needs no growth is ≤ this - 8). */
  largestFreeBlock: number;
  /** Number of memory growths so far (see `heap.generation`). */
  generation: number;
  debug: boolean;
  shared: boolean;
  /** True when views made by allocArray survive growth (shared, resizable buffer, or fixed size). */
  stableViews: boolean;
  /** Blocks this Heap object freed while the lock was taken (realtime), waiting for its next locked call (part of cachedBlocks). */
  deferredBlocks: number;
  /** Shared heaps: this Heap object's calls that found the heap's lock taken (they spun, waited or gave up). */
  contended: number;
  /**
   * Shared heaps: this Heap object's calls that went past the bounded spin into a wait (Atomics
   * wait, or an unbounded spin where the thread may not wait). Always 0 on a `realtime` heap.
   */
  waits: number;
  /** Realtime heaps: this Heap object's calls that gave up because the lock was taken (tryAlloc → 0, frees deferred). */
  busy: number;
  /**
   * True when the heap-wide figures are one consistent moment of the shared core. False only on
   * a `realtime` heap whose reads kept meeting a taken lock, or when the lock was never released
   * (a thread died holding it): they may then mix two moments.
   */
  consistent: boolean;
}

/** Word index of a root field. */
export const rootWord = (field: number): number => (L.ROOT + field) >>> 2;
const R = rootWord;
const SALT_MAX = L.KIND_COUNT;

/** The check-word half that depends on address and size (assembly/layout.ts: mix). */
export const mixOf = (b: number, size: number, secret: number): number =>
  Math.imul(b ^ secret, L.GOLDEN) ^ Math.imul(size, L.GOLDEN2);

/** The kind whose check word the header at b carries, or KIND_COUNT. */
export function kindAt(m: Uint32Array, b: number, secret: number): number {
  const i = b >>> 2;
  return kindOfWords(m[i], m[i + 1], b, secret);
}

/** The kind a header (info, tag) at b carries, or KIND_COUNT. Int32 arithmetic only. */
function kindOfWords(info: number, tag: number, b: number, secret: number): number {
  const x = (tag | 0) ^ mixOf(b, info & ~L.TAGS, secret);
  const k = x & 15;
  return k < SALT_MAX && x === Math.imul(k, L.KIND_SALT) ? k : L.KIND_COUNT;
}

/** Same hash as assembly/index.ts rootCheckOf: the root words that never change. */
export function rootCheckOf(m: Uint32Array): number {
  let h = L.HEAP_MAGIC;
  h = Math.imul(h ^ m[R(L.ROOT_SECRET)], L.GOLDEN);
  h = Math.imul(h ^ m[R(L.ROOT_BUILD)], L.GOLDEN);
  h = Math.imul(h ^ m[R(L.ROOT_OVERHEAD)], L.GOLDEN);
  h = Math.imul(h ^ m[R(L.ROOT_HEAP_START)], L.GOLDEN);
  h = Math.imul(h ^ m[R(L.ROOT_MAX_PAGES)], L.GOLDEN);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * What the registered caches hold: bytes and blocks cached (bins and deferred lists), the caches'
 * own bytes and count, and whether a given cache is one of them.
 */
interface CacheTotals {
  bytes: number;
  blocks: number;
  own: number;
  caches: number;
  found: boolean;
}

/**
 * All registered caches (a bounded walk): fills `t` (`t.found`: `mine` is registered); returns
 * null, or what is wrong with the registry. Other threads' counts move while it reads: each is
 * read once and bounded.
 */
function cached(m: Uint32Array, secret: number, tail: number, t: CacheTotals, mine = 0): string | null {
  t.bytes = t.blocks = t.own = t.caches = 0;
  t.found = false;
  let guard = Math.floor(tail / L.CACHE_SIZE) + 1;
  for (let c = m[R(L.ROOT_CACHES)]; c !== 0; c = m[(c + L.CACHE_NEXT) >>> 2]) {
    if (guard-- === 0 || c >= tail || c & 7 || kindAt(m, c - L.HEADER, secret) !== L.KIND_CACHE) {
      return `the list of caches reaches ${hex(c)}, not a cache (the root or a cache was overwritten)`;
    }
    t.own += (m[(c - L.HEADER) >>> 2] & ~L.TAGS) >>> 0;
    t.caches++;
    t.found ||= c === mine;
    const bins = (c + L.CACHE_BINS_AT) >>> 2;
    for (let cls = L.MIN_BLOCK >>> 3; cls < L.CACHE_BINS; cls++) {
      const n = Math.min(m[bins + (cls << 2) + 1], L.BIN_CAP);
      t.blocks += n;
      t.bytes += n * (cls << 3);
    }
    t.blocks += Math.min(m[(c + L.CACHE_DEFERRED_COUNT) >>> 2], tail >>> 3);
    t.bytes += Math.min(m[(c + L.CACHE_DEFERRED_BYTES) >>> 2], tail);
  }
  return null;
}

const EPOCH_W = (L.ROOT + L.ROOT_EPOCH) >>> 2;
const LOCK_W = (L.ROOT + L.ROOT_LOCK) >>> 2;
/** Lock-free tries of stats() before it takes the lock (or, realtime, gives up on consistency). */
const STATS_TRIES = 64;
const REALTIME_STATS_TRIES = 8;
const totals: CacheTotals = { bytes: 0, blocks: 0, own: 0, caches: 0, found: false };

/**
 * Fills `into` with the heap's figures; reads memory only, every walk bounded. On a shared heap
 * the heap-wide figures are one consistent moment of the shared core (read between two unlocks,
 * or under the lock); the caches' counts are each read once (other threads' move without the lock).
 */
export function measure(heap: Heap, into: HeapStats): HeapStats {
  if (!heap.shared) {
    figures(heap, into, true);
    return into;
  }
  const tries = heap.realtime ? REALTIME_STATS_TRIES : STATS_TRIES;
  for (let t = 0; t < tries; t++) {
    const i32 = heap._fresh().i32;
    const epoch = Atomics.load(i32, EPOCH_W);
    if (Atomics.load(i32, LOCK_W) !== 0) continue;
    const sound = figures(heap, into, false);
    if (Atomics.load(i32, LOCK_W) === 0 && Atomics.load(i32, EPOCH_W) === epoch) {
      if (!sound) figures(heap, into, true); // damage in a consistent read: throw it
      return into;
    }
  }
  // Other threads keep the lock busy: take it. Not on a realtime heap, and not when nobody has
  // released it for the timeout (a thread died holding it): stats() then reports what it read.
  if (heap.realtime || heap._x.acquire(heap._c) !== L.OK) {
    figures(heap, into, false);
    into.consistent = false;
    return into;
  }
  heap._sync();
  try {
    figures(heap, into, true);
    return into;
  } finally {
    heap._x.release();
  }
}

/**
 * Takes the heap's lock for a walk (shared heaps). When it cannot — a realtime heap and a taken
 * lock, or a holder that never let go — throws, or returns false for a busy realtime heap when
 * `orFalse`.
 */
function lock(heap: Heap, call: string, orFalse = false): boolean {
  const code = heap._x.acquire(heap._c);
  if (code === L.OK) {
    heap._sync();
    return true;
  }
  if (heap._busy(code)) {
    if (orFalse) return false;
    throw new HeapError(`${call}: the heap is busy (another thread holds its lock) and this realtime Heap object never waits; call it again later`);
  }
  heap._status(code, call);
  return false;
}

/**
 * Reads the figures into `into`. Returns false when the cache registry looks damaged: `strict`
 * throws HeapCorruptionError instead (the caller knows the read was consistent).
 */
function figures(heap: Heap, into: HeapStats, strict: boolean): boolean {
  const m = heap._fresh().u32;
  const secret = heap._s;
  const memoryBytes = m.byteLength;
  const tail = memoryBytes - L.HEADER;
  const start = m[R(L.ROOT_HEAP_START)];
  const damage = cached(m, secret, tail, totals);
  if (damage !== null && strict) throw new HeapCorruptionError(`stats(): ${damage}`, m[R(L.ROOT_CACHES)]);
  // The profile build's tables are the allocator's own block too.
  const table = m[R(L.ROOT_PROFILE)];
  const tables = table > start && table < tail && (table & 7) === 0 && kindAt(m, table - L.HEADER, secret) === L.KIND_PROFILE ? 1 : 0;
  const overheadBytes = totals.own + (tables ? (m[(table - L.HEADER) >>> 2] & ~L.TAGS) >>> 0 : 0);
  const used = m[R(L.ROOT_USED_BYTES)];
  const live = m[R(L.ROOT_LIVE_BLOCKS)];
  const freeBlocks = m[R(L.ROOT_FREE_BLOCKS)];
  // The largest free block is in the highest non-empty class.
  let largest = 0;
  const flMap = m[R(L.ROOT_FL_MAP)];
  if (flMap !== 0) {
    const fl = 31 - Math.clz32(flMap);
    const slMap = fl < L.FL_COUNT ? m[(L.ROOT + L.ROOT_SL_MAP) / 4 + fl] : 0;
    const cls = (fl << L.SL_BITS) + 31 - Math.clz32(slMap);
    let b = slMap !== 0 ? m[(L.ROOT + L.ROOT_HEADS) / 4 + cls] : 0;
    // A list holds no more blocks than the heap counts free, nor than fit in memory (the counter
    // itself may be damaged): a walk that has not ended by then goes round a cycle.
    let steps = Math.min(freeBlocks, Math.floor(memoryBytes / L.MIN_BLOCK));
    for (; b !== 0 && b < tail && (b & 7) === 0 && steps > 0; steps--) {
      largest = Math.max(largest, (m[b >>> 2] & ~L.TAGS) >>> 0);
      b = m[(b + L.BLOCK_NEXT) >>> 2];
    }
    if (b !== 0) {
      // Read without the lock while other threads run, a list may look broken: the caller reads again.
      if (!strict) return false;
      throw new HeapCorruptionError(`stats(): free list ${cls} ${steps === 0 ? 'does not end (a cycle, or a damaged count of free blocks)' : `reaches ${hex(b)}, not a block`}: its links were overwritten`, b);
    }
  }
  const heapBytes = start < tail ? memoryBytes - start : 0;
  const cw = heap._c >>> 2; // this Heap object's cache (0 once disposed: the null guard's zeros)
  // Every read is done: `into` may have setters that allocate without disturbing the figures.
  into.heapBytes = heapBytes;
  into.memoryBytes = memoryBytes;
  into.maximumBytes = heap.maximumBytes;
  into.usedBytes = Math.max(0, used - totals.bytes - overheadBytes);
  into.cachedBytes = totals.bytes;
  into.overheadBytes = overheadBytes;
  into.freeBytes = Math.max(0, heapBytes - L.HEADER - used);
  into.peakUsedBytes = m[R(L.ROOT_PEAK_USED_BYTES)];
  into.liveBlocks = Math.max(0, live - totals.blocks - totals.caches - tables);
  into.cachedBlocks = totals.blocks;
  into.freeBlocks = freeBlocks;
  into.largestFreeBlock = largest;
  into.generation = m[R(L.ROOT_GENERATION)];
  into.debug = heap.debug;
  into.shared = heap.shared;
  into.stableViews = heap.stableViews;
  into.deferredBlocks = cw === 0 ? 0 : m[cw + (L.CACHE_DEFERRED_COUNT >>> 2)];
  into.contended = cw === 0 ? 0 : m[cw + (L.CACHE_CONTENDED >>> 2)];
  into.waits = cw === 0 ? 0 : m[cw + (L.CACHE_WAITS >>> 2)];
  into.busy = cw === 0 ? 0 : m[cw + (L.CACHE_BUSY >>> 2)];
  into.consistent = true;
  return damage === null;
}

/**
 * Walks the whole heap and throws HeapCorruptionError at the first broken invariant. Reads
 * memory only. On a shared heap, other threads' caches, pools and arenas move while it runs: it
 * checks their blocks' headers, not their contents.
 */
export function checkHeap(heap: Heap, orSkipIfBusy = false): void {
  if (!heap.shared) {
    new Walk(heap).run();
    return;
  }
  // Attaching on a realtime thread (orSkipIfBusy): the module checked the root already; the walk
  // is extra, and the thread must not wait for it.
  if (!lock(heap, 'check()', orSkipIfBusy)) return;
  try {
    new Walk(heap).run();
  } finally {
    heap._x.release();
  }
}

function fail(what: string, at: number): never {
  throw new HeapCorruptionError(`check(): ${what}`, at);
}

/** One check() run: the walks share what they found through these fields. */
class Walk {
  readonly m: Uint32Array;
  readonly secret: number;
  readonly tail: number;
  readonly start: number;
  usedBytes = 0;
  liveBlocks = 0;
  freeBytes = 0;
  freeBlocks = 0;
  cachedBlocks = 0;
  freeSum = 0;
  freeXor = 0;
  readonly pools: number[] = [];

  constructor(readonly heap: Heap) {
    this.m = heap._fresh().u32;
    this.secret = heap._s;
    this.tail = this.m.byteLength - L.HEADER;
    this.start = this.m[R(L.ROOT_HEAP_START)];
  }

  run(): void {
    this.root();
    this.blocks();
    this.lists();
    this.caches();
    for (const p of this.pools) {
      const f = poolFault(this.m, p, this.secret, (a, k) => this.isBlock(a, k), this.heap.debug);
      if (f) fail(`the pool at ${hex(p)} is damaged: ${f}`, p);
    }
    this.totals();
  }

  /** True when `addr` is the user pointer of a block of `kind`. */
  isBlock(addr: number, kind: number): boolean {
    return addr >= this.start + L.HEADER && addr < this.tail && (addr & 7) === 0 && kindAt(this.m, addr - L.HEADER, this.secret) === kind;
  }

  /** The null guard (nothing ever writes below it) and the root. */
  root(): void {
    const m = this.m;
    for (let i = 0; i < L.NULL_GUARD >>> 2; i++) {
      if (m[i] !== 0) fail(`memory at ${hex(i * 4)} (below ${L.NULL_GUARD}) was written: a write through a null pointer (the 0 tryAlloc returns when full?)`, i * 4);
    }
    const start = this.start;
    if (m[R(L.ROOT_MAGIC)] !== L.HEAP_MAGIC || m[R(L.ROOT_CHECK)] !== rootCheckOf(m) || (m[R(L.ROOT_SECRET)] | 0) !== this.secret ||
        start < L.MEMORY_BASE || start >= this.tail || start & 7 || m[R(L.ROOT_OVERHEAD)] !== this.heap._over - 7) {
      fail("the heap's root (control block) is damaged", L.ROOT);
    }
    // 0 free, 1 taken, 2 taken with sleepers; only the shared build takes it.
    if (m[R(L.ROOT_LOCK)] > (this.heap.shared ? 2 : 0)) fail(`the heap's lock word holds ${hex(m[R(L.ROOT_LOCK)])} (overwritten)`, L.ROOT + L.ROOT_LOCK);
  }

  /** 1. Every block in address order: header, size, tags, back words, canaries and poison. */
  blocks(): void {
    const { m, secret, tail, heap } = this;
    const debug = heap.debug;
    const overhead = heap._over - 7;
    const mine = (owner: number): boolean => !heap.shared || owner === heap._c;
    let leftFree = false;
    let b = this.start;
    while (b < tail) {
      const info = m[b >>> 2];
      const size = (info & ~L.TAGS) >>> 0; // sizes are unsigned: blocks can pass 2 GiB
      const kind = kindAt(m, b, secret);
      if (kind === L.KIND_COUNT) fail(`block at ${hex(b)}: its header does not match its check word (overwritten)`, b);
      if (size < L.MIN_BLOCK || size > tail - b || info & 4) fail(`block at ${hex(b)}: impossible size ${size}`, b);
      if (((info & L.LEFTFREE) !== 0) !== leftFree) fail(`block at ${hex(b)}: its LEFTFREE tag disagrees with its left neighbour`, b);
      const isFree = (info & L.FREE) !== 0;
      if (isFree !== (kind === L.KIND_FREE) || kind === L.KIND_STALE) fail(`block at ${hex(b)}: its FREE tag disagrees with its kind (${kindName(kind)})`, b);
      if (isFree) {
        if (leftFree) fail(`block at ${hex(b)}: two adjacent free blocks (missed coalescing)`, b);
        if (m[(b + size - 4) >>> 2] !== b) fail(`free block at ${hex(b)}: its back word holds ${hex(m[(b + size - 4) >>> 2])}`, b);
        if (debug) poisonIntact(m, b, size, secret);
        this.freeBytes += size;
        this.freeBlocks++;
        this.freeSum = (this.freeSum + Math.imul(b, L.GOLDEN)) | 0;
        this.freeXor ^= Math.imul(b ^ 0x2545f491, L.GOLDEN2);
      } else {
        const u = b + L.HEADER;
        if (debug && kind !== L.KIND_CACHED) canaryIntact(m, b, size, secret);
        if (kind === L.KIND_CACHED) this.cachedBlocks++;
        else if (kind === L.KIND_ARENA && mine(m[(u + L.ARENA_OWNER) >>> 2])) {
          const f = arenaFault(m, u, size, overhead, secret);
          if (f) fail(`the arena at ${hex(u)} is damaged: ${f}`, u);
        } else if (kind === L.KIND_POOL && mine(m[(u + L.POOL_OWNER) >>> 2])) this.pools.push(u);
        else if (kind === L.KIND_RING) {
          const f = ringFault(m, u, size, overhead, secret);
          if (f) fail(`the ring at ${hex(u)} is damaged: ${f}`, u);
        }
        this.usedBytes += size;
        this.liveBlocks++;
      }
      leftFree = isFree;
      b += size;
    }
    if (b !== tail) fail(`the walk ended at ${hex(b)}, not at the tail sentinel ${hex(tail)}`, b);
    if (kindAt(m, tail, secret) !== L.KIND_USER || (m[tail >>> 2] & ~L.LEFTFREE) !== 0 || ((m[tail >>> 2] & L.LEFTFREE) !== 0) !== leftFree) {
      fail(`the tail sentinel at ${hex(tail)} is damaged`, tail);
    }
  }

  /**
   * 2. The free lists: every entry a free block of its class, linked both ways; the bitmaps say
   * which lists are non-empty; together they hold exactly the free blocks the walk met. (A list
   * walk cannot meet a block twice: each entry's prev must be the entry before it.)
   */
  lists(): void {
    const { m, secret, start, tail } = this;
    const flMap = m[R(L.ROOT_FL_MAP)];
    let listed = 0, sum = 0, xor = 0;
    for (let fl = 0; fl < L.FL_COUNT; fl++) {
      const slMap = m[R(L.ROOT_SL_MAP) + fl];
      if ((slMap !== 0) !== (((flMap >>> fl) & 1) !== 0)) fail(`the first-level bitmap disagrees with level ${fl}`, L.ROOT);
      for (let sl = 0; sl < L.SL_COUNT; sl++) {
        const cls = (fl << L.SL_BITS) | sl;
        let n = m[R(L.ROOT_HEADS) + cls];
        if ((n !== 0) !== (((slMap >>> sl) & 1) !== 0)) fail(`the bitmap of free list ${cls} disagrees with the list`, L.ROOT);
        let prev = 0;
        while (n !== 0) {
          if (listed >= this.freeBlocks || n < start || n >= tail || n & 7 || kindAt(m, n, secret) !== L.KIND_FREE ||
              classOf((m[n >>> 2] & ~L.TAGS) >>> 0) !== cls || m[(n + L.BLOCK_PREV) >>> 2] !== prev) {
            fail(`free list ${cls}: entry ${hex(n)} is not a free block of that class linked back to ${hex(prev)}`, n);
          }
          listed++;
          sum = (sum + Math.imul(n, L.GOLDEN)) | 0;
          xor ^= Math.imul(n ^ 0x2545f491, L.GOLDEN2);
          prev = n;
          n = m[(n + L.BLOCK_NEXT) >>> 2];
        }
      }
    }
    if (listed !== this.freeBlocks || sum !== this.freeSum || xor !== this.freeXor) {
      fail(`the free lists hold ${listed} blocks, the heap has ${this.freeBlocks} free blocks, not the same ones`, L.ROOT);
    }
  }

  /**
   * 3. This Heap object's cache, entry by entry: its bins and its deferred list (others move
   * under other threads on a shared heap: the registry walk checks their headers only).
   */
  caches(): void {
    const { m, heap } = this;
    let own = 0;
    if (heap._c !== 0) {
      const bins = (heap._c + L.CACHE_BINS_AT) >>> 2;
      for (let cls = L.MIN_BLOCK >>> 3; cls < L.CACHE_BINS; cls++) {
        const count = m[bins + (cls << 2) + 1];
        const limit = m[bins + (cls << 2) + 2];
        // No bin holds more than BIN_CAP blocks: that also bounds the walk of its chain, whatever the links say.
        if (count > L.BIN_CAP || limit > L.BIN_CAP) fail(`cache bin ${cls} counts ${count} blocks with a limit of ${limit}: more than a bin holds`, heap._c);
        own += this.chain(m[bins + (cls << 2)], count, cls << 3, cls, heap._c);
      }
      const w = heap._c >>> 2;
      let bytes = 0;
      own += this.chain(m[w + (L.CACHE_DEFERRED >>> 2)], m[w + (L.CACHE_DEFERRED_COUNT >>> 2)], 0, -1, heap._c, (b) => (bytes += b));
      if (bytes !== m[w + (L.CACHE_DEFERRED_BYTES >>> 2)]) fail(`the deferred frees hold ${bytes} bytes but count ${m[w + (L.CACHE_DEFERRED_BYTES >>> 2)]}`, heap._c);
    }
    const damage = cached(m, this.secret, this.tail, totals, heap._c);
    if (damage !== null) fail(damage, m[R(L.ROOT_CACHES)]);
    if (heap._c !== 0 && !totals.found) fail(`this Heap object's cache ${hex(heap._c)} is missing from the list of caches (the root or a cache was overwritten)`, L.ROOT);
    if (!heap.shared ? totals.blocks !== this.cachedBlocks || own !== this.cachedBlocks : own > this.cachedBlocks) {
      fail(`${this.cachedBlocks} blocks are marked cached, the caches hold ${heap.shared ? `at least ${own}` : totals.blocks}`, L.ROOT);
    }
  }

  /**
   * One chain of CACHED blocks (cache bin `cls`: all of `size` bytes; the deferred list, cls -1:
   * size 0, any) that says it holds `count`; returns its length. `sizes` sees each block's size.
   */
  chain(first: number, count: number, size: number, cls: number, at: number, sizes?: (bytes: number) => void): number {
    const { m, secret, start, tail } = this;
    // A count no heap of this size could hold is damage (and would make the walk below unbounded).
    if (count > tail / L.MIN_BLOCK) fail(`${chainName(cls)} counts ${count} blocks: more than the heap holds`, at);
    let n = 0;
    for (let e = first; e !== 0; e = m[(e + L.BLOCK_PREV) >>> 2]) {
      const bytes = (m[e >>> 2] & ~L.TAGS) >>> 0;
      if (n >= count || e < start || e >= tail || e & 7 || kindAt(m, e, secret) !== L.KIND_CACHED || (size !== 0 && bytes !== size)) {
        fail(`${chainName(cls)}: entry ${hex(e)} is not a cached block${size ? ` of ${size} bytes` : ''} (written after it was freed?)`, e);
      }
      sizes?.(bytes);
      n++;
    }
    if (n !== count) fail(`${chainName(cls)} holds ${n} blocks but counts ${count}`, at);
    return n;
  }

  /** 5. The root's running totals agree with the walk. */
  totals(): void {
    const m = this.m;
    if (this.usedBytes !== m[R(L.ROOT_USED_BYTES)] || this.liveBlocks !== m[R(L.ROOT_LIVE_BLOCKS)] ||
        this.freeBlocks !== m[R(L.ROOT_FREE_BLOCKS)] || m[R(L.ROOT_PEAK_USED_BYTES)] < this.usedBytes ||
        this.usedBytes + this.freeBytes + L.HEADER !== m.byteLength - this.start) {
      fail(`the root's counters disagree with the walk (${this.usedBytes} bytes in ${this.liveBlocks} held blocks, ${this.freeBlocks} free blocks)`, L.ROOT);
    }
  }
}

/**
 * Debug build: the free block b is poison from its links to its back word, but for the headers
 * of blocks merged into it (STALE: kept so that freeing them again says "double free").
 */
function poisonIntact(m: Uint32Array, b: number, size: number, secret: number): void {
  const end = (b + size - 4) >>> 2;
  for (let i = (b + 16) >>> 2; i < end; i++) {
    if (m[i] !== L.POISON32) {
      if ((i & 1) === 0 && i + 2 <= end && kindAt(m, i * 4, secret) === L.KIND_STALE) i++;
      else fail(`use after free: the free block at ${hex(b + L.HEADER)} was written at +${i * 4 - b - L.HEADER}`, b + L.HEADER);
    }
  }
}

/** Debug build: the canary after the held block b is intact (assembly/debug.ts canaryWord). */
function canaryIntact(m: Uint32Array, b: number, size: number, secret: number): void {
  const w = (Math.imul(b, L.GOLDEN) ^ secret ^ 0x5afec0de) >>> 0;
  const at = (b + size - 8) >>> 2;
  if (m[at] !== w || m[at + 1] !== (~w >>> 0)) fail(`write past the end of the block at ${hex(b + L.HEADER)}: its canary was overwritten`, b + L.HEADER);
}

/** The free-list class of a free block of `size` bytes (assembly/freelist.ts classOf). */
export function classOf(size: number): number {
  if (size < L.SMALL_LIMIT) return size >>> 3;
  const msb = 31 - Math.clz32(size);
  return ((msb - L.FL_SHIFT) << L.SL_BITS) | ((size >>> (msb - L.SL_BITS)) & (L.SL_COUNT - 1));
}

/** Chain `cls` of check()'s cache walk as its messages name it (made only for a message). */
function chainName(cls: number): string {
  return cls < 0 ? 'the deferred frees' : `cache bin ${cls}`;
}
