// Where the stray-write fuzzer (test/stray.ts) writes, what it writes, and what it does next.
//
// A target is one metadata word, found from the fuzzer's own records (live blocks, arenas, pools,
// caches) and from a walk of the heap's headers: the root (every word: counters, bitmaps, list
// heads, the lock word and its line), the null guard, any block's header (the tail sentinel
// included), a free block's links, back word and header, a cached block's bin link and header, a
// cache's words and bins, an arena's header, a pool's header, free stack, slab headers and free
// slots' position words, the debug build's canaries and poison, the profile build's trailers.
//
// With the target comes a follow-up: an operation that relies on the word just hit (allocate the
// damaged free block's size class, free its neighbours, pop the damaged bin, use the damaged
// arena or pool), so that damage meets the code that must notice it, not only check().

import type { Heap } from '../src/index.js';
import { kindAt } from '../src/inspect.js';
import * as L from '../src/layout.js';
import { type ArenaRec, type Build, type Held, type PoolRec, Rng, hex } from './stray-model.js';

/** One word to hit: its address, what it is, and an operation that relies on it. */
export interface Target {
  at: number;
  what: string;
  follow?: () => void;
}

/** What the fuzzer shows the aim: its records, and the operations follow-ups may run. */
export interface Scene {
  readonly rng: Rng;
  readonly build: Build;
  readonly heap: Heap;
  readonly start: number;
  readonly secret: number;
  readonly held: readonly Held[];
  readonly stale: readonly number[];
  readonly arenas: readonly ArenaRec[];
  readonly pools: readonly PoolRec[];
  readonly caches: ReadonlySet<number>;
  /** heap.alloc(n) (8-aligned), judged and recorded. */
  allocBytes(n: number): void;
  /** Frees the live block at user pointer p, or a random one when p is not live. */
  freeAt(p: number): void;
  trim(): void;
  /** A random operation on this arena / pool. */
  useArena(r: ArenaRec): void;
  usePool(r: PoolRec): void;
}

// The kind of a header (its check word), as the library's check() reads it.
export { kindAt };

/** The smallest block size of the free-list class of a block of `size` bytes (a request for it searches that class first). */
const classBase = (size: number): number => (size < L.SMALL_LIMIT ? size : size & -(1 << (31 - Math.clz32(size) - L.SL_BITS)));

const ROOT_WORDS = L.ROOT_SIZE >>> 2;
const BIN = ['head', 'count', 'limit', 'refills'];
// How often each kind of target is hit: root, null guard, headers, free blocks, cached blocks,
// caches, arenas, pools, debug canaries and poison, profile trailers.
const WEIGHTS: Record<Build, number[]> = {
  release: [12, 2, 16, 16, 10, 8, 6, 8, 0, 0],
  shared: [12, 2, 16, 16, 10, 8, 6, 8, 0, 0],
  debug: [12, 2, 16, 16, 10, 8, 6, 8, 8, 0],
  profile: [12, 2, 16, 16, 10, 8, 6, 8, 0, 4],
};
const TOTALS = Object.fromEntries(Object.entries(WEIGHTS).map(([k, w]) => [k, w.reduce((a, b) => a + b, 0)])) as Record<Build, number>;

/** Picks targets and values for one heap's life. */
export class Aim {
  /** Bytes a block adds to a request (header, canary, trailer). */
  private readonly over: number;

  constructor(private readonly s: Scene) {
    this.over = s.heap._over - 7;
  }

  /** The blocks met walking the heap in address order from its start, until a header does not parse: [address, size, kind]. */
  walk(m: Uint32Array): [number, number, number][] {
    const out: [number, number, number][] = [];
    const tail = m.byteLength - L.HEADER;
    let b = this.s.start;
    while (b < tail && out.length < 100_000) {
      const size = m[b >>> 2] & ~L.TAGS;
      if (size < L.MIN_BLOCK || size > tail - b) break;
      out.push([b, size, kindAt(m, b, this.s.secret)]);
      b += size;
    }
    return out;
  }

  /** A request whose search starts in the free-list class of a block of `size` bytes. */
  private allocClass(size: number): () => void {
    const n = Math.max(0, classBase(size) - this.over);
    return () => this.s.allocBytes(n);
  }

  /** An operation that reads the block at b (`size` bytes) of the walk: use it, or free a neighbour (which merges with it or checks it). */
  private around(blocks: [number, number, number][], i: number): () => void {
    const s = this.s;
    const [b, size, kind] = blocks[i];
    const r = s.rng.below(4);
    if (r === 0 && i > 0) return () => s.freeAt(blocks[i - 1][0] + L.HEADER);
    if (r === 1 && i + 1 < blocks.length) return () => s.freeAt(blocks[i + 1][0] + L.HEADER);
    if (kind === L.KIND_USER) return () => s.freeAt(b + L.HEADER);
    const arena = s.arenas.find((a) => a.base - L.ARENA_HEADER === b + L.HEADER);
    if (arena) return () => s.useArena(arena);
    const pool = s.pools.find((p) => p.pool.address === b + L.HEADER || p.stack === b + L.HEADER || p.slabs.has(b + L.HEADER));
    if (pool) return () => s.usePool(pool);
    return this.allocClass(size);
  }

  target(m: Uint32Array): Target | undefined {
    const s = this.s;
    const rng = s.rng;
    switch (rng.weighted(WEIGHTS[s.build], TOTALS[s.build])) {
      case 0: return this.root(m);
      case 1: return { at: rng.below(L.NULL_GUARD >>> 2) * 4, what: 'null-guard word' };
      case 2: { // a block header, any kind (the tail sentinel included)
        const blocks = this.walk(m);
        if (rng.chance(0.05) || blocks.length === 0) {
          return { at: m.byteLength - L.HEADER + 4 * rng.below(2), what: 'header of the tail sentinel', follow: () => s.allocBytes(m.byteLength) };
        }
        const i = rng.below(blocks.length);
        const w = rng.below(2);
        return { at: blocks[i][0] + 4 * w, what: `header (${w ? 'tag' : 'info'}) of a block of kind ${blocks[i][2]} at ${hex(blocks[i][0])}`, follow: this.around(blocks, i) };
      }
      case 3: { // a free block: links, back word, header
        const blocks = this.walk(m);
        const free = blocks.flatMap((x, i) => (x[2] === L.KIND_FREE ? [i] : []));
        if (free.length === 0) return undefined;
        const i = rng.pick(free);
        const [b, size] = blocks[i];
        const w = rng.below(5);
        const at = w === 0 ? b + 8 : w === 1 ? b + 12 : w === 2 ? b + size - 4 : b + 4 * (w - 3);
        return { at, what: `free-block ${['prev link', 'next link', 'back word', 'info', 'tag'][w]} of ${hex(b)}`, follow: rng.chance(0.5) ? this.allocClass(size) : this.around(blocks, i) };
      }
      case 4: { // a cached block: its bin link or header
        const cached = this.walk(m).filter(([, , k]) => k === L.KIND_CACHED);
        if (cached.length === 0) return undefined;
        const [b, size] = rng.pick(cached);
        const w = rng.below(3);
        return { at: w === 0 ? b + 8 : b + 4 * (w - 1), what: `cached-block ${['bin link', 'info', 'tag'][w]} of ${hex(b)}`, follow: rng.chance(0.7) ? this.allocClass(size) : () => s.trim() };
      }
      case 5: return this.cache(m);
      case 6: { // an arena's header
        if (s.arenas.length === 0) return undefined;
        const r = rng.pick(s.arenas);
        const w = rng.below(4);
        const a = r.base - L.ARENA_HEADER;
        return { at: a + 4 * w, what: `arena ${['cursor', 'guard', 'end', 'owner'][w]} of ${hex(a)}`, follow: () => s.useArena(r) };
      }
      case 7: return this.pool(m);
      case 8: { // debug build: a live block's canary, or a free block's poison (a use after free)
        if (rng.chance(0.5) && s.held.length) {
          const p = rng.pick(s.held).p;
          const b = p - L.HEADER;
          const size = m[b >>> 2] & ~L.TAGS;
          return { at: b + size - 8 + 4 * rng.below(2), what: `canary of ${hex(b)}`, follow: () => s.freeAt(p) };
        }
        const free = this.walk(m).filter(([, size, k]) => k === L.KIND_FREE && size > 24);
        if (free.length === 0) return undefined;
        const [b, size] = rng.pick(free);
        return { at: b + 16 + 4 * rng.below((size - 20) >>> 2), what: `poison of ${hex(b)}`, follow: this.allocClass(size) };
      }
      case 9: { // profile build: a block's trailer
        const blocks = this.walk(m);
        const used = blocks.flatMap((x, i) => (x[2] !== L.KIND_FREE ? [i] : []));
        if (used.length === 0) return undefined;
        const i = rng.pick(used);
        const [b, size] = blocks[i];
        return { at: b + size - 8 + 4 * rng.below(2), what: `trailer of ${hex(b)}`, follow: this.around(blocks, i) };
      }
    }
    return undefined;
  }

  private root(m: Uint32Array): Target {
    const s = this.s;
    const rng = s.rng;
    const r = rng.below(10);
    if (r < 5) { // magic … contended
      const w = rng.below(16);
      const follow = rng.chance(0.5) ? () => s.allocBytes(rng.between(1024, 70000)) : () => s.allocBytes(rng.between(0, 200));
      return { at: L.ROOT + w * 4, what: `root word +${w * 4}`, follow };
    }
    if (r < 6) { // the lock word and the rest of its line
      const w = rng.between(L.ROOT_LOCK >>> 2, (L.ROOT_SL_MAP >>> 2) - 1);
      return { at: L.ROOT + w * 4, what: `root word +${w * 4}`, follow: () => s.allocBytes(5000) };
    }
    if (r < 7) { // a second-level bitmap
      const fl = rng.below(L.FL_COUNT);
      return { at: L.ROOT + L.ROOT_SL_MAP + fl * 4, what: `root word +${L.ROOT_SL_MAP + fl * 4}`, follow: () => s.allocBytes(Math.max(0, (fl === 0 ? 24 : 1 << (fl + L.FL_SHIFT)) - this.over)) };
    }
    if (r < 9) { // a free list's head (most often one that is not empty)
      const heads: number[] = [];
      for (let c = 0; c < L.CLASS_COUNT; c++) if (m[((L.ROOT + L.ROOT_HEADS) >>> 2) + c] !== 0) heads.push(c);
      const c = heads.length && rng.chance(0.9) ? rng.pick(heads) : rng.below(L.CLASS_COUNT);
      const size = m[m[((L.ROOT + L.ROOT_HEADS) >>> 2) + c] >>> 2] & ~L.TAGS;
      return { at: L.ROOT + L.ROOT_HEADS + c * 4, what: `root word +${L.ROOT_HEADS + c * 4}`, follow: this.allocClass(size >= L.MIN_BLOCK ? size : c * 8) };
    }
    const w = rng.below(ROOT_WORDS);
    return { at: L.ROOT + w * 4, what: `root word +${w * 4}` };
  }

  private cache(m: Uint32Array): Target {
    const s = this.s;
    const rng = s.rng;
    const c = rng.pick([...s.caches]);
    if (rng.chance(0.2)) {
      const w = rng.below(L.CACHE_FIELDS_SIZE >>> 2);
      return { at: c + 4 * w, what: `cache word +${w * 4} of ${hex(c)}`, follow: () => s.trim() };
    }
    const full: number[] = [];
    for (let cls = L.MIN_BLOCK >>> 3; cls < L.CACHE_BINS; cls++) if (m[((c + L.CACHE_BINS_AT) >>> 2) + cls * 4 + 1] !== 0) full.push(cls);
    const cls = full.length && rng.chance(0.8) ? rng.pick(full) : rng.between(L.MIN_BLOCK >>> 3, L.CACHE_BINS - 1);
    const w = rng.below(4);
    // Pop the bin (alloc of its size), push onto it (free of a block of its size), or flush it.
    const mine = s.held.filter((h) => h.n + this.over <= cls * 8 && h.n + this.over > cls * 8 - 8);
    const follow = mine.length && rng.chance(0.3) ? () => s.freeAt(rng.pick(mine).p) : rng.chance(0.8) ? () => s.allocBytes(cls * 8 - this.over) : () => s.trim();
    return { at: c + L.CACHE_BINS_AT + cls * L.BIN_SIZE + w * 4, what: `bin ${BIN[w]} of class ${cls}`, follow };
  }

  private pool(m: Uint32Array): Target | undefined {
    const s = this.s;
    const rng = s.rng;
    if (s.pools.length === 0) return undefined;
    const r = rng.pick(s.pools);
    const a = r.pool.address;
    const follow = () => s.usePool(r);
    const top = m[(a + L.POOL_TOP) >>> 2];
    const which = rng.below(4);
    if (which === 0) {
      // The depth and the capacity are what alloc, free and growth trust most: hit them more.
      const w = rng.chance(0.5) ? rng.pick([L.POOL_TOP >>> 2, L.POOL_CAPACITY >>> 2]) : rng.below(L.POOL_HEADER >>> 2);
      return { at: a + 4 * w, what: `pool header word +${w * 4} of ${hex(a)}`, follow };
    }
    if (which === 1 && r.stack !== 0) {
      const i = top > 0 && top <= r.stackBytes >>> 2 && rng.chance(0.8) ? rng.below(top) : rng.below(r.stackBytes >>> 2);
      return { at: r.stack + 4 * i, what: `free-stack entry ${i} of pool ${hex(a)}`, follow };
    }
    if (which === 2 && r.slabs.size) return { at: rng.pick([...r.slabs]) + 4 * rng.below(4), what: `slab header word of pool ${hex(a)}`, follow };
    if (r.stack === 0 || top === 0 || top > r.stackBytes >>> 2) return undefined;
    return { at: m[(r.stack >>> 2) + rng.below(top)], what: `free-slot position word of pool ${hex(a)}`, follow };
  }

  /** The value a stray write puts in a word that holds `old`. */
  value(m: Uint32Array, old: number): number {
    const s = this.s;
    const rng = s.rng;
    switch (rng.below(13)) {
      case 0: return 0;
      case 1: return 0xffffffff;
      case 2: return rng.u32();
      case 3: return (old + rng.pick([1, -1, 8, -8])) >>> 0;
      case 4: return (old ^ (1 << rng.below(3))) >>> 0; // a tag bit: FREE, LEFTFREE, 4
      case 5: return (old ^ (1 << rng.below(32))) >>> 0;
      case 6: { // a copy of another metadata word
        const t = this.target(m);
        return t && t.at + 4 <= m.byteLength ? m[t.at >>> 2] : old;
      }
      case 7: { // the address of another live block (its header or its user pointer)
        if (s.held.length === 0) return old;
        const p = rng.pick(s.held).p;
        return rng.chance(0.5) ? p : p - L.HEADER;
      }
      case 8: { // the address of another block met by the walk, free or not
        const blocks = this.walk(m);
        if (blocks.length === 0) return old;
        const b = rng.pick(blocks)[0];
        return rng.chance(0.5) ? b : b + L.HEADER;
      }
      case 9: { // a dangling pointer: a block freed since (its header may be free, cached or merged away)
        if (s.stale.length === 0) return old;
        const p = rng.pick(s.stale);
        return rng.chance(0.7) ? p - L.HEADER : p;
      }
      case 10: { // a plausible size: another block's, or a multiple of 8
        const blocks = this.walk(m);
        return blocks.length && rng.chance(0.5) ? rng.pick(blocks)[1] : 8 * rng.between(2, 8192);
      }
      case 11: return rng.pick([1, 2, 3, L.MIN_BLOCK, L.NULL_GUARD, L.ROOT, s.start, m.byteLength - L.HEADER, m.byteLength]);
      default: return (old + 8 * rng.between(-64, 64)) >>> 0;
    }
  }
}
