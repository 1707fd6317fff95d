// The stray-write fuzzer: random single-word writes anywhere in the allocator's metadata (block
// headers, free blocks' links and back words, cached blocks' bin links, cache bins, the root, arena
// and pool headers, free stacks, slab headers, free slots' position words, the null guard; the
// debug build's canaries and poison) between random operations on live blocks whose every byte
// holds a stamp derived from their id. The rule it enforces, for every operation:
//
//   success (and the returned memory is inside the heap, outside its metadata, overlaps no live
//   block; check() then passes or throws HeapCorruptionError), or a typed HeapError
//   (HeapCorruptionError, InvalidPointerError, OutOfMemoryError). Never a WebAssembly.RuntimeError
//   or any other error, never a hang (test/stray.worker.ts runs this under a watchdog), never a
//   stamp found changed (memory handed out twice, or metadata written over a live block), never a
//   double free or a pointer into a block accepted, and on a heap no stray write has touched, no
//   error but OutOfMemoryError at all.
//
// After damage a heap keeps being used for a while (more writes, more operations: the rule still
// holds), then a fresh one starts. Everything random comes from one seed, each heap's secret
// included (seededSecret below): a failure replays exactly.

import { Heap, HeapCorruptionError, HeapError, InvalidPointerError, OutOfMemoryError, type HeapOptions, type HeapStats } from '../src/index.js';
import * as L from '../src/layout.js';
import { Aim, kindAt, type Scene } from './stray-aim.js';
import { type ArenaRec, type Build, type Held, type PoolRec, Rng, Ranges, firstNonZero, hex, stamp, stampBroken, stampByte } from './stray-model.js';

export type { Build } from './stray-model.js';

/** `h` and then every word of `words`, hashed (FNV-1a over 32-bit words). */
function digest(h: number, words: Uint32Array): number {
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return h >>> 0;
}

/**
 * Runs `make` with crypto.getRandomValues drawing from `rng`, so the heap it makes gets its
 * secret (the key of every check word) from the seed. Which stray write a check word happens to
 * miss depends on that secret: without this, a seed would not replay the same run.
 */
export function seededSecret<T>(rng: Rng, make: () => T): T {
  const c = globalThis.crypto as Crypto & { getRandomValues: Crypto['getRandomValues'] };
  const own = Object.getOwnPropertyDescriptor(c, 'getRandomValues');
  const fill = <A extends ArrayBufferView | null>(a: A): A => {
    if (!(a instanceof Uint32Array)) throw new TypeError('seededSecret: the heap asked for other random values than a Uint32Array');
    for (let i = 0; i < a.length; i++) a[i] = rng.u32();
    return a;
  };
  Object.defineProperty(c, 'getRandomValues', { value: fill, configurable: true, writable: true });
  try {
    return make();
  } finally {
    if (own) Object.defineProperty(c, 'getRandomValues', own);
    else delete (c as { getRandomValues?: unknown }).getRandomValues;
  }
}

export interface StrayConfig {
  build: Build;
  /** Operations to run (stray writes and the check() after each operation not counted). */
  ops: number;
  seed: number;
  /** Replay: stop at the start of operation `stopAt`, with the trace ending in its description. */
  stopAt?: number;
}

export interface StraySummary {
  build: Build;
  seed: number;
  ops: number;
  heaps: number;
  /** Stray writes that changed a word, by what they hit. */
  writes: Record<string, number>;
  /** Of those, writes after which nothing reported damage before the next write or a fresh heap. */
  quiet: Record<string, number>;
  /** The same, by the word hit (addresses left out). */
  quietWords: Record<string, number>;
  /** Typed errors thrown by operations (check() excluded). */
  corruption: number;
  invalidPointer: number;
  outOfMemory: number;
  /** check() calls, and how many threw HeapCorruptionError. */
  checks: number;
  checksFailed: number;
  /** A hash of every heap's memory, word by word, at the end of its life: what a replay must reproduce. */
  memoryDigest: number;
}

/** A broken rule, with the seed, the operation number and the trace that led to it. */
export class StrayFailure extends Error {
  constructor(message: string, readonly op: number, readonly trace: string[]) {
    super(message);
    this.name = 'StrayFailure';
  }
}

/** Thrown in a replay when operation `stopAt` is reached. */
export class StrayStop extends StrayFailure {}

/** Progress for the watchdog: a sequence number bumped before every heap call, the operation, and whether it is a check(). */
export type Progress = (seq: number, op: number, checking: boolean) => void;

export function runStray(config: StrayConfig, progress?: Progress): StraySummary {
  return new StrayFuzzer(config, progress).run();
}

/** Pool internals the fuzzer reads (the pool's own JavaScript fields, not memory a stray write can reach). */
interface PoolInternals {
  _stackW: number;
  _stackCap: number;
  _first: number;
  _perSlab: number;
  _slabBytes: number;
}

// A stray 1 or 2 in a shared heap's lock word reads as "taken" by a holder that never lets go: calls
// then give up after lockTimeoutMs (HeapError), kept short here.
const LOCK_TIMEOUT_MS = 50;
const BUILD_OPTIONS: Record<Build, HeapOptions> = {
  release: {}, debug: { debug: true }, shared: { shared: true, lockTimeoutMs: LOCK_TIMEOUT_MS }, profile: { profile: true },
};
/** The error a call gives up with when the lock stayed taken with no unlock for lockTimeoutMs. */
const lockTimedOut = (e: unknown): e is HeapError => e instanceof HeapError && e.message.includes('lockTimeoutMs');
// Heap sizes per life: fixed and small (out of memory often), growing from small, growing from 1 MiB.
// The debug build's check() reads all free memory (poison): its heaps stay smaller.
const SIZES: Record<'small' | 'debug', [number, number][]> = {
  small: [[64 << 10, 4 << 20], [256 << 10, 256 << 10], [1 << 20, 8 << 20]],
  debug: [[64 << 10, 2 << 20], [256 << 10, 256 << 10], [512 << 10, 4 << 20]],
};
const HUGE = [0xffffffff, 0xfff00000, 0xffeffff0, 0xfc000000, 0xfbff0000, 0xf0000000, 0x80000000, 0xffff0000];
const ALIGNS = [16, 32, 64, 128, 256, 4096, 65536];
class StrayFuzzer implements Scene {
  readonly rng: Rng;
  readonly build: Build;
  private readonly trace: string[] = [];
  private op = 0;
  private seq = 0;
  private nextId = 1;
  private readonly sum: StraySummary;

  // The current heap and what is live in it.
  heap!: Heap;
  private heaps: Heap[] = [];
  start = 0;
  secret = 0;
  /** Heap-level blocks (headers included): user blocks, arenas, pool blocks, caches. */
  private blocks = new Ranges();
  /** User bytes: heap blocks' payloads, arena allocations, pool slots. Never a stray-write target. */
  private payloads = new Ranges();
  held: Held[] = [];
  arenas: ArenaRec[] = [];
  pools: PoolRec[] = [];
  caches = new Set<number>();
  stale: number[] = [];
  private aim!: Aim;
  /** An operation that relies on the word the last stray write hit: run again and again for the next `followLeft` operations. */
  private follow: (() => void) | undefined;
  private followLeft = 0;
  /** Stray writes that changed a word in this heap's life; before the first one, no error but OutOfMemoryError is allowed. */
  private damage = 0;
  /** Operation at which this heap first reported damage (-1: not yet). */
  private reportedAt = -1;
  /** What the last write hit, until something reports damage ('' when nothing is pending). */
  private pending = '';
  private pendingWord = '';
  private lastWriteOp = -1;
  /** The heap cannot be used any more (its lock is damaged). */
  private dead = false;

  constructor(private readonly config: StrayConfig, private readonly progress?: Progress) {
    this.rng = new Rng(config.seed);
    this.build = config.build;
    this.sum = {
      build: config.build, seed: config.seed, ops: 0, heaps: 0, writes: {}, quiet: {}, quietWords: {},
      corruption: 0, invalidPointer: 0, outOfMemory: 0, checks: 0, checksFailed: 0, memoryDigest: 0,
    };
  }

  run(): StraySummary {
    while (this.op < this.config.ops) this.life();
    this.sum.ops = this.op;
    return this.sum;
  }

  // ── One heap's life ────────────────────────────────────────────────────────────────────────

  private life(): void {
    const rng = this.rng;
    this.newHeap();
    const length = rng.between(100, 700);
    const end = Math.min(this.op + length, this.config.ops);
    // One life in ten has no stray write: the fuzzer's own model must hold there exactly.
    let writeAt = rng.chance(0.1) ? Infinity : this.op + rng.between(5, length >>> 1);
    while (this.op < end) {
      if (this.op >= writeAt) {
        this.strayWrite();
        writeAt = this.op + (rng.chance(0.3) ? 0 : rng.between(1, 40));
      }
      this.step();
      this.op++;
      this.afterStep();
      if ((this.reportedAt >= 0 && this.op - this.reportedAt > 120) || this.dead) break;
    }
    this.settle();
    this.verifyAll();
    this.sum.memoryDigest = digest(this.sum.memoryDigest, this.heap.u32);
  }

  private newHeap(): void {
    const rng = this.rng;
    const [initialBytes, maximumBytes] = rng.pick(SIZES[this.build === 'debug' ? 'debug' : 'small']);
    const heap = seededSecret(rng, () => new Heap({ ...BUILD_OPTIONS[this.build], initialBytes, maximumBytes }));
    this.heap = heap;
    this.heaps = [heap];
    this.blocks = new Ranges();
    this.payloads = new Ranges();
    this.held = [];
    this.arenas = [];
    this.pools = [];
    this.caches = new Set();
    this.stale = [];
    this.damage = 0;
    this.dead = false;
    this.reportedAt = -1;
    this.pending = '';
    const m = heap.u32;
    this.start = m[(L.ROOT + L.ROOT_HEAP_START) >>> 2];
    this.secret = heap._s;
    this.addCache(heap);
    this.aim = new Aim(this);
    this.follow = undefined;
    this.sum.heaps++;
    this.note(`new heap ${this.build} ${initialBytes}…${maximumBytes} bytes, heap starts at ${hex(this.start)}`);
  }

  private addCache(h: Heap): void {
    const c = h._c;
    if (this.caches.has(c)) return;
    this.caches.add(c);
    const size = h.u32[(c - L.HEADER) >>> 2] & ~L.TAGS;
    this.addBlock(c - L.HEADER, c - L.HEADER + size, `cache of a Heap object ${hex(c)}`, 'new Heap');
  }

  /** A damage report was due and came (or nothing more can come): the pending write was noticed. */
  private reported(): void {
    if (this.reportedAt < 0) this.reportedAt = this.op;
    this.pending = '';
  }

  /** The life ends: a write nobody reported is counted as quiet. */
  private settle(): void {
    if (this.pending) {
      this.sum.quiet[this.pending] = (this.sum.quiet[this.pending] ?? 0) + 1;
      this.sum.quietWords[this.pendingWord] = (this.sum.quietWords[this.pendingWord] ?? 0) + 1;
    }
    this.pending = '';
  }

  // ── Operations ─────────────────────────────────────────────────────────────────────────────

  private static readonly WEIGHTS = [
    18, // 0 alloc small (the JS cache path)
    6, // 1 alloc large
    4, // 2 aligned alloc
    2, // 3 calloc
    1, // 4 allocArray
    22, // 5 free
    6, // 6 realloc
    2, // 7 usableSize
    2, // 8 free of a stale or interior pointer
    1, // 9 huge request
    2, // 10 new arena
    8, // 11 arena alloc
    1, // 12 arena mark
    1, // 13 arena reset
    1, // 14 arena dispose
    1, // 15 new pool
    8, // 16 pool alloc
    7, // 17 pool free
    1, // 18 pool dispose
    1, // 19 trim
    2, // 20 stats
    1, // 21 reserve
    1, // 22 another Heap object on the memory (shared), dispose one
  ];
  private static readonly TOTAL = StrayFuzzer.WEIGHTS.reduce((a, b) => a + b, 0);

  private step(): void {
    const rng = this.rng;
    if (this.follow && this.followLeft-- > 0 && rng.chance(0.7)) return this.follow();
    let k = rng.weighted(StrayFuzzer.WEIGHTS, StrayFuzzer.TOTAL);
    if (this.held.length > 300 && k <= 4) k = 5; // keep the live set (and the walks) small
    switch (k) {
      case 0: return this.alloc(this.smallSize(), 8, rng.chance(0.3));
      case 1: return this.alloc(this.largeSize(), 8, rng.chance(0.3));
      case 2: return this.alloc(rng.chance(0.7) ? this.smallSize() : this.largeSize(), rng.pick(ALIGNS), false);
      case 3: return this.calloc();
      case 4: return this.allocArray();
      case 5: return this.free();
      case 6: return this.realloc();
      case 7: return this.usableSize();
      case 8: return this.badFree();
      case 9: return this.huge();
      case 10: return this.newArena();
      case 11: return this.arenas.length ? this.arenaAlloc(rng.pick(this.arenas)) : this.newArena();
      case 12: return this.arenas.length ? this.arenaMark(rng.pick(this.arenas)) : undefined;
      case 13: return this.arenas.length ? this.arenaReset(rng.pick(this.arenas)) : undefined;
      case 14: return this.arenaDispose(rng.below(this.arenas.length));
      case 15: return this.newPool();
      case 16: return this.pools.length ? this.poolAlloc(rng.pick(this.pools)) : this.newPool();
      case 17: return this.pools.length ? this.poolFree(rng.pick(this.pools)) : undefined;
      case 18: return this.poolDispose(rng.below(this.pools.length));
      case 19: return this.trim();
      case 20: return this.stats();
      case 21: return this.attempt('reserve', () => this.anyHeap().reserve(rng.between(0, 256 << 10), rng.between(1, 64)));
      case 22: return this.build === 'shared' ? this.otherHeapObject() : this.free();
    }
  }

  private smallSize(): number {
    const r = this.rng;
    return r.chance(0.6) ? r.between(0, 64) : r.chance(0.75) ? r.between(65, 512) : r.between(513, 1023);
  }

  private largeSize(): number {
    const r = this.rng;
    return r.chance(0.9) ? r.between(1024, 16384) : r.chance(0.85) ? r.between(16385, 131072) : r.between(131073, 1 << 20);
  }

  /** A Heap object on the current memory (shared: any attached one; else the one). */
  private anyHeap(): Heap {
    return this.heaps.length === 1 ? this.heap : this.rng.pick(this.heaps);
  }

  private alloc(n: number, align: number, orZero: boolean): void {
    const h = this.anyHeap();
    const call = `${orZero ? 'tryAlloc' : 'alloc'}(${n}${align !== 8 ? `, ${align}` : ''})`;
    this.attempt(call, () => {
      const p = orZero ? h.tryAlloc(n, align) : h.alloc(n, align);
      if (p === 0 && orZero) return;
      this.takeHeapBlock(p, n, align, h, call);
    });
  }

  private calloc(): void {
    const h = this.anyHeap();
    const n = this.rng.chance(0.7) ? this.smallSize() : this.largeSize();
    const call = `calloc(${n})`;
    this.attempt(call, () => {
      const p = h.calloc(n);
      this.checkPlace(p, n, 8, call);
      const i = firstNonZero(h.u8, p, n);
      if (i >= 0) this.fail(`${call} returned ${hex(p)} whose byte ${i} is not 0`);
      this.takeHeapBlock(p, n, 8, h, call);
    });
  }

  private allocArray(): void {
    const h = this.anyHeap();
    const len = this.rng.between(0, 300);
    const call = `allocArray(Float64Array, ${len})`;
    this.attempt(call, () => {
      const v = h.allocArray(Float64Array, len);
      this.takeHeapBlock(v.byteOffset, len * 8, 8, h, call, v);
    });
  }

  /** Checks a heap block just handed out (in the heap, aligned, overlapping nothing live) and stamps it. */
  private takeHeapBlock(p: number, n: number, align: number, owner: Heap, call: string, view?: ArrayBufferView): void {
    this.checkPlace(p, n, align, call);
    const b: Held = { p, n, id: this.nextId++, align, owner, view };
    this.addBlock(p - L.HEADER, p + Math.max(n, 1), `block ${hex(p)} (${n} B)`, call);
    this.payloads.add(p, p + Math.max(n, 1), `block ${hex(p)}`);
    stamp(owner.u8, p, b.id, 0, n);
    this.held.push(b);
  }

  /** Rule: a returned block lies inside the heap (after the root, before the tail sentinel), aligned, overlapping no live block. */
  private checkPlace(p: number, n: number, align: number, call: string): void {
    const tail = this.heap.u8.length - L.HEADER;
    if (typeof p !== 'number' || !Number.isInteger(p) || p <= 0) this.fail(`${call} returned ${String(p)}`);
    if (p % Math.max(align, 8) !== 0) this.fail(`${call} returned ${hex(p)}, not aligned to ${Math.max(align, 8)}`);
    if (p < this.start + L.HEADER || p + n > tail) this.fail(`${call} returned ${hex(p)}…${hex(p + n)}: outside the heap (${hex(this.start)}…${hex(tail)})`);
    const hit = this.blocks.overlap(p - L.HEADER, p + Math.max(n, 1));
    if (hit) this.fail(`${call} returned ${hex(p)} (${n} B), which overlaps the live ${hit}: handed out twice`);
  }

  private addBlock(a: number, b: number, name: string, call: string): void {
    const hit = this.blocks.overlap(a, b);
    if (hit) this.fail(`${call}: ${name} overlaps the live ${hit}`);
    this.blocks.add(a, b, name);
  }

  private dropHeld(i: number): Held {
    const b = this.held[i];
    this.held[i] = this.held[this.held.length - 1];
    this.held.pop();
    this.blocks.remove(b.p - L.HEADER);
    this.payloads.remove(b.p);
    this.stale.push(b.p);
    if (this.stale.length > 32) this.stale.shift();
    return b;
  }

  private free(): void {
    if (this.held.length === 0) return this.alloc(this.smallSize(), 8, true);
    this.freeIndex(this.rng.below(this.held.length));
  }

  private freeIndex(i: number): void {
    const b = this.held[i];
    this.verify(b, 'before free');
    const h = this.build === 'shared' ? this.anyHeap() : b.owner;
    // A view of a non-shared memory that grew is detached: it is freed by address (see README "Growth").
    const view = b.view && b.view.buffer.byteLength !== 0 ? b.view : undefined;
    const call = `free(${hex(b.p)}${view ? ' as a view' : ''})`;
    this.attempt(call, () => {
      h.free(view ?? b.p);
      this.dropHeld(i);
    });
  }

  // Follow-ups (see stray-aim.ts): operations on what a stray write just hit.

  allocBytes(n: number): void {
    this.alloc(n, 8, false);
  }

  freeAt(p: number): void {
    const i = this.held.findIndex((b) => b.p === p);
    if (i >= 0) this.freeIndex(i);
    else this.free();
  }

  trim(): void {
    this.attempt('trim()', () => this.anyHeap().trim());
  }

  useArena(r: ArenaRec): void {
    if (!this.arenas.includes(r)) return this.free(); // disposed since
    const k = this.rng.below(8);
    if (k < 5) this.arenaAlloc(r);
    else if (k === 5) this.arenaMark(r);
    else if (k === 6) this.arenaReset(r);
    else this.arenaDispose(this.arenas.indexOf(r));
  }

  usePool(r: PoolRec): void {
    if (!this.pools.includes(r)) return this.free(); // disposed since
    const k = this.rng.below(8);
    if (k < 4) this.poolAlloc(r);
    else if (k < 7) this.poolFree(r);
    else this.poolDispose(this.pools.indexOf(r));
  }

  private realloc(): void {
    if (this.held.length === 0) return;
    const rng = this.rng;
    const i = rng.below(this.held.length);
    const b = this.held[i];
    if (b.view) return this.free();
    const n = rng.chance(0.6) ? this.smallSize() : this.largeSize();
    const align = b.align > 8 && rng.chance(0.7) ? b.align : 8;
    this.verify(b, 'before realloc');
    const call = `realloc(${hex(b.p)}, ${n}${align !== 8 ? `, ${align}` : ''})`;
    this.attempt(call, () => {
      let q: number;
      try {
        q = this.anyHeap().realloc(b.p, n, align);
      } catch (e) {
        this.verify(b, `after a failed ${call}`); // rule: a failed realloc leaves the block as it was
        throw e;
      }
      this.blocks.remove(b.p - L.HEADER);
      this.payloads.remove(b.p);
      this.checkPlace(q, n, align, call);
      const keep = Math.min(b.n, n);
      const broken = stampBroken(this.heap.u8, q, b.id, 0, keep);
      if (broken >= 0) this.fail(`${call} returned ${hex(q)} whose byte ${broken} is not the block's (the first ${keep} bytes must be kept)`);
      if (q !== b.p) {
        this.stale.push(b.p);
        if (this.stale.length > 32) this.stale.shift();
      }
      b.p = q;
      b.n = n;
      b.align = align;
      this.blocks.add(q - L.HEADER, q + Math.max(n, 1), `block ${hex(q)} (${n} B)`);
      this.payloads.add(q, q + Math.max(n, 1), `block ${hex(q)}`);
      stamp(this.heap.u8, q, b.id, keep, n);
    });
  }

  private usableSize(): void {
    if (this.held.length === 0) return;
    const b = this.rng.pick(this.held);
    const call = `usableSize(${hex(b.p)})`;
    this.attempt(call, () => {
      const u = this.anyHeap().usableSize(b.p);
      if (!(u >= b.n && b.p + u <= this.heap.u8.length - L.HEADER)) this.fail(`${call} = ${u} for a block of ${b.n} bytes`);
    });
  }

  /** Rule: freeing a pointer that is not a live block (freed before, or inside a block) is refused, whatever the damage. */
  private badFree(): void {
    const rng = this.rng;
    let p: number;
    if (this.stale.length > 0 && rng.chance(0.6)) {
      p = rng.pick(this.stale);
      if (this.held.some((b) => b.p === p)) return; // reused since: a live block again
    } else {
      const big = this.held.filter((b) => b.n >= 16);
      if (big.length === 0) return;
      const b = rng.pick(big);
      p = b.p + 8 * rng.between(1, b.n >>> 3);
    }
    const call = `free(${hex(p)}) of no live block`;
    this.attempt(call, () => {
      this.anyHeap().free(p);
      this.fail(`${call} was accepted`);
    }, true);
  }

  /** Rule: a request no heap can satisfy is out of memory (tryAlloc: 0), never a block. */
  private huge(): void {
    const rng = this.rng;
    const n = rng.chance(0.5) ? rng.pick(HUGE) : rng.between(0xf0000000, 0xffffffff);
    const align = rng.chance(0.5) ? 8 : rng.pick(ALIGNS);
    const call = `tryAlloc(${hex(n)}, ${align})`;
    this.attempt(call, () => {
      const p = this.anyHeap().tryAlloc(n, align);
      if (p !== 0) this.fail(`${call} returned ${hex(p)} on a heap of ${this.heap.u8.length} bytes`);
    });
  }

  // ── Arenas ─────────────────────────────────────────────────────────────────────────────────

  private newArena(): void {
    if (this.arenas.length >= 4) return this.arenaDispose(this.rng.below(this.arenas.length));
    const n = this.rng.between(0, 32768);
    const call = `arena(${n})`;
    const h = this.anyHeap();
    this.attempt(call, () => {
      const arena = h.arena(n);
      const a = arena.address;
      const end = (arena as unknown as { _end: number })._end;
      this.checkPlace(a, end - a, 16, call);
      if (end - (a + L.ARENA_HEADER) < n) this.fail(`${call}: capacity ${end - a - L.ARENA_HEADER}`);
      this.blocks.add(a - L.HEADER, end, `arena ${hex(a)}`);
      this.arenas.push({ arena, owner: h, base: a + L.ARENA_HEADER, end, allocs: [], marks: [] });
    });
  }

  private arenaAlloc(r: ArenaRec): void {
    const rng = this.rng;
    const n = rng.chance(0.8) ? rng.between(0, 128) : rng.between(129, 4096);
    const align = rng.chance(0.6) ? 8 : rng.pick([1, 2, 4, 16, 64]);
    const call = `arena ${hex(r.arena.address)}.tryAlloc(${n}, ${align})`;
    this.attempt(call, () => {
      const p = r.arena.tryAlloc(n, align);
      if (p === 0) return;
      const top = r.allocs.length ? r.allocs[r.allocs.length - 1].p + r.allocs[r.allocs.length - 1].n : r.base;
      if (p % align !== 0 || p < top || p + n > r.end) this.fail(`${call} returned ${hex(p)}: outside its free part ${hex(top)}…${hex(r.end)} or misaligned`);
      const hit = this.payloads.overlap(p, p + n);
      if (hit && n > 0) this.fail(`${call} returned ${hex(p)}, which overlaps the live ${hit}`);
      const b: Held = { p, n, id: this.nextId++, align, owner: r.owner };
      if (n > 0) this.payloads.add(p, p + n, `arena allocation ${hex(p)}`);
      stamp(this.heap.u8, p, b.id, 0, n);
      r.allocs.push(b);
    });
  }

  private arenaMark(r: ArenaRec): void {
    this.attempt(`arena ${hex(r.arena.address)}.mark()`, () => {
      const at = r.arena.mark();
      const top = r.allocs.length ? r.allocs[r.allocs.length - 1].p + r.allocs[r.allocs.length - 1].n : r.base;
      if (at !== top) this.fail(`arena.mark() = ${hex(at)}, but the last allocation ends at ${hex(top)}`);
      r.marks.push({ at, count: r.allocs.length });
    });
  }

  private arenaReset(r: ArenaRec): void {
    const k = this.rng.below(r.marks.length + 1); // marks.length: reset() to the start
    const mark = k < r.marks.length ? r.marks[k] : undefined;
    this.attempt(`arena ${hex(r.arena.address)}.reset(${mark ? hex(mark.at) : ''})`, () => {
      r.arena.reset(mark?.at);
      const count = mark?.count ?? 0;
      for (const b of r.allocs.splice(count)) this.payloads.remove(b.p);
      r.marks.length = mark ? k + 1 : 0;
    });
  }

  private arenaDispose(i: number): void {
    const r = this.arenas[i];
    if (!r) return;
    for (const b of r.allocs) this.verify(b, 'before arena.dispose()');
    this.attempt(`arena ${hex(r.arena.address)}.dispose()`, () => {
      try {
        r.arena.dispose();
      } finally {
        if (r.arena.disposed) {
          // Gone for JavaScript; its block went back to the heap unless the release failed.
          this.arenas.splice(this.arenas.indexOf(r), 1);
          for (const b of r.allocs) this.payloads.remove(b.p);
          const a = r.base - L.ARENA_HEADER;
          if (kindAt(this.heap.u32, a - L.HEADER, this.secret) !== L.KIND_ARENA) this.blocks.remove(a - L.HEADER);
        }
      }
    });
  }

  // ── Pools ──────────────────────────────────────────────────────────────────────────────────

  private newPool(): void {
    if (this.pools.length >= 4) return this.poolDispose(this.rng.below(this.pools.length));
    const rng = this.rng;
    const bytes = rng.chance(0.7) ? rng.between(1, 128) : rng.between(129, 2000);
    const align = rng.pick([8, 8, 16, 64]);
    const capacity = rng.chance(0.5) ? 0 : rng.between(1, 200);
    const h = this.anyHeap();
    const call = `pool(${bytes}, { align: ${align}, capacity: ${capacity} })`;
    this.attempt(call, () => {
      const pool = h.pool(bytes, { align, capacity });
      const x = pool as unknown as PoolInternals;
      const r: PoolRec = {
        pool, owner: h, slabs: new Set(), stack: 0, stackBytes: 0, slotBytes: pool.slotBytes, first: x._first,
        perSlab: x._perSlab, slabBytes: x._slabBytes, live: new Map(), lazy: new Set(),
      };
      this.checkPlace(pool.address, L.POOL_HEADER, 8, call);
      this.blocks.add(pool.address - L.HEADER, pool.address + L.POOL_HEADER, `pool header ${hex(pool.address)}`);
      // No stray write since it was made: its slab list is the truth.
      const m = this.heap.u32;
      for (let s = m[(pool.address + L.POOL_SLABS) >>> 2]; s !== 0; s = m[(s + L.SLAB_NEXT) >>> 2]) this.addSlab(r, s, call);
      this.syncStack(r, call);
      this.pools.push(r);
    });
  }

  private addSlab(r: PoolRec, s: number, call: string): void {
    this.checkPlace(s, r.slabBytes, r.slabBytes, `${call} (a new slab)`);
    this.blocks.add(s - L.HEADER, s + r.slabBytes, `slab ${hex(s)} of pool ${hex(r.pool.address)}`);
    r.slabs.add(s);
  }

  /** The pool's free stack (it moves when the pool grows): from its JavaScript fields. */
  private syncStack(r: PoolRec, call: string): void {
    const x = r.pool as unknown as PoolInternals;
    const stack = x._stackW * 4;
    if (stack === r.stack || r.pool.disposed) return;
    if (r.stack !== 0 && kindAt(this.heap.u32, r.stack - L.HEADER, this.secret) !== L.KIND_STACK) this.blocks.remove(r.stack - L.HEADER);
    r.stack = stack;
    r.stackBytes = x._stackCap * 4;
    if (stack !== 0) {
      this.checkPlace(stack, r.stackBytes, 8, `${call} (a new free stack)`);
      this.blocks.add(stack - L.HEADER, stack + r.stackBytes, `free stack ${hex(stack)} of pool ${hex(r.pool.address)}`);
    }
  }

  private poolAlloc(r: PoolRec): void {
    const call = `pool ${hex(r.pool.address)}.tryAlloc()`;
    const slabsWord = (r.pool.address + L.POOL_SLABS) >>> 2;
    const before = this.heap.u32[slabsWord];
    this.attempt(call, () => {
      let p: number;
      try {
        p = r.pool.tryAlloc();
      } finally {
        // A new slab is the only thing that changes the slab list's head.
        const after = this.heap.u32[slabsWord];
        if (after !== before && !r.slabs.has(after)) this.addSlab(r, after, call);
        this.syncStack(r, call);
      }
      if (p === 0) return;
      const s = (p & ~(r.slabBytes - 1)) >>> 0;
      const off = p - s - r.first;
      if (!r.slabs.has(s) || off < 0 || off % r.slotBytes !== 0 || off / r.slotBytes >= r.perSlab) {
        this.fail(`${call} returned ${hex(p)}: not a slot of the pool's slabs`);
      }
      const n = r.pool.blockBytes;
      if (r.live.has(p)) this.fail(`${call} returned ${hex(p)}, a slot already live: handed out twice`);
      const hit = this.payloads.overlap(p, p + n);
      if (hit) this.fail(`${call} returned ${hex(p)}, which overlaps the live ${hit}`);
      const b: Held = { p, n, id: this.nextId++, align: 8, owner: r.owner };
      this.payloads.add(p, p + n, `pool slot ${hex(p)}`);
      // A quarter of the slots are used lazily: their first word (a free slot's position word) is never written.
      const lazy = this.rng.chance(0.25) && n >= 8;
      if (lazy) r.lazy.add(p);
      else r.lazy.delete(p);
      stamp(this.heap.u8, p, b.id, lazy ? 4 : 0, n);
      r.live.set(p, b);
    });
  }

  private poolFree(r: PoolRec): void {
    if (r.live.size === 0) return this.poolAlloc(r);
    const ps = [...r.live.keys()];
    const p = this.rng.pick(ps);
    const b = r.live.get(p)!;
    this.verify(b, 'before pool.free', r.lazy.has(p) ? 4 : 0);
    this.attempt(`pool ${hex(r.pool.address)}.free(${hex(p)})`, () => {
      r.pool.free(p);
      r.live.delete(p);
      this.payloads.remove(p);
    });
  }

  private poolDispose(i: number): void {
    const r = this.pools[i];
    if (!r) return;
    const a = r.pool.address;
    this.attempt(`pool ${hex(a)}.dispose()`, () => {
      try {
        r.pool.dispose();
      } finally {
        if (r.pool.disposed) {
          this.pools.splice(this.pools.indexOf(r), 1);
          for (const p of r.live.keys()) this.payloads.remove(p);
          // Blocks released before a failure are gone; the others stay (leaked, still held).
          const m = this.heap.u32;
          const gone = (u: number, kind: number) => kindAt(m, u - L.HEADER, this.secret) !== kind;
          for (const s of r.slabs) if (gone(s, L.KIND_SLAB)) this.blocks.remove(s - L.HEADER);
          if (r.stack !== 0 && gone(r.stack, L.KIND_STACK)) this.blocks.remove(r.stack - L.HEADER);
          if (gone(a, L.KIND_POOL)) this.blocks.remove(a - L.HEADER);
        }
      }
    });
  }

  // ── Whole-heap calls ───────────────────────────────────────────────────────────────────────

  private stats(): void {
    const h = this.anyHeap();
    const into = this.rng.chance(0.5) ? ({} as HeapStats) : undefined;
    this.attempt('stats()', () => {
      const s = h.stats(into);
      for (const [k, v] of Object.entries(s)) {
        if (typeof v === 'number' && !(Number.isInteger(v) && v >= 0)) this.fail(`stats().${k} = ${v}`);
      }
      if (this.damage === 0 && s.liveBlocks !== this.heapLevelBlocks()) {
        this.fail(`stats().liveBlocks = ${s.liveBlocks}, but ${this.heapLevelBlocks()} blocks are live`);
      }
    });
  }

  /** Blocks the heap counts as live: user blocks, arenas, pool headers, stacks and slabs. */
  private heapLevelBlocks(): number {
    let n = this.held.length + this.arenas.length;
    for (const r of this.pools) n += 1 + r.slabs.size + (r.stack !== 0 ? 1 : 0);
    return n;
  }

  /** Shared build: attach another Heap object to the memory (a damaged heap must be refused), or dispose one. */
  private otherHeapObject(): void {
    if (this.heaps.length > 1 && this.rng.chance(0.4)) {
      const h = this.heaps[this.heaps.length - 1];
      if (this.arenas.some((r) => r.owner === h) || this.pools.some((r) => r.owner === h)) return;
      this.attempt('dispose() of a second Heap object', () => {
        h.dispose();
        this.heaps.pop();
        for (const b of this.held) if (b.owner === h) b.owner = this.heap;
      });
      return;
    }
    if (this.heaps.length >= 3) return;
    this.attempt('new Heap({ shared: true, memory }) (attach)', () => {
      const h = new Heap({ shared: true, memory: this.heap.memory, lockTimeoutMs: LOCK_TIMEOUT_MS });
      this.heaps.push(h);
      this.addCache(h);
    }, false, true);
  }

  // ── Stray writes ───────────────────────────────────────────────────────────────────────────

  private strayWrite(): void {
    const m = this.heap.u32;
    for (let tries = 0; tries < 20; tries++) {
      const t = this.aim.target(m);
      if (!t) continue;
      const { at, what } = t;
      if (at + 4 > m.byteLength || this.payloads.overlap(at, at + 4)) continue; // user bytes are not metadata
      const old = m[at >>> 2];
      let v = old;
      for (let k = 0; k < 4 && v === old; k++) v = this.aim.value(m, old);
      if (v === old) continue;
      m[at >>> 2] = v;
      const kind = what.replace(/ .*/, '');
      this.sum.writes[kind] = (this.sum.writes[kind] ?? 0) + 1;
      this.settle();
      this.pending = kind;
      this.pendingWord = what.replace(/ (at|of) 0x[0-9a-f]+/g, '').replace(/ \d+$/, '');
      this.damage++;
      this.lastWriteOp = this.op;
      this.note(`stray write at ${hex(at)} (${what}): ${hex(old)} → ${hex(v)}`);
      this.follow = t.follow;
      this.followLeft = this.rng.between(1, 8);
      return;
    }
  }

  // ── Outcomes ───────────────────────────────────────────────────────────────────────────────

  /**
   * Runs one heap call and judges its outcome. `misuse`: the call passes a bad pointer on purpose
   * (InvalidPointerError expected even on a sound heap). `attach`: a TypeError saying the memory
   * holds no heap of this build is the documented answer when the root's magic word is hit.
   */
  private attempt(call: string, fn: () => void, misuse = false, attach = false): void {
    this.note(`${this.op}: ${call}`);
    if (this.op === this.config.stopAt) throw new StrayStop(`stopped before operation ${this.op}: ${call}`, this.op, this.trace);
    this.progress?.(++this.seq, this.op, false);
    try {
      fn();
    } catch (e) {
      this.judge(e, call, misuse, attach);
    }
  }

  private judge(e: unknown, call: string, misuse: boolean, attach: boolean): void {
    if (e instanceof StrayFailure) throw e;
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    if (e instanceof OutOfMemoryError) {
      this.sum.outOfMemory++;
      return;
    }
    if (e instanceof HeapCorruptionError || e instanceof InvalidPointerError || lockTimedOut(e) || (attach && e instanceof TypeError && /another build/.test(e.message))) {
      if (e instanceof InvalidPointerError) this.sum.invalidPointer++;
      else this.sum.corruption++;
      if (misuse && e instanceof InvalidPointerError) return;
      if (this.damage === 0) this.fail(`${call} threw ${msg} on a heap no stray write has touched`);
      this.note(`   → ${msg.slice(0, 160)}`);
      this.reported();
      // A damaged lock: every later call says so (after lockTimeoutMs for a stuck "taken"): start afresh.
      if (msg.includes('lock word') || lockTimedOut(e)) this.dead = true;
      return;
    }
    this.fail(`${call} threw ${msg}${e instanceof Error && e.stack ? `\n${e.stack.split('\n').slice(1, 6).join('\n')}` : ''}`);
  }

  /** After every operation: check() (every time in the fast builds, often in debug), stamps now and then. */
  private afterStep(): void {
    const sinceWrite = this.op - this.lastWriteOp;
    const every = this.build === 'debug' ? (sinceWrite <= 4 ? 1 : 8) : 1;
    if (this.op % every === 0) this.check();
    if (this.op % 64 === 0) this.verifyAll();
  }

  private check(): void {
    this.sum.checks++;
    this.progress?.(++this.seq, this.op - 1, true);
    try {
      this.anyHeap().check();
    } catch (e) {
      if (!(e instanceof HeapCorruptionError || lockTimedOut(e))) this.fail(`check() threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      this.sum.checksFailed++;
      if (this.damage === 0) this.fail(`check() threw on a heap no stray write has touched: ${e.message}`);
      if (this.pending) this.note(`   check() → ${e.message.slice(0, 160)}`);
      this.reported();
    }
  }

  // ── Stamps ─────────────────────────────────────────────────────────────────────────────────

  private verify(b: Held, when: string, from = 0): void {
    const u8 = this.heap.u8;
    const i = stampBroken(u8, b.p, b.id, from, b.n);
    if (i >= 0) {
      this.fail(`${when}: byte ${i} of the live block ${hex(b.p)} (${b.n} B) is ${u8[b.p + i]}, not ${stampByte(b.id, i)}: ` +
        'the allocator wrote into it, or handed its memory out twice');
    }
  }

  private verifyAll(): void {
    for (const b of this.held) this.verify(b, `op ${this.op}`);
    for (const r of this.arenas) for (const b of r.allocs) this.verify(b, `op ${this.op}`);
    for (const r of this.pools) for (const [p, b] of r.live) this.verify(b, `op ${this.op}`, r.lazy.has(p) ? 4 : 0);
  }

  private note(line: string): void {
    this.trace.push(line);
    if (this.trace.length > 60) this.trace.shift();
  }

  private fail(message: string): never {
    throw new StrayFailure(`${this.build} build, seed ${this.config.seed}, operation ${this.op}: ${message}`, this.op, this.trace.slice());
  }
}
