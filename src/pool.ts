// class Pool: fixed-size blocks whose alloc and free run in a few lines of JavaScript over linear
// memory (no wasm call, no garbage). Slabs come from the heap; the free stack and every slot's
// state live in linear memory. Layout (pool header, free stack, slabs, the position word of a
// free slot): assembly/layout.ts.

import * as L from './layout.js';
import { badSize, badAlign, checkAddress, show, validAlign } from './args.js';
import { HeapCorruptionError, InvalidPointerError } from './errors.js';
import { hex } from './faults.js';
import { disposable } from './dispose.js';
import type { Heap } from './heap.js';
import type { Views } from './views.js';
import { kindAt } from './inspect.js';

export interface PoolOptions {
  /** Slots to make room for up front (the pool still grows by slabs when they run out). */
  capacity?: number;
  /** Alignment of every block: a power of two up to 4096. Default 8. */
  align?: number;
}

/** Largest block a pool serves: a slab (at most one 64 KiB page) must hold one. */
export const MAX_POOL_BLOCK = L.MAX_ALIGN - 4096;

/** Key of a pool's slabs: slab.key = slab address ^ slabKeyOf(pool) (assembly/layout.ts). */
export const slabKeyOf = (pool: number, secret: number): number => Math.imul(Math.imul(pool ^ secret, L.GOLDEN) ^ 0x51ab, L.GOLDEN2) >>> 0;
/** Salt of a pool's slot keys: a free slot's first word is (position + 1) ^ imul(p, GOLDEN) ^ salt. */
export const slotSaltOf = (pool: number, secret: number): number => Math.imul(Math.imul(pool ^ secret, L.GOLDEN2) ^ 0x5107, L.GOLDEN) | 0;

const P = (field: number): number => field >>> 2; // word index of a pool header field

/**
 * A slot on the remote-free list holds in its first word the key of this impossible stack
 * position (2^31 - 1): a free slot's word names position + 1 < 2^31, and a held slot whose
 * program rewrote only its low bytes still has the high byte of its old position's key.
 */
const REMOTE_POS = 0x7fffffff;
/** remote mark = slot key ^ REMOTE_MARK (the key of position REMOTE_POS). */
const REMOTE_MARK = (REMOTE_POS + 1) | 0;

/**
 * A pool of fixed-size blocks: `alloc()` and `free(p)` are a handful of loads and stores in
 * JavaScript, O(1), with no wasm call and no garbage. Misuse is refused in O(1) too: a double
 * free, an address that is not a slot of this pool (foreign, interior, another pool's) →
 * InvalidPointerError. The pool grows by slabs taken from its heap.
 *
 * Threads (shared heaps): a pool belongs to the Heap object (thread) that made it; only that one
 * allocates from it and disposes it. Another thread frees its blocks through
 * `Pool.attach(heap, pool.address)`: those frees go on a lock-free stack in the pool's header
 * (one compare-and-swap each, no lock, O(1)), and the owner takes them all back with one atomic
 * exchange when its free stack runs out, before it grows the pool.
 *
 * ```ts
 * const particles = heap.pool(64, { capacity: 1000 });
 * const p = particles.alloc();      // address of 64 bytes, 8-aligned
 * heap.f32[p >>> 2] = 1;
 * particles.free(p);
 * particles.dispose();              // every block back to the heap
 * ```
 */
export class Pool {
  readonly heap: Heap;
  /** Bytes per block, as asked. */
  readonly blockBytes: number;
  /** Address of the pool's header in the heap. */
  readonly address: number;
  /** Distance between blocks (blockBytes rounded up to the alignment, at least 8). */
  readonly slotBytes: number;
  /** @internal */ protected readonly _v: Views;
  /** @internal Word index of the header's `top` (0 once disposed: the null guard's zero word). */ protected _topW: number;
  /** @internal Word index of the free stack's first entry. */ protected _stackW: number;
  /** @internal Entries the free stack holds. */ protected _stackCap: number;
  /** @internal */ protected readonly _salt: number;
  /** @internal An int32 */ protected readonly _slabKey: number;
  /** @internal ~(slabBytes - 1), an int32 */ protected readonly _mask: number;
  /** @internal Offset of a slab's first slot. */ protected readonly _first: number;
  /** @internal Slots per slab (0 once disposed: no address passes). */ protected _perSlab: number;
  /** @internal slotBytes = odd · 2^_k; _inv = odd⁻¹ mod 2^32 (exact division by one multiply). */
  protected readonly _inv: number;
  /** @internal */ protected readonly _k: number;
  /** @internal 32 - _k (rotation) */ protected readonly _kc: number;
  /** @internal */ protected readonly _slabBytes: number;

  /**
   * A pool made by another thread (Heap object) on the same shared heap, for freeing its blocks
   * from this thread: `free(p)` pushes them on the pool's remote-free stack (lock-free, O(1)),
   * which the owner drains. `alloc` and `dispose` throw TypeError: only the owner allocates.
   * Validates the pool's header (InvalidPointerError: not a pool; HeapCorruptionError: damaged).
   *
   * ```ts
   * // worker: frees voices the audio thread's pool handed out
   * const voices = Pool.attach(heap, poolAddress);
   * voices.free(p);                 // O(1), no lock, no wasm call
   * ```
   * Real-time: attach allocates the Pool object (do it up front); its free() makes no garbage
   * and never blocks (a compare-and-swap loop that retries only when another free raced it).
   */
  static attach(heap: Heap, address: number): Pool {
    checkAddress('Pool.attach', address);
    return new RemotePool(heap, 0, undefined, address);
  }

  /** @internal Made by `heap.pool(blockBytes, options)`, or by `Pool.attach` (`at`: the pool's address). */
  constructor(heap: Heap, blockBytes: number, options: PoolOptions = {}, at = 0) {
    // Pool.attach (a RemotePool): geometry from the header, no free stack of its own.
    const g = at !== 0 ? attachedGeometry(heap, at) : newGeometry(blockBytes, options);
    this.heap = heap;
    this.blockBytes = g.blockBytes;
    this.slotBytes = g.slot;
    this._v = heap._v;
    this._first = g.first;
    this._slabBytes = g.slabBytes;
    this._perSlab = g.perSlab;
    this._mask = ~(g.slabBytes - 1);
    this._k = 31 - Math.clz32(g.slot & -g.slot);
    this._kc = 32 - this._k;
    this._inv = inverse(g.slot >>> this._k);
    const call = `pool(${g.blockBytes})`;
    const p = at !== 0 ? at : heap._block(L.POOL_HEADER, 8, L.KIND_POOL, call);
    if (p === 0) throw heap._oom(call, L.POOL_HEADER, 8);
    this.address = p;
    this._salt = slotSaltOf(p, heap._s);
    this._slabKey = slabKeyOf(p, heap._s) | 0;
    this._stackW = 0;
    this._stackCap = 0;
    if (at !== 0) {
      this._topW = 0;
      return;
    }
    this._topW = P(p + L.POOL_TOP);
    const { slot, first, slabBytes } = g;
    const m = this._v.u32;
    m.fill(0, p >>> 2, (p + L.POOL_HEADER) >>> 2);
    m[P(p + L.POOL_BLOCK_BYTES)] = blockBytes;
    m[P(p + L.POOL_SLOT)] = slot;
    m[P(p + L.POOL_SLAB_BYTES)] = slabBytes;
    m[P(p + L.POOL_OWNER)] = heap._c;
    m[P(p + L.POOL_FIRST)] = first;
    m[P(p + L.POOL_PER_SLAB)] = this._perSlab;
    try {
      while (this.capacity < g.capacity) this._grow(call, true);
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /**
   * A block's address; throws OutOfMemoryError when the pool cannot grow.
   * Real-time: no wasm call and no garbage unless the pool must grow by a slab.
   */
  alloc(): number {
    const p = this.tryAlloc();
    if (p === 0) throw this.heap._oom(`pool.alloc() (${this.blockBytes}-byte blocks)`, this._slabBytes, this._slabBytes);
    return p;
  }

  /** Like alloc, but 0 when the pool is empty and cannot grow. */
  tryAlloc(): number {
    const m = this._v.i32; // int32 words: slot addresses past 2 GiB read negative, hence >>> 0
    const top = m[this._topW];
    if (top > 0) {
      const p = m[this._stackW + top - 1];
      const w = p >>> 2;
      if (m[w] === (top ^ Math.imul(p, L.GOLDEN) ^ this._salt)) {
        m[w] ^= top; // now names position 0, which no stack depth matches: a damaged top cannot hand p out again
        m[this._topW] = top - 1;
        return p >>> 0;
      }
    }
    return this._allocSlow();
  }

  /**
   * Returns the block at `p` to the pool. Throws InvalidPointerError for a double free or an
   * address that is not a block of this pool. Real-time: no wasm call, no garbage.
   */
  free(p: number): void {
    if (typeof p === 'number') {
      const m = this._v.i32;
      const s = p & this._mask;
      const t = Math.imul(p - s - this._first, this._inv);
      // A slot of this pool: its slab's key names this pool, and it is a whole number of slots in.
      if ((((t >>> this._k) | (t << this._kc)) >>> 0) < this._perSlab && m[(s >>> 2) + 2] === (s ^ this._slabKey)) {
        const key = Math.imul(p, L.GOLDEN) ^ this._salt;
        const pw = p >>> 2;
        // Unsigned: a depth word damaged to 2^31 or more must not read as a negative index into
        // the memory before the free stack (top < _stackCap below bounds the write).
        const top = m[this._topW] >>> 0;
        const pos = ((m[pw] ^ key) - 1) >>> 0;
        // Not already free: on the stack where its word says (and that entry names it back), or
        // on the remote-free list.
        if ((pos < top ? m[this._stackW + pos] !== (p | 0) : pos !== REMOTE_POS) && top < this._stackCap) {
          m[this._stackW + top] = p;
          m[pw] = (top + 1) ^ key;
          m[this._topW] = top + 1;
          return;
        }
      }
    }
    this._freeSlow(p);
  }

  /**
   * Blocks handed out and not yet freed. Blocks other threads freed count until the owner takes
   * them back (when its free stack runs out).
   */
  get live(): number {
    return this.capacity - this._v.u32[this._topW];
  }

  /** Blocks the pool's slabs hold (it grows by whole slabs). */
  get capacity(): number {
    return this.disposed ? 0 : this._v.u32[P(this.address + L.POOL_CAPACITY)];
  }

  /** True once dispose() has run (for an attached pool: once its owner disposed it). */
  get disposed(): boolean {
    return this._topW === 0;
  }

  /** Returns every slab (live blocks included) to the heap; the pool cannot be used afterwards. */
  dispose(): void {
    if (this._topW === 0) return;
    const heap = this.heap;
    const m = this._v.u32;
    const call = `pool.dispose() of ${hex(this.address)}`;
    const slabs = this._slabs(call);
    this._topW = 0;
    this._perSlab = 0;
    this._stackCap = 0;
    for (const s of slabs) heap._releaseBlock(s, L.KIND_SLAB, call);
    const stack = m[P(this.address + L.POOL_STACK)];
    if (stack !== 0) heap._releaseBlock(stack, L.KIND_STACK, call);
    heap._releaseBlock(this.address, L.KIND_POOL, call);
  }

  // ── Slow paths ──────────────────────────────────────────────────────────────────────────────

  /** @internal Pop failed: an empty stack (grow by a slab), or a damaged entry, or a disposed pool. */
  protected _allocSlow(): number {
    if (this._topW === 0) throw new TypeError('pool.alloc: the pool was disposed');
    this.heap._sync();
    const m = this._v.u32;
    const top = m[this._topW];
    if (top !== 0) {
      const p = m[this._stackW + top - 1];
      if (top > this._stackCap || m[p >>> 2] !== ((top ^ Math.imul(p, L.GOLDEN) ^ this._salt) >>> 0)) {
        throw new HeapCorruptionError(
          `pool.alloc: the pool at ${hex(this.address)} is damaged: free-stack entry ${top - 1} (${hex(p)}) does not name its position (a write into a freed block?)`, p);
      }
      return this.tryAlloc();
    }
    if (m[P(this.address + L.POOL_REMOTE)] !== 0 && this._drainRemote() !== 0) return this.tryAlloc();
    if (!this._grow('pool.alloc()', false)) return 0;
    return this.tryAlloc();
  }

  /**
   * @internal Owner: takes the blocks other threads freed (one atomic exchange) onto the free
   * stack; returns how many. Bounded by the capacity; a damaged entry throws.
   */
  protected _drainRemote(): number {
    const v = this._v;
    const m = v.u32;
    let q = Atomics.exchange(v.i32, P(this.address + L.POOL_REMOTE), 0) >>> 0;
    let top = m[this._topW];
    const room = this._stackCap;
    const from = top;
    while (q !== 0) {
      const key = Math.imul(q, L.GOLDEN) ^ this._salt;
      if (top >= room || !this._isSlot(q) || m[q >>> 2] !== ((key ^ REMOTE_MARK) >>> 0)) {
        m[this._topW] = top;
        throw new HeapCorruptionError(`pool.alloc: the pool at ${hex(this.address)} is damaged: its remote-free list reaches ${hex(q)}, not a block freed by another thread`, q);
      }
      const next = m[(q >>> 2) + 1];
      m[this._stackW + top] = q;
      m[q >>> 2] = (top + 1) ^ key;
      top++;
      q = next;
    }
    m[this._topW] = top;
    return top - from;
  }

  /** @internal True when p is the address of a slot of this pool (its slab checks out). */
  protected _isSlot(p: number): boolean {
    const m = this._v.u32;
    const s = (p & this._mask) >>> 0;
    const t = Math.imul(p - s - this._first, this._inv);
    const idx = ((t >>> this._k) | (t << (32 - this._k))) >>> 0;
    return idx < this._perSlab && m[(s >>> 2) + 2] === ((s ^ this._slabKey) >>> 0) && m[s >>> 2] === this.address;
  }

  /**
   * @internal Another thread's free (an attached pool): refuses a double free, then pushes the
   * block on the pool's remote-free list (linked through each slot's second word).
   */
  protected _freeRemote(p: number): void {
    const v = this._v;
    const m = v.u32;
    const a = this.address;
    // The owner may have disposed the pool (a bug: it must outlive other threads' frees): its
    // header and this slab must still be blocks of their kinds before anything is written.
    const secret = this.heap._s;
    if (kindAt(m, a - L.HEADER, secret) !== L.KIND_POOL || kindAt(m, ((p & this._mask) >>> 0) - L.HEADER, secret) !== L.KIND_SLAB) {
      throw new InvalidPointerError(`pool.free(${hex(p)}): the pool at ${hex(a)} was disposed by its owner`, p);
    }
    const key = Math.imul(p, L.GOLDEN) ^ this._salt;
    const pw = p >>> 2;
    const pos = ((m[pw] ^ key) - 1) >>> 0;
    const top = m[P(a + L.POOL_TOP)];
    if (pos === REMOTE_POS || (pos < top && m[(m[P(a + L.POOL_STACK)] >>> 2) + pos] === p)) {
      throw new InvalidPointerError(`pool.free(${hex(p)}): double free: the block is already free`, p);
    }
    const rw = P(a + L.POOL_REMOTE);
    m[pw] = key ^ REMOTE_MARK;
    for (;;) {
      const head = Atomics.load(v.i32, rw);
      m[pw + 1] = head;
      if (Atomics.compareExchange(v.i32, rw, head, p | 0) === head) return;
    }
  }

  /** @internal Push refused: say why (bad address, double free, damage, disposed). */
  protected _freeSlow(p: number): void {
    checkAddress('pool.free', p);
    if (this._topW === 0) throw new TypeError('pool.free: the pool was disposed');
    this._checkSlot(p);
    const m = this._v.u32;
    if (m[p >>> 2] === ((Math.imul(p, L.GOLDEN) ^ this._salt ^ REMOTE_MARK) >>> 0)) {
      throw new InvalidPointerError(`pool.free(${hex(p)}): double free: another thread already freed the block`, p);
    }
    const top = m[this._topW];
    if (top > this._stackCap) {
      throw new HeapCorruptionError(`pool.free(${hex(p)}): the pool at ${hex(this.address)} is damaged: its free-stack depth ${top} exceeds its capacity`, p);
    }
    throw new InvalidPointerError(`pool.free(${hex(p)}): double free: the block is already free`, p);
  }

  /** @internal Throws InvalidPointerError unless p is the address of a slot of this pool (free refused it, or a remote free). */
  protected _checkSlot(p: number): void {
    // A block of a slab another thread just added may lie past this thread's views.
    if (p + 8 > this._v.u32.byteLength) this.heap._sync();
    const m = this._v.u32;
    const s = (p & this._mask) >>> 0;
    const off = p - s - this._first;
    const sw = s >>> 2;
    if (m[sw] !== this.address || m[sw + 2] !== ((s ^ this._slabKey) >>> 0)) {
      throw new InvalidPointerError(`pool.free(${hex(p)}): not a block of this pool (a foreign address, or a block of another pool or of the heap)`, p);
    }
    if (off < 0 || off % this.slotBytes !== 0 || off / this.slotBytes >= this._perSlab) {
      throw new InvalidPointerError(`pool.free(${hex(p)}): an interior address: blocks of this pool start every ${this.slotBytes} bytes from ${hex(s + this._first)}`, p);
    }
  }

  /**
   * @internal Adds one slab (and room on the free stack for its slots). Returns false when the
   * heap is out of memory (throws instead when `orThrow`).
   */
  protected _grow(call: string, orThrow: boolean): boolean {
    const heap = this.heap;
    const a = this.address;
    const perSlab = this._perSlab;
    const capacity = this.capacity;
    // The capacity word lives in memory: a stray write must not size the stack this writes into.
    if (capacity > this._stackCap || capacity % perSlab !== 0) {
      throw new HeapCorruptionError(`${call}: the pool at ${hex(a)} is damaged: its capacity word holds ${capacity}, not a whole number of slabs within its free stack`, a);
    }
    if (capacity + perSlab > this._stackCap) {
      const cap = Math.max(2 * this._stackCap, capacity + perSlab);
      const stack = heap._block(cap * 4, 8, L.KIND_STACK, call);
      if (stack === 0) {
        if (orThrow) throw heap._oom(call, cap * 4, 8);
        return false;
      }
      const m = this._v.u32;
      const old = m[P(a + L.POOL_STACK)];
      if (old !== 0) m.copyWithin(stack >>> 2, old >>> 2, (old >>> 2) + m[this._topW]);
      m[P(a + L.POOL_STACK)] = stack;
      m[P(a + L.POOL_STACK_CAP)] = cap;
      this._stackW = stack >>> 2;
      this._stackCap = cap;
      if (old !== 0) heap._releaseBlock(old, L.KIND_STACK, call);
    }
    const s = heap._block(this._slabBytes, this._slabBytes, L.KIND_SLAB, call);
    if (s === 0) {
      if (orThrow) throw heap._oom(call, this._slabBytes, this._slabBytes);
      return false;
    }
    const m = this._v.u32;
    const sw = s >>> 2;
    m[sw] = a;
    m[sw + 1] = m[P(a + L.POOL_SLABS)];
    m[sw + 2] = (s ^ this._slabKey) >>> 0;
    m[sw + 3] = 0;
    m[P(a + L.POOL_SLABS)] = s;
    // Push the slots highest first, so the lowest addresses are handed out first.
    let top = m[this._topW];
    for (let i = perSlab - 1; i >= 0; i--) {
      const p = s + this._first + i * this.slotBytes;
      m[this._stackW + top] = p;
      m[p >>> 2] = (top + 1) ^ Math.imul(p, L.GOLDEN) ^ this._salt;
      top++;
    }
    m[this._topW] = top;
    m[P(a + L.POOL_CAPACITY)] = capacity + perSlab;
    return true;
  }

  /** @internal The pool's slabs, checked (bounded by its capacity). */
  protected _slabs(call: string): number[] {
    const m = this._v.u32;
    const out: number[] = [];
    // As many slabs as the capacity word says, and never more than fit in memory (the word may be damaged).
    const max = Math.min(Math.ceil(this.capacity / Math.max(1, this._perSlab)), m.byteLength / this._slabBytes);
    for (let s = m[P(this.address + L.POOL_SLABS)]; s !== 0; s = m[(s >>> 2) + 1]) {
      if (out.length >= max || m[s >>> 2] !== this.address || m[(s >>> 2) + 2] !== ((s ^ this._slabKey) >>> 0)) {
        throw new HeapCorruptionError(`${call}: the pool at ${hex(this.address)} is damaged: its slab list reaches ${hex(s)}, not a slab of it`, s);
      }
      out.push(s);
    }
    return out;
  }
}

export interface Pool {
  /** `using pool = heap.pool(64)`: dispose() at the end of the scope (where the engine has Symbol.dispose). */
  [Symbol.dispose](): void;
}

disposable(Pool);

/**
 * The debug build's pool: a freed block is filled with poison (all but its first word, which
 * names its stack position), and the poison is checked when the block is handed out again, so a
 * write into a freed block is reported (HeapCorruptionError) instead of silently handed on.
 */
export class DebugPool extends Pool {
  override tryAlloc(): number {
    const p = super.tryAlloc();
    if (p !== 0) {
      const u8 = this._v.u8;
      for (let i = p + 4; i < p + this.slotBytes; i++) {
        if (u8[i] !== L.POISON) {
          this._poison(p); // reported once; the block is usable again
          throw new HeapCorruptionError(`pool.alloc: use after free: the free block at ${hex(p)} was written at +${i - p} after it was freed`, p);
        }
      }
    }
    return p;
  }

  override free(p: number): void {
    super.free(p);
    this._poison(p);
  }

  /** A new slab's blocks start free: poisoned. It is the head of the pool's slab list. */
  protected override _grow(call: string, orThrow: boolean): boolean {
    if (!super._grow(call, orThrow)) return false;
    const s = this._v.u32[P(this.address + L.POOL_SLABS)];
    for (let i = 0; i < this._perSlab; i++) this._poison(s + this._first + i * this.slotBytes);
    return true;
  }

  /** Poisons the free block at p, but for its first word (its stack position). */
  private _poison(p: number): void {
    this._v.u8.fill(L.POISON, p + 4, p + this.slotBytes);
  }
}

/** The inverse of an odd number modulo 2^32 (Newton's iteration: each step doubles the correct bits). */
function inverse(odd: number): number {
  let x = odd;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(odd, x));
  return x;
}

/**
 * A pool attached by a thread (Heap object) that does not own it (Pool.attach): it only frees,
 * onto the pool's remote-free list; it has no free stack of its own.
 */
class RemotePool extends Pool {
  override free(p: number): void {
    checkAddress('pool.free', p);
    this._checkSlot(p);
    this._freeRemote(p);
  }

  override get live(): number {
    return this.capacity - this._v.u32[P(this.address + L.POOL_TOP)];
  }

  override get disposed(): boolean {
    this.heap._sync();
    return kindAt(this._v.u32, this.address - L.HEADER, this.heap._s) !== L.KIND_POOL;
  }

  override dispose(): void {
    throw new TypeError(`pool.dispose: the pool at ${hex(this.address)} belongs to another thread (Heap object); only its owner disposes it`);
  }

  protected override _allocSlow(): number {
    throw new TypeError(`pool.alloc: the pool at ${hex(this.address)} belongs to another thread (Heap object): only its owner allocates; this thread may free its blocks`);
  }
}

disposable(RemotePool); // its [Symbol.dispose] throws as its dispose() does

/** What is wrong with the pool whose header is at `p`, for heap.check(); null when it is sound. */
export function poolFault(m: Uint32Array, p: number, secret: number, isBlock: (addr: number, kind: number) => boolean, debug = false): string | null {
  const w = p >>> 2;
  const top = m[w + P(L.POOL_TOP)];
  const stack = m[w + P(L.POOL_STACK)];
  const stackCap = m[w + P(L.POOL_STACK_CAP)];
  const capacity = m[w + P(L.POOL_CAPACITY)];
  const slot = m[w + P(L.POOL_SLOT)];
  const slabBytes = m[w + P(L.POOL_SLAB_BYTES)];
  const first = m[w + P(L.POOL_FIRST)];
  const perSlab = m[w + P(L.POOL_PER_SLAB)];
  if (slabBytes & (slabBytes - 1) || slabBytes > L.MAX_ALIGN || slot < 8 || slot & 7 || first < L.SLAB_HEADER ||
      perSlab !== Math.floor((slabBytes - first) / slot) || perSlab === 0) return 'its geometry words are damaged';
  if (top > capacity || capacity > stackCap) return `its free-stack depth ${top} or capacity ${capacity} is impossible`;
  if (capacity !== 0 && !isBlock(stack, L.KIND_STACK)) return `its free stack ${hex(stack)} is not a stack block`;
  const slabKey = slabKeyOf(p, secret);
  let slabs = 0;
  for (let s = m[w + P(L.POOL_SLABS)]; s !== 0; s = m[(s >>> 2) + 1]) {
    if (++slabs > capacity / perSlab || slabs > m.byteLength / slabBytes || !isBlock(s, L.KIND_SLAB) || m[s >>> 2] !== p || m[(s >>> 2) + 2] !== ((s ^ slabKey) >>> 0)) {
      return `its slab list reaches ${hex(s)}, not a slab of it`;
    }
  }
  if (slabs * perSlab !== capacity) return `its ${slabs} slabs do not hold its capacity ${capacity}`;
  const salt = slotSaltOf(p, secret);
  const mask = ~(slabBytes - 1);
  /** True when q is the address of a slot in a slab of this pool. */
  const isSlot = (q: number): boolean => {
    const s = (q & mask) >>> 0;
    const off = q - s - first;
    return m[s >>> 2] === p && m[(s >>> 2) + 2] === ((s ^ slabKey) >>> 0) && off >= 0 && off % slot === 0 && off / slot < perSlab;
  };
  for (let i = 0; i < top; i++) {
    const q = m[(stack >>> 2) + i];
    if (!isSlot(q)) return `free-stack entry ${i} (${hex(q)}) is not a block of the pool`;
    if (m[q >>> 2] !== (((i + 1) ^ Math.imul(q, L.GOLDEN) ^ salt) >>> 0)) {
      return `free block ${hex(q)} (stack entry ${i}) does not name its position (written after it was freed?)`;
    }
    if (debug) {
      for (let at = (q + 4) >>> 2; at < (q + slot) >>> 2; at++) {
        if (m[at] !== L.POISON32) return `use after free: the free block ${hex(q)} was written at +${at * 4 - q}`;
      }
    }
  }
  // Blocks other threads freed: a list they only push onto (entries after its head stay put).
  let n = 0;
  for (let q = m[w + P(L.POOL_REMOTE)]; q !== 0; q = m[(q >>> 2) + 1]) {
    if (++n > capacity - top || !isSlot(q) || m[q >>> 2] !== ((Math.imul(q, L.GOLDEN) ^ salt ^ REMOTE_MARK) >>> 0)) {
      return `its remote-free list reaches ${hex(q)}, not a block another thread freed`;
    }
  }
  return null;
}

/** The geometry words of the pool at `p` for Pool.attach, checked. */
/** A pool's block and slab sizes (the header's words), and the capacity to reserve at once. */
interface Geometry {
  blockBytes: number;
  slot: number;
  slabBytes: number;
  first: number;
  perSlab: number;
  capacity: number;
}

/** The geometry of a new pool, `heap.pool(blockBytes, options)`: arguments checked. */
function newGeometry(blockBytes: number, options: PoolOptions): Geometry {
  const call = `pool(${show(blockBytes)})`;
  if (typeof blockBytes !== 'number' || !Number.isInteger(blockBytes) || blockBytes < 1 || blockBytes > MAX_POOL_BLOCK) {
    if (typeof blockBytes !== 'number') badSize('pool', blockBytes, 'blockBytes');
    throw new RangeError(`${call}: blockBytes must be an integer from 1 to ${MAX_POOL_BLOCK}`);
  }
  if (options === null || typeof options !== 'object') throw new TypeError(`${call}: options must be an object, got ${show(options)}`);
  const align = options.align ?? 8;
  if (!validAlign(align) || align > 4096) badAlign('pool', align);
  const capacity = options.capacity ?? 0;
  if (typeof capacity !== 'number' || (capacity >>> 0) !== capacity) badSize('pool', capacity, 'capacity');
  const a = Math.max(align, 8);
  const slot = Math.ceil(blockBytes / a) * a;
  const first = Math.max(L.SLAB_HEADER, a);
  let slabBytes = 4096;
  while (slabBytes < L.MAX_ALIGN && slabBytes < first + slot * 16) slabBytes *= 2;
  return { blockBytes, slot, slabBytes, first, perSlab: Math.floor((slabBytes - first) / slot), capacity };
}

/** The geometry of the pool at p (Pool.attach), from its header, checked. */
function attachedGeometry(heap: Heap, p: number): Geometry {
  heap._sync();
  const m = heap._v.u32;
  if (p + L.POOL_HEADER > m.byteLength || p < L.MEMORY_BASE || kindAt(m, p - L.HEADER, heap._s) !== L.KIND_POOL) {
    throw new InvalidPointerError(`Pool.attach(${hex(p)}): no pool of this heap starts there (pass pool.address from the thread that made it)`, p);
  }
  const w = p >>> 2;
  const g = {
    blockBytes: m[w + P(L.POOL_BLOCK_BYTES)],
    slot: m[w + P(L.POOL_SLOT)],
    slabBytes: m[w + P(L.POOL_SLAB_BYTES)],
    first: m[w + P(L.POOL_FIRST)],
    perSlab: m[w + P(L.POOL_PER_SLAB)],
    capacity: 0,
  };
  const owner = m[w + P(L.POOL_OWNER)];
  if (g.slabBytes & (g.slabBytes - 1) || g.slabBytes < 4096 || g.slabBytes > L.MAX_ALIGN || g.slot < 8 || g.slot & 7 ||
      g.blockBytes < 1 || g.blockBytes > g.slot || g.first < L.SLAB_HEADER || g.first > g.slabBytes ||
      g.perSlab === 0 || g.perSlab !== Math.floor((g.slabBytes - g.first) / g.slot) ||
      owner < L.MEMORY_BASE || owner >= m.byteLength || kindAt(m, owner - L.HEADER, heap._s) !== L.KIND_CACHE) {
    throw new HeapCorruptionError(`Pool.attach(${hex(p)}): the pool's header is damaged (its geometry or owner words)`, p);
  }
  if (owner === heap._c) {
    throw new TypeError(`Pool.attach(${hex(p)}): this Heap object made the pool: use the Pool object heap.pool() returned`);
  }
  return g;
}

