// A reference model of the heap for property tests and `npm run fuzz`: it replays a list of
// operations on a real Heap (heap blocks through its caches, arenas, pools) and on plain JS
// bookkeeping, and after every operation checks that
// - heap.check() passes (the full heap walk),
// - no two live blocks (arena regions and pool blocks included) overlap, and every one is in
//   bounds and aligned,
// - live blocks still hold the bytes written into them (head, tail and a moving probe of every
//   block after each op; every byte of every block periodically and at the end; every byte of
//   a block realloc moved or resized),
// - stats() agrees with the model (live blocks, used bytes).
import fc from 'fast-check';
import { Heap, type HeapOptions } from '../src/index.js';
import type { Arena } from '../src/arena.js';
import type { Pool } from '../src/pool.js';
import * as L from '../src/layout.js';

export type Op =
  | { k: 'alloc' | 'calloc'; size: number; align: number }
  | { k: 'free' | 'arenaDispose' | 'arenaReset' | 'arenaMark' | 'poolDispose' | 'poolAlloc' | 'poolFree'; pick: number }
  | { k: 'realloc'; pick: number; size: number; align: number }
  | { k: 'arena'; size: number }
  | { k: 'arenaAlloc'; pick: number; size: number; align: number }
  | { k: 'pool'; size: number; align: number; capacity: number }
  | { k: 'trim' };

/** Sizes from 0 B to 1 MiB, skewed small (most requests in real programs are). */
export const sizeArb = fc.oneof(
  { weight: 60, arbitrary: fc.integer({ min: 0, max: 256 }) },
  { weight: 25, arbitrary: fc.integer({ min: 257, max: 4096 }) },
  { weight: 10, arbitrary: fc.integer({ min: 4097, max: 65536 }) },
  { weight: 5, arbitrary: fc.integer({ min: 65537, max: 1 << 20 }) },
);
const alignArb = fc.oneof(
  { weight: 8, arbitrary: fc.constant(8) },
  { weight: 2, arbitrary: fc.constantFrom(1, 2, 4, 16, 32, 64, 256, 4096) },
);
const pickArb = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 30, arbitrary: fc.record({ k: fc.constant('alloc' as const), size: sizeArb, align: alignArb }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('calloc' as const), size: sizeArb, align: alignArb }) },
  { weight: 28, arbitrary: fc.record({ k: fc.constant('free' as const), pick: pickArb }) },
  { weight: 12, arbitrary: fc.record({ k: fc.constant('realloc' as const), pick: pickArb, size: sizeArb, align: alignArb }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('arena' as const), size: sizeArb }) },
  { weight: 10, arbitrary: fc.record({ k: fc.constant('arenaAlloc' as const), pick: pickArb, size: fc.integer({ min: 0, max: 2048 }), align: alignArb }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('arenaMark' as const), pick: pickArb }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('arenaReset' as const), pick: pickArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('arenaDispose' as const), pick: pickArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('pool' as const), size: fc.integer({ min: 1, max: 600 }), align: fc.constantFrom(8, 16, 64), capacity: fc.integer({ min: 0, max: 300 }) }) },
  { weight: 12, arbitrary: fc.record({ k: fc.constant('poolAlloc' as const), pick: pickArb }) },
  { weight: 10, arbitrary: fc.record({ k: fc.constant('poolFree' as const), pick: pickArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('poolDispose' as const), pick: pickArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('trim' as const) }) },
);

interface Block { p: number; size: number; seed: number; }
interface ArenaModel { arena: Arena; marks: number[]; blocks: Block[]; }
interface PoolModel { pool: Pool; blocks: Block[]; }

// Block contents: byte i of a block with seed s is (s + 31·i) mod 256. Since 31 is invertible
// mod 256 that is PATTERN[i + offset(s)], so fills and comparisons run at memcpy/memcmp speed.
const MAX_BLOCK = (1 << 20) + 256;
const PATTERN = new Uint8Array(MAX_BLOCK + 256);
for (let j = 0; j < PATTERN.length; j++) PATTERN[j] = (31 * j) & 0xff;
const INV31 = 223; // 31 · 223 ≡ 1 (mod 256)
const offsetOf = (seed: number) => (seed * INV31) & 0xff;
/** Node's Buffer where there is one (a fast memcmp); undefined in a browser page. */
const NodeBuffer = (globalThis as { Buffer?: { from(b: ArrayBufferLike, o: number, n: number): { equals(x: Uint8Array): boolean } } }).Buffer;
const byte = (seed: number, i: number) => (seed + i * 31) & 0xff;

export class Model {
  readonly heap: Heap;
  private readonly blocks: Block[] = [];
  private readonly arenas: ArenaModel[] = [];
  private readonly pools: PoolModel[] = [];
  private seed = 1;
  ops = 0;

  constructor(options: HeapOptions) {
    this.heap = new Heap(options);
  }

  private fill(b: Block): void {
    const o = offsetOf(b.seed);
    this.heap.u8.set(PATTERN.subarray(o, o + b.size), b.p);
  }

  private verifyBytes(b: Block, from: number, to: number): void {
    from = Math.max(0, from);
    to = Math.min(b.size, to);
    if (to <= from) return;
    const o = offsetOf(b.seed);
    const mem = this.heap.u8;
    if (to - from <= 64) {
      let same = true;
      for (let i = from; i < to; i++) same &&= mem[b.p + i] === PATTERN[o + i];
      if (same) return;
    } else if (NodeBuffer !== undefined && NodeBuffer.from(mem.buffer, mem.byteOffset + b.p + from, to - from).equals(PATTERN.subarray(o + from, o + to))) {
      return; // Node's memcmp; a page compares byte by byte below
    }
    for (let i = from; i < to; i++) {
      if (mem[b.p + i] !== byte(b.seed, i)) {
        throw new Error(`op ${this.ops}: block 0x${b.p.toString(16)} (${b.size} B) lost byte ${i}`);
      }
    }
  }

  private newBlock(p: number, size: number): Block {
    const b = { p, size, seed: (this.seed = (this.seed * 1103515245 + 12345) >>> 0) & 0xff };
    this.fill(b);
    return b;
  }

  apply(op: Op): void {
    const h = this.heap;
    this.ops++;
    switch (op.k) {
      case 'alloc':
      case 'calloc': {
        const p = op.k === 'alloc' ? h.tryAlloc(op.size, op.align) : tryOrZero(() => h.calloc(op.size, op.align));
        if (p === 0) break; // out of memory is allowed (maximumBytes); the heap must stay valid
        if (p % op.align !== 0) throw new Error(`alloc(${op.size}, ${op.align}) returned misaligned 0x${p.toString(16)}`);
        if (op.k === 'calloc') this.verifyZero(p, op.size);
        if (h.usableSize(p) < op.size) throw new Error(`usableSize(${p}) < ${op.size}`);
        this.blocks.push(this.newBlock(p, op.size));
        break;
      }
      case 'free': {
        if (this.blocks.length === 0) break;
        const i = Math.floor(op.pick * this.blocks.length);
        const b = this.blocks[i];
        this.verifyBytes(b, 0, b.size);
        h.free(b.p);
        this.blocks[i] = this.blocks[this.blocks.length - 1];
        this.blocks.pop();
        break;
      }
      case 'realloc': {
        if (this.blocks.length === 0) break;
        const b = this.blocks[Math.floor(op.pick * this.blocks.length)];
        let q: number;
        try {
          q = h.realloc(b.p, op.size, op.align);
        } catch (e) {
          if ((e as Error).name !== 'OutOfMemoryError') throw e;
          this.verifyBytes(b, 0, b.size); // a failed realloc leaves the block as it was
          break;
        }
        const keep = Math.min(b.size, op.size);
        if (q % op.align !== 0) throw new Error(`realloc(…, ${op.size}, ${op.align}) returned misaligned 0x${q.toString(16)}`);
        b.p = q;
        this.verifyBytes(b, 0, keep);
        b.size = op.size;
        this.fill(b);
        break;
      }
      case 'arena': {
        const size = op.size % 65536;
        let arena: Arena;
        try {
          arena = h.arena(size);
        } catch (e) {
          if ((e as Error).name !== 'OutOfMemoryError') throw e;
          break;
        }
        if (arena.capacity < size) throw new Error(`arena capacity ${arena.capacity} < ${size}`);
        this.arenas.push({ arena, marks: [], blocks: [] });
        break;
      }
      case 'arenaAlloc': {
        const a = this.pickArena(op.pick);
        if (!a) break;
        const p = a.arena.tryAlloc(op.size, op.align);
        if (p === 0) break; // full
        if (p % op.align !== 0) throw new Error(`arena.alloc misaligned 0x${p.toString(16)}`);
        a.blocks.push(this.newBlock(p, op.size));
        break;
      }
      case 'arenaMark': {
        const a = this.pickArena(op.pick);
        if (a) a.marks.push(a.arena.mark());
        break;
      }
      case 'arenaReset': {
        const a = this.pickArena(op.pick);
        if (!a) break;
        const m = a.marks.pop();
        a.arena.reset(m);
        a.blocks = m === undefined ? [] : a.blocks.filter((b) => b.p < m);
        if (m === undefined) a.marks.length = 0;
        if (m !== undefined && a.arena.mark() !== m) throw new Error('reset(mark) did not restore the cursor');
        break;
      }
      case 'arenaDispose': {
        if (this.arenas.length === 0) break;
        const i = Math.floor(op.pick * this.arenas.length);
        this.arenas[i].arena.dispose();
        this.arenas.splice(i, 1);
        break;
      }
      case 'pool': {
        let pool: Pool;
        try {
          pool = h.pool(op.size, { align: op.align, capacity: op.capacity });
        } catch (e) {
          if ((e as Error).name !== 'OutOfMemoryError') throw e;
          break;
        }
        if (pool.capacity < op.capacity || pool.live !== 0) throw new Error(`pool capacity ${pool.capacity} < ${op.capacity}, live ${pool.live}`);
        this.pools.push({ pool, blocks: [] });
        break;
      }
      case 'poolAlloc': {
        const m = this.pools.length ? this.pools[Math.floor(op.pick * this.pools.length)] : undefined;
        if (!m) break;
        const p = m.pool.tryAlloc();
        if (p === 0) break;
        const align = h.u32[(m.pool.address + L.POOL_SLOT) >>> 2] & -h.u32[(m.pool.address + L.POOL_SLOT) >>> 2];
        if (p % Math.min(align, 8) !== 0) throw new Error(`pool.alloc misaligned 0x${p.toString(16)}`);
        m.blocks.push(this.newBlock(p, m.pool.blockBytes));
        if (m.pool.live !== m.blocks.length) throw new Error(`pool.live ${m.pool.live}, model ${m.blocks.length}`);
        break;
      }
      case 'poolFree': {
        const m = this.pools.length ? this.pools[Math.floor(op.pick * this.pools.length)] : undefined;
        if (!m || m.blocks.length === 0) break;
        const i = Math.floor(op.pick * 7919) % m.blocks.length;
        const b = m.blocks[i];
        this.verifyBytes(b, 0, b.size);
        m.pool.free(b.p);
        m.blocks[i] = m.blocks[m.blocks.length - 1];
        m.blocks.pop();
        break;
      }
      case 'poolDispose': {
        if (this.pools.length === 0) break;
        const i = Math.floor(op.pick * this.pools.length);
        this.pools[i].pool.dispose();
        this.pools.splice(i, 1);
        break;
      }
      case 'trim':
        h.trim();
        if (h.stats().cachedBytes !== 0) throw new Error('trim() left cached bytes');
        break;
    }
    this.verify(this.ops % 1000 === 0);
  }

  private pickArena(pick: number): ArenaModel | undefined {
    return this.arenas.length ? this.arenas[Math.floor(pick * this.arenas.length)] : undefined;
  }

  private verifyZero(p: number, size: number): void {
    const u8 = this.heap.u8;
    for (let i = 0; i < size; i++) if (u8[p + i] !== 0) throw new Error(`calloc block 0x${p.toString(16)} byte ${i} not zero`);
  }

  /** Every invariant the model can see; `full` also re-reads every byte of every block. */
  verify(full = true): void {
    const h = this.heap;
    h.check();
    const all = [...this.blocks, ...this.arenas.flatMap((a) => a.blocks), ...this.pools.flatMap((p) => p.blocks)];
    for (const b of all) {
      if (full || b.size <= 48) this.verifyBytes(b, 0, b.size);
      else {
        this.verifyBytes(b, 0, 16);
        this.verifyBytes(b, b.size - 16, b.size);
        const at = (this.ops * 7919) % (b.size - 16);
        this.verifyBytes(b, at, at + 16);
      }
    }
    // Heap blocks must not overlap each other or any arena region; arena blocks must sit inside
    // their arena and not overlap each other.
    const regions = this.blocks.map((b) => [b.p, b.p + Math.max(b.size, 1)] as [number, number]);
    for (const m of this.pools) for (const b of m.blocks) regions.push([b.p, b.p + b.size]);
    for (const a of this.arenas) {
      const base = a.arena.mark() - a.arena.used;
      regions.push([base, base + a.arena.capacity]);
      const inside = a.blocks.map((b) => [b.p, b.p + b.size] as [number, number]);
      for (const [s, e] of inside) {
        if (s < base || e > base + a.arena.capacity) throw new Error(`arena block 0x${s.toString(16)} outside its arena`);
      }
      assertDisjoint(inside.filter(([s, e]) => e > s), 'arena blocks');
    }
    assertDisjoint(regions, 'heap blocks');
    const s = h.stats();
    const m32 = h.u32;
    // A pool holds its header, its free stack (once it has slots) and one block per slab.
    const poolBlocks = this.pools.reduce((n, { pool }) => {
      const perSlab = m32[(pool.address + L.POOL_PER_SLAB) >>> 2];
      return n + 1 + (pool.capacity ? 1 + pool.capacity / perSlab : 0);
    }, 0);
    const live = this.blocks.length + this.arenas.length + poolBlocks;
    if (s.liveBlocks !== live) throw new Error(`stats().liveBlocks ${s.liveBlocks}, model ${live}`);
    const extra = 8 + (h.debug || h.profile ? 8 : 0);
    let used = 0;
    for (const b of this.blocks) used += h.usableSize(b.p) + extra;
    for (const a of this.arenas) used += (m32[(a.arena.address - 8) >>> 2] & ~7);
    if (this.pools.length === 0 && s.usedBytes !== used) throw new Error(`stats().usedBytes ${s.usedBytes}, model ${used}`);
    if (s.usedBytes < used) throw new Error(`stats().usedBytes ${s.usedBytes} < model ${used}`);
    if (s.usedBytes + s.cachedBytes + s.freeBytes + s.overheadBytes + 8 !== s.heapBytes) throw new Error('used + cached + free + overhead + tail != heapBytes');
    if (s.peakUsedBytes < s.usedBytes + s.cachedBytes) throw new Error('peakUsedBytes < usedBytes + cachedBytes');
  }
}

function assertDisjoint(regions: [number, number][], what: string): void {
  regions.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < regions.length; i++) {
    if (regions[i][0] < regions[i - 1][1]) {
      throw new Error(`${what} overlap: 0x${regions[i - 1][0].toString(16)}… and 0x${regions[i][0].toString(16)}…`);
    }
  }
}

function tryOrZero(f: () => number): number {
  try {
    return f();
  } catch (e) {
    if ((e as Error).name === 'OutOfMemoryError') return 0;
    throw e;
  }
}
