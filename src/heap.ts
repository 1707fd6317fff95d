// class Heap: the public face of the allocator.
//
// Fast paths (alloc and free of small blocks) run here, in a few lines of JavaScript over typed
// views of linear memory: they pop and push this Heap object's cache bins (see assembly/layout.ts)
// and never call into wasm. Everything else is one wasm call: refilling or flushing a bin, large
// or aligned blocks, realloc, growth. Any surprise on a fast path (an empty or full bin, a stale
// view, an entry that does not check out) goes to the slow path, which calls the module and turns
// its status codes into typed errors.

import * as L from './layout.js';
import { Arena } from './arena.js';
import { DebugPool, Pool, type PoolOptions } from './pool.js';
import { createRing, type Ring, type RingOptions } from './ring.js';
import { badSize, checkAddress, checkRequest, elementSize, pagesOf, show } from './args.js';
import { HeapCorruptionError, InvalidPointerError, OutOfMemoryError } from './errors.js';
import { errorFor, hex } from './faults.js';
import { checkHeap, measure, mixOf, type HeapStats } from './inspect.js';
import { createSoa, type SoaTable } from './soa.js';
import type { Schema, StructType } from './struct.js';
import { Views, makeBufferResizable, type TypedArrayConstructor, type TypedArrayOf } from './views.js';
import { type BuildName, type Exports, instantiate, isSharedModule, moduleAsync, moduleSync } from './wasm.js';
import type { HeapMapOptions, LeakReport, ProfileReport, Snapshot, Timeline } from './profiler/types.js';

export type { HeapStats } from './inspect.js';

export interface HeapOptions {
  /** Memory to start with, rounded up to whole 64 KiB pages. Default 1 MiB. */
  initialBytes?: number;
  /**
   * Memory never grows past this (rounded down to whole 64 KiB pages). Default 1 GiB; at most
   * 65535 pages (4 GiB - 64 KiB). `initialBytes === maximumBytes` makes a fixed-size heap.
   */
  maximumBytes?: number;
  /** Put the heap in a SharedArrayBuffer-backed memory that Workers can attach to (needs 'wasm-arena/shared'). */
  shared?: boolean;
  /** The checking build: canaries after blocks, poisoned free memory (needs 'wasm-arena/debug'). */
  debug?: boolean;
  /** The profiling build: tags and per-tag accounting (needs 'wasm-arena/profile'). */
  profile?: boolean;
  /** With `shared`: a shared memory that already holds a heap (attach to it) or is empty. */
  memory?: WebAssembly.Memory;
  /**
   * For a thread that must never wait (an AudioWorklet): on a shared heap, this Heap object never
   * calls Atomics.wait and never spins without bound. Its fast paths never touch the lock; where a
   * slow path finds the lock taken, `tryAlloc` returns 0 (`alloc` throws OutOfMemoryError saying
   * the heap was busy) and a free is deferred to this Heap object's next call that gets the lock.
   * `heap.prefill(bytes, count)` and pools with a `capacity` reserve ahead.
   */
  realtime?: boolean;
  /**
   * Shared heaps: how long (ms) this Heap object waits for the heap's lock while nobody releases
   * it, before it gives up with a HeapError (a thread stopped inside a heap call: a Worker
   * terminated while it allocated). Default 10 000; 0 waits forever.
   */
  lockTimeoutMs?: number;
  /**
   * Non-shared heaps that can grow switch their memory to a resizable buffer where the engine
   * has one (`toResizableBuffer`), so allocArray views survive growth. Default true. Element
   * access through views of resizable buffers is slower in Chromium (2.5–5× in our particle
   * test): pass false, or use a fixed-size heap (never switched), where that matters more.
   */
  resizable?: boolean;
}

const DEFAULT_INITIAL = 1 << 20;
const DEFAULT_MAXIMUM = 1 << 30;
const SALT_CACHED = Math.imul(L.KIND_CACHED, L.KIND_SALT);
/** Largest block a cache bin holds. */
const CACHE_MAX_BLOCK = (L.CACHE_BINS - 1) << 3;
const ROOT_W = L.ROOT >>> 2;
/** Freed allocArray views kept for reuse (a direct-mapped table by address; a power of two). */
const SPARE_VIEWS = 64;
// A view made by allocArray carries its heap, address and constructor under these symbols.
const OWNER = Symbol('wasm-arena heap');
const ADDRESS = Symbol('wasm-arena address');
const TYPE = Symbol('wasm-arena type');
interface Owned { [OWNER]?: Heap; [ADDRESS]?: number; [TYPE]?: unknown }
const GENERATION_W = (L.ROOT + L.ROOT_GENERATION) >>> 2;


function randomSecret(): number {
  const c = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): Uint32Array } }).crypto;
  if (c?.getRandomValues) return c.getRandomValues(new Uint32Array(1))[0];
  return (Math.random() * 0x1_0000_0000) >>> 0;
}

/** True when this thread may block in Atomics.wait (not a browser's main thread or a worklet). */
function canWait(memory: WebAssembly.Memory): boolean {
  try {
    Atomics.wait(new Int32Array(memory.buffer, 0, 1), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A manual-memory heap in WebAssembly linear memory: O(1) alloc/free, typed views, bump arenas,
 * pools.
 *
 * ```ts
 * const heap = new Heap({ initialBytes: 1 << 20 });
 * const p = heap.alloc(1024);          // byte address (a number; no object is made)
 * heap.f32[p >>> 2] = 1.5;             // whole-memory views: index with >>> (addresses are unsigned)
 * heap.free(p);
 * ```
 */
export class Heap {
  /** The wasm memory holding the heap. */
  readonly memory: WebAssembly.Memory;
  /** True for a heap in shared memory. */
  readonly shared: boolean;
  /** True for a heap made by the debug build. */
  readonly debug: boolean;
  /** True for a heap made by the profile build. */
  readonly profile: boolean;
  /** True when this Heap object never waits for another thread (option `realtime`). */
  readonly realtime: boolean;
  /** Memory never grows past this many bytes. */
  readonly maximumBytes: number;
  /** True when allocArray views survive growth: shared memory, a resizable buffer, or a fixed size. */
  readonly stableViews: boolean;

  /** @internal Raw exports. */ readonly _x: Exports;
  /** @internal The whole-memory views, updated in place when memory grows. */ readonly _v: Views;
  /** @internal The heap's secret (check words). */ readonly _s: number;
  /** @internal This Heap object's cache (its identity in wasm calls). */ _c: number;
  /** @internal Word index of the cache's first bin. */ _bins: number;
  /** @internal Bytes a block adds to a request, + 7 (rounding to the granule). */ readonly _over: number;
  /** @internal Generation the views were made at. */ private _gen: number;
  /** @internal Buffers views were made over (shared memory: one per growth seen). */ private _buffers: ArrayBufferLike[];
  /** @internal The last constructor allocArray checked, and its element size. */
  private _ctor: unknown = undefined;
  private _bpe = 0;
  /** @internal Views freed by free(view), by block address: allocArray reuses them. */
  private readonly _spare: (ArrayBufferView | undefined)[] = new Array(SPARE_VIEWS).fill(undefined);

  /** Makes a heap synchronously (the module is compiled once and cached). */
  constructor(options: HeapOptions = {}, /** @internal from Heap.fromModule */ module?: WebAssembly.Module) {
    const call = module ? 'Heap.fromModule' : 'new Heap';
    if (options === null || typeof options !== 'object') throw new TypeError(`${call}: options must be an object, got ${show(options)}`);
    const build = buildOf(call, options);
    const maximum = pagesOf(call, 'maximumBytes', options.maximumBytes, Math.max(DEFAULT_MAXIMUM, Number(options.initialBytes) || 0));
    const initial = pagesOf(call, 'initialBytes', options.initialBytes, Math.min(DEFAULT_INITIAL, maximum * L.PAGE));
    if (options.maximumBytes !== undefined && options.maximumBytes < L.PAGE) {
      throw new RangeError(`${call}: maximumBytes must be at least one page (${L.PAGE}), got ${show(options.maximumBytes)}`);
    }
    const maxPages = options.maximumBytes === undefined ? maximum : Math.floor(options.maximumBytes / L.PAGE);
    if (initial > maxPages) {
      throw new RangeError(`${call}: initialBytes (${show(options.initialBytes)}) exceeds maximumBytes (${show(options.maximumBytes)})`);
    }
    const timeout = options.lockTimeoutMs;
    if (timeout !== undefined && (typeof timeout !== 'number' || (timeout >>> 0) !== timeout)) {
      throw new RangeError(`${call}: lockTimeoutMs must be a whole number of milliseconds (0: wait forever), got ${show(timeout)}`);
    }
    module ??= moduleSync(build);
    // The memory is made here at its initial size (every build imports it): growing a memory
    // detaches its old buffer, and one detached buffer anywhere makes V8 check every typed-array
    // access in the process more slowly from then on. A heap that never grows never detaches.
    let memory: WebAssembly.Memory;
    if (build === 'shared') {
      memory = options.memory ?? new WebAssembly.Memory({ initial, maximum: maxPages, shared: true });
      if (!(memory instanceof WebAssembly.Memory) || !isShared(memory)) {
        throw new TypeError(`${call}: options.memory must be a shared WebAssembly.Memory (shared: true), got ${show(options.memory)}`);
      }
    } else if (options.memory !== undefined) {
      throw new TypeError(`${call}: options.memory is for shared heaps (shared: true)`);
    } else {
      memory = new WebAssembly.Memory({ initial, maximum: maxPages });
    }
    const x = instantiate(module, memory, call);
    this._x = x;
    this.memory = memory;
    this.shared = build === 'shared';
    this.realtime = options.realtime === true;
    const flags = (this.realtime ? L.CACHE_REALTIME : 0) | (this.shared && canWait(this.memory) ? L.CACHE_CAN_WAIT : 0);
    const attaching = this.shared && new Uint32Array(this.memory.buffer, L.ROOT, 1)[0] !== 0;
    let c = attaching ? x.attach(flags) : x.init(initial, maxPages, randomSecret(), flags);
    if (!attaching && c === L.E_ARGUMENT && this.shared) c = x.attach(flags); // another thread made it first
    if (c < L.MEMORY_BASE) throw initError(call, c, initial);
    if (timeout !== undefined) new Uint32Array(memory.buffer, c + L.CACHE_TIMEOUT, 1)[0] = timeout;
    this.stableViews = this.shared || initial === maxPages || (options.resizable !== false && makeBufferResizable(this.memory));
    this._v = new Views(this.memory.buffer);
    this._buffers = [this._v.buffer];
    const m = this._v.u32;
    this._gen = m[GENERATION_W];
    this._s = m[ROOT_W + (L.ROOT_SECRET >>> 2)] | 0;
    this._c = c;
    this._bins = (c + L.CACHE_BINS_AT) >>> 2;
    this._over = m[ROOT_W + (L.ROOT_OVERHEAD >>> 2)] + 7;
    const builtBy = m[ROOT_W + (L.ROOT_BUILD >>> 2)];
    this.debug = (builtBy & L.BUILD_DEBUG) !== 0;
    this.profile = (builtBy & L.BUILD_PROFILE) !== 0;
    this.maximumBytes = m[ROOT_W + (L.ROOT_MAX_PAGES >>> 2)] * L.PAGE;
    if (attaching) {
      if (options.maximumBytes !== undefined && maxPages * L.PAGE !== this.maximumBytes) {
        throw new RangeError(`${call}: maximumBytes ${options.maximumBytes} differs from the attached heap's ${this.maximumBytes}`);
      }
      checkHeap(this, true); // a bounded walk of everything: a damaged heap is refused here (a realtime thread skips it while the lock is taken)
    }
    // A profile heap takes its methods from 'wasm-arena/profile': the plain heap's paths never
    // test for profiling.
    if (this.profile) adoptProfiler(call, this);
  }

  /** Makes a heap, compiling the module asynchronously (preferred on a browser main thread). */
  static async create(options: HeapOptions = {}): Promise<Heap> {
    await Heap.compile(options);
    return new Heap(options);
  }

  /**
   * Compiles the allocator module for these options, to post to a Worker or AudioWorklet, where
   * `Heap.fromModule` instantiates it synchronously.
   */
  static compile(options: Pick<HeapOptions, 'shared' | 'debug' | 'profile'> = {}): Promise<WebAssembly.Module> {
    try {
      return moduleAsync(buildOf('Heap.compile', options));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Makes a heap synchronously from a module made by `Heap.compile` (e.g. inside a worklet). */
  static fromModule(module: WebAssembly.Module, options: HeapOptions = {}): Heap {
    if (!(module instanceof WebAssembly.Module)) {
      throw new TypeError(`Heap.fromModule: expected a WebAssembly.Module from Heap.compile(), got ${show(module)}`);
    }
    const shared = isSharedModule(module);
    if (options.shared !== undefined && options.shared !== shared) {
      throw new TypeError(`Heap.fromModule: the module is the ${shared ? 'shared' : 'non-shared'} build; options.shared says otherwise`);
    }
    return new Heap({ ...options, shared }, module);
  }

  // ── Allocation ────────────────────────────────────────────────────────────────────────────

  /**
   * Allocates `bytes` bytes aligned to `align` (a power of two, default 8) and returns the address.
   * Throws OutOfMemoryError when the heap cannot grow enough. Small blocks (up to 1023 bytes,
   * default alignment) come from this Heap object's cache without a call into wasm.
   * Real-time: makes no garbage; may call into wasm (never waits on a `realtime` heap).
   */
  alloc(bytes: number, align = 8): number {
    if (typeof bytes === 'number' && bytes === (bytes & L.CACHE_MAX_REQUEST) && align === 8) {
      const c = (bytes + this._over) >>> 3;
      const p = this._pop(c < 3 ? 3 : c);
      if (p !== 0) return p;
    }
    return this._alloc(bytes, align, 'alloc', true);
  }

  /** Like alloc, but returns 0 instead of throwing when memory is exhausted (for real-time code). */
  tryAlloc(bytes: number, align = 8): number {
    if (typeof bytes === 'number' && bytes === (bytes & L.CACHE_MAX_REQUEST) && align === 8) {
      const c = (bytes + this._over) >>> 3;
      const p = this._pop(c < 3 ? 3 : c);
      if (p !== 0) return p;
    }
    return this._alloc(bytes, align, 'tryAlloc', false);
  }

  /** Like alloc, and the `bytes` bytes are zeroed. */
  calloc(bytes: number, align = 8): number {
    const p = this._alloc(bytes, align, 'calloc', true);
    this._v.u8.fill(0, p, p + bytes);
    return p;
  }

  /**
   * Resizes the block at `p` to `bytes`, keeping its contents (up to the smaller size) and an
   * alignment of `align` (default 8: pass the alignment the block was allocated with to keep it).
   * In place when the block shrinks or the next block is free; else it moves. `realloc(0, n)` is
   * `alloc(n)`. Throws OutOfMemoryError (the block is then unchanged).
   */
  realloc(p: number, bytes: number, align = 8): number {
    checkRequest('realloc', bytes, align);
    if (p === 0) return this.alloc(bytes, align);
    checkAddress('realloc', p);
    const q = this._x.realloc(this._c, p, bytes, align) >>> 0;
    this._sync();
    if (q === 0) throw this._error(`realloc(${hex(p)}, ${show(bytes)})`, bytes, align); // no message unless it fails: no garbage
    return q;
  }

  /**
   * Frees the block at `p` (an address from alloc, or a view from allocArray); `free(0)` does
   * nothing. Throws InvalidPointerError for anything that is not a live block of this heap.
   * Real-time: makes no garbage; may call into wasm (never waits on a `realtime` heap).
   */
  free(p: number | ArrayBufferView): void {
    if (typeof p === 'number') {
      if (this._push(p) === 0) return;
    } else if (p !== null && typeof p === 'object' && (p as Owned)[OWNER] === this) {
      // A view made by allocArray knows its heap and address: no `buffer`/`byteOffset` getters
      // (about 20 and 14 ns each in V8).
      const q = (p as Owned)[ADDRESS]!;
      if (this._push(q) === 0) {
        // Kept for allocArray: the cache hands this block out again first (LIFO bins).
        this._spare[(q >>> 3) & (SPARE_VIEWS - 1)] = p;
        return;
      }
    }
    this._free(p, 'free');
  }

  /** Bytes usable at `p` (at least what was asked for). */
  usableSize(p: number | ArrayBufferView): number {
    const q = typeof p === 'number' ? p : this.addressOf(p);
    checkAddress('usableSize', q);
    const n = this._x.usableSize(this._c, q) >>> 0;
    if (n === 0) throw this._error(`usableSize(${hex(q)})`);
    return n;
  }

  /**
   * Allocates room for `length` elements and returns a view of that type over it; the view owns
   * the block (`heap.free(view)`). The view is the one object this call creates.
   *
   * Growth rule: a view survives memory growth only when `heap.stableViews` is true (shared
   * memory, a fixed-size heap, or an engine with resizable buffers); otherwise growth detaches it
   * (length 0, writes lost). See the README's "Growth".
   */
  allocArray<C extends TypedArrayConstructor>(Ctor: C, length: number): TypedArrayOf<C> {
    let bpe = this._bpe;
    if (Ctor !== this._ctor) {
      bpe = this._bpe = elementSize('allocArray', Ctor);
      this._ctor = Ctor;
    }
    if (typeof length !== 'number' || (length >>> 0) !== length || length * bpe > L.MAX_REQUEST) badSize('allocArray', length, 'length');
    const p = this.alloc(length * bpe);
    // A view freed over this very block (same type, length and buffer) is handed out again
    // instead of a new one: a steady allocArray/free loop makes no garbage.
    const spare = this._spare[(p >>> 3) & (SPARE_VIEWS - 1)] as (TypedArrayOf<C> & Owned) | undefined;
    if (spare !== undefined && spare[ADDRESS] === p && spare.length === length && spare[TYPE] === Ctor) return spare;
    const view = new Ctor(this._v.buffer as ArrayBuffer, p, length) as TypedArrayOf<C> & Owned;
    view[OWNER] = this;
    view[ADDRESS] = p;
    view[TYPE] = Ctor;
    return view;
  }

  /** A view of `length` elements at address `p` over the current memory (it owns nothing). */
  view<C extends TypedArrayConstructor>(Ctor: C, p: number, length: number): TypedArrayOf<C> {
    const bpe = elementSize('view', Ctor);
    checkAddress('view', p);
    if (typeof length !== 'number' || (length >>> 0) !== length) badSize('view', length, 'length');
    const v = this._fresh();
    if (p % bpe !== 0 || p + length * bpe > v.buffer.byteLength) {
      throw new RangeError(`view(${Ctor.name}, ${hex(p)}, ${length}): not inside the heap's memory (${v.buffer.byteLength} bytes) at a multiple of ${bpe}`);
    }
    return new Ctor(v.buffer as ArrayBuffer, p, length) as TypedArrayOf<C>;
  }

  /**
   * The address of a view's first byte; throws InvalidPointerError when the view is not over
   * this heap's memory or was detached by a growth.
   */
  addressOf(view: ArrayBufferView): number {
    if ((view as Owned)?.[OWNER] === this) return (view as Owned)[ADDRESS]!; // made by allocArray: even detached
    if (!ArrayBuffer.isView(view)) throw new TypeError(`addressOf: expected a typed view, got ${show(view)}`);
    const buffer = view.buffer;
    if (buffer === this._v.buffer || this._buffers.includes(buffer)) return view.byteOffset;
    if (this.shared && isSharedBuffer(buffer) && buffer.byteLength > L.ROOT + L.ROOT_FIELDS_SIZE &&
        new Int32Array(buffer, L.ROOT + L.ROOT_SECRET, 1)[0] === this._s) {
      return view.byteOffset; // made by another thread or another Heap object on this memory (same secret)
    }
    throw new InvalidPointerError(
      buffer.byteLength === 0
        ? 'the view was detached when memory grew; free it by address (keep heap.addressOf(view)), or see "Growth" in the README'
        : 'the view is not over this heap\'s memory');
  }

  /** A bump arena of `bytes` bytes carved from this heap (see Arena). */
  arena(bytes: number): Arena {
    if (typeof bytes !== 'number' || (bytes >>> 0) !== bytes || bytes > L.MAX_REQUEST - L.ARENA_HEADER) badSize('arena', bytes);
    const a = this._block(bytes + L.ARENA_HEADER, 16, L.KIND_ARENA, `arena(${bytes})`);
    if (a === 0) throw this._oom(`arena(${bytes})`, bytes + L.ARENA_HEADER, 16);
    return new Arena(this, a);
  }

  /** A pool of fixed-size blocks of `blockBytes` bytes whose alloc and free run in JavaScript (see Pool). */
  pool(blockBytes: number, options?: PoolOptions): Pool {
    return this.debug ? new DebugPool(this, blockBytes, options) : new Pool(this, blockBytes, options);
  }

  /**
   * A wait-free single-producer single-consumer ring of `capacity` frames (a power of two) of
   * `Ctor` elements per channel, in this heap; `Ring.attach(heap, ring.address)` on another
   * thread of a shared heap. See Ring.
   *
   * ```ts
   * const ring = heap.ring(Float32Array, 4096, { channels: 2 });
   * ```
   */
  ring<C extends TypedArrayConstructor>(Ctor: C, capacity: number, options?: RingOptions): Ring<C> {
    return createRing(this, Ctor, capacity, options);
  }

  /**
   * Grows memory now so that later allocations of `bytes` payload bytes in `count` blocks (one
   * block by default) need no growth, or throws OutOfMemoryError.
   */
  reserve(bytes: number, count = 1): void {
    if (typeof bytes !== 'number' || (bytes >>> 0) !== bytes) badSize('reserve', bytes);
    if (typeof count !== 'number' || (count >>> 0) !== count || count === 0) badSize('reserve', count, 'count');
    const per = Math.ceil(bytes / count) + this._over - 7;
    const block = Math.max(L.MIN_BLOCK, (per + 7) & ~7);
    const total = block * count - this._over + 7;
    if (total > L.MAX_REQUEST) throw new OutOfMemoryError(`reserve(${bytes}, ${count}): larger than any heap`);
    this.free(this.alloc(Math.max(total, L.CACHE_MAX_REQUEST + 1)));
  }

  /**
   * A struct-of-arrays table of `type` in this heap, with room for `capacity` rows (it grows on
   * demand): `t.x` is a typed-array column, `t.add()` / `t.remove(row)` O(1). See Soa.
   *
   * ```ts
   * const t = heap.soa(struct({ x: 'f32', vx: 'f32' }), 1000);
   * const r = t.add(); t.x[r] = 0; t.vx[r] = 1;
   * ```
   */
  soa<S extends Schema>(type: StructType<S>, capacity: number): SoaTable<S> {
    return createSoa(this, type, capacity);
  }

  /**
   * Returns every block parked in this Heap object's cache (and its deferred frees) to the free
   * lists. Real-time: on a `realtime` heap whose lock is taken it does nothing (never waits).
   */
  trim(): void {
    const code = this._x.trim(this._c);
    if (!this._busy(code)) this._status(code, 'trim()');
  }

  /**
   * Fills this Heap object's cache with `count` blocks for requests of `bytes` bytes (1 to 1023)
   * now, raising the cache's limit for that size to `count` (at most 4096), so that later
   * allocations and frees of that size by this Heap object run in JavaScript without the lock:
   * what a `realtime` thread (an AudioWorklet) calls before it starts. Throws OutOfMemoryError
   * when memory runs out (or, on a realtime heap, when the lock is taken: try again).
   * The debug build keeps no caches: there it does nothing.
   * Not a real-time call itself: it takes the heap's lock (a realtime heap never waits for it:
   * it throws instead), may grow memory, and makes no garbage. Any thread, for its own Heap object.
   *
   * ```ts
   * const audio = Heap.fromModule(module, { memory, realtime: true });
   * audio.prefill(256, 64);        // 64 voices' worth of 256-byte blocks, ready without the lock
   * ```
   */
  prefill(bytes: number, count: number): void {
    if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 1 || bytes > L.CACHE_MAX_REQUEST) {
      throw new RangeError(`prefill: bytes must be an integer from 1 to ${L.CACHE_MAX_REQUEST}, got ${show(bytes)}`);
    }
    if (typeof count !== 'number' || (count >>> 0) !== count || count > L.BIN_CAP) {
      throw new RangeError(`prefill: count must be an integer from 0 to ${L.BIN_CAP}, got ${show(count)}`);
    }
    const call = `prefill(${bytes}, ${count})`;
    this._live(call);
    const cls = Math.max(L.MIN_BLOCK >>> 3, (bytes + this._over) >>> 3);
    const code = this._x.prefill(this._c, cls, count);
    this._sync();
    if (code === L.E_OOM || this._busy(code)) throw this._oom(call, bytes * count, 8);
    this._status(code, call);
  }

  // ── Whole-memory views: always current (re-made after a growth, on next access) ──────────

  /** The whole memory as bytes: `heap.u8[p]` is the byte at address p. Re-read after anything that can grow memory. */
  get u8(): Uint8Array { return this._fresh().u8; }
  /** The whole memory as signed bytes. */
  get i8(): Int8Array { return this._fresh().i8; }
  /** The whole memory as u16: `heap.u16[p >>> 1]`. */
  get u16(): Uint16Array { return this._fresh().u16; }
  /** The whole memory as i16: `heap.i16[p >>> 1]`. */
  get i16(): Int16Array { return this._fresh().i16; }
  /** The whole memory as u32: `heap.u32[p >>> 2]` (addresses are unsigned: `>>>`, never `>>`). */
  get u32(): Uint32Array { return this._fresh().u32; }
  /** The whole memory as i32: `heap.i32[p >>> 2]`. */
  get i32(): Int32Array { return this._fresh().i32; }
  /** The whole memory as f32: `heap.f32[(p >>> 2) + i]` is float i of the block at p. */
  get f32(): Float32Array { return this._fresh().f32; }
  /** The whole memory as f64: `heap.f64[p >>> 3]` (8-aligned blocks). */
  get f64(): Float64Array { return this._fresh().f64; }
  /** The whole memory as i64: `heap.i64[p >>> 3]`. */
  get i64(): BigInt64Array { return this._fresh().i64; }
  /** The whole memory as u64: `heap.u64[p >>> 3]`. */
  get u64(): BigUint64Array { return this._fresh().u64; }

  /** Bumped at every memory growth: views made before it may be stale (see README "Growth"). */
  get generation(): number {
    return this._fresh().u32[GENERATION_W];
  }

  // ── Inspection ──────────────────────────────────────────────────────────────────────────────

  /**
   * Counters and sizes, exact at the moment of the call. Pass an object to fill (e.g. one kept by
   * a meter in an audio callback) to make no garbage. Reads memory only; every walk is bounded.
   */
  stats(into?: HeapStats): HeapStats {
    if (into !== undefined && (into === null || typeof into !== 'object')) {
      throw new TypeError(`stats: expected an object to fill, got ${show(into)}`);
    }
    return measure(this, into ?? ({} as HeapStats));
  }

  /**
   * Walks the whole heap and verifies every invariant (blocks, free lists, bitmaps, caches, pools,
   * arenas, counters, the root and the null guard); throws HeapCorruptionError at the first fault.
   * Reads memory only; every walk is bounded by the heap's size.
   */
  check(): void {
    checkHeap(this);
  }

  /**
   * Detaches this Heap object: its cache goes back to the heap and it can no longer be used. The
   * memory (and, for a shared heap, every other Heap object attached to it) stays valid.
   */
  dispose(): void {
    if (this._c === 0) return;
    this._status(this._x.detach(this._c), 'dispose()');
    this._c = 0;
    this._bins = -L.CACHE_BINS_AT; // every fast path now falls through to a slow path that throws
  }

  // ── Internals shared with Arena, Pool and the inspectors ──────────────────────────────────────

  /** @internal Pops bin `cls`: the fast path of alloc. 0 when the bin is empty or its first entry does not check out. */
  _pop(cls: number): number {
    const m = this._v.i32; // one Int32Array for every word: no uint32 → double conversions
    const bw = this._bins + (cls << 2);
    const b = m[bw];
    if (b !== 0) {
      const i = b >>> 2;
      const size = cls << 3;
      const mix = mixOf(b, size, this._s);
      if ((m[i] & ~L.LEFTFREE) === size && m[i + 1] === (mix ^ SALT_CACHED)) {
        m[bw] = m[i + 2];
        m[bw + 1]--;
        m[i + 1] = mix;
        return (b + L.HEADER) >>> 0;
      }
    }
    return 0;
  }

  /**
   * @internal Pushes the block at `p` on its bin: the fast path of free. 0 when done, 1 when the
   * bin is full, 2 when `p` is not a held user block the cache takes (large, invalid, …). A
   * misaligned or interior `p` fails the check word (it mixes in the address).
   */
  _push(p: number): number {
    const b = p - L.HEADER;
    const i = b >>> 2;
    const m = this._v.i32;
    const size = m[i] & ~L.LEFTFREE;
    if ((size >>> 0) <= CACHE_MAX_BLOCK) {
      const mix = mixOf(b, size, this._s);
      if (m[i + 1] === mix) {
        const bw = this._bins + (size >>> 1);
        const n = m[bw + 1];
        if (n >= m[bw + 2]) return 1;
        m[i + 2] = m[bw];
        m[bw] = b;
        m[bw + 1] = n + 1;
        m[i + 1] = mix ^ SALT_CACHED;
        return 0;
      }
    }
    return 2;
  }

  /** @internal The slow path of alloc/tryAlloc/calloc: checks, then a refilled bin or one wasm call. */
  _alloc(bytes: number, align: number, call: string, orThrow: boolean): number {
    checkRequest(call, bytes, align);
    const p = this._block(bytes, align, L.KIND_USER, call);
    if (p === 0 && orThrow) throw this._oom(call, bytes, align);
    return p;
  }

  /**
   * @internal A block of `kind` of `bytes` bytes (checked by the caller): 0 when memory is
   * exhausted or, on a realtime heap, the lock is taken; throws on damage.
   */
  _block(bytes: number, align: number, kind: number, call: string): number {
    const x = this._x;
    this._sync();
    if (kind === L.KIND_USER && bytes <= L.CACHE_MAX_REQUEST && align <= 8 && !this.debug && this._c !== 0) {
      const c = (bytes + this._over) >>> 3;
      const cls = c < 3 ? 3 : c;
      let p = this._pop(cls);
      if (p !== 0) return p;
      // The fast path refused the bin's first entry: the flush checks it (and reports damage).
      if (this._v.u32[this._bins + (cls << 2)] !== 0) this._check(x.flush(this._c, cls, 0), call, bytes, align);
      const code = x.refill(this._c, cls);
      this._sync();
      if (code !== L.OK) return this._failed(code, call, bytes, align);
      p = this._pop(cls);
      if (p !== 0) return p;
      this._check(x.flush(this._c, cls, 0), call, bytes, align);
      throw new HeapCorruptionError(`${describe(call, bytes, align)}: a refilled cache bin does not check out`);
    }
    this._live(call);
    const p = x.alloc(this._c, bytes, align, kind) >>> 0;
    this._sync();
    return p !== 0 ? p : this._failed(this._fault(L.CACHE_FAULT_CODE), call, bytes, align);
  }

  /**
   * @internal Throws the error for status `code` of `call(bytes, align)` unless it is OK. The
   * message is made only then: these run on slow paths that must make no garbage (refills).
   */
  _check(code: number, call: string, bytes: number, align: number): void {
    if (code !== L.OK) this._status(code, describe(call, bytes, align));
  }

  /** @internal Throws the error for status `code` of `call(p)` unless it is OK (the message only then, as _check). */
  _statusAt(code: number, call: string, p: number): void {
    if (code !== L.OK) this._status(code, `${call}(${hex(p)})`);
  }

  /** @internal The slow path of free: views, stale views, full bins, large blocks, errors. */
  _free(p: number | ArrayBufferView, call: string): void {
    if (typeof p !== 'number') p = this.addressOf(p);
    if (p === 0) return;
    checkAddress(call, p);
    this._live(call);
    this._sync();
    if (!this.debug) {
      let r = this._push(p);
      if (r === 1) {
        // The bin is full: return half of it to the free lists, then push. A realtime heap that
        // finds the lock taken frees through wasm instead, which defers the block.
        const cls = (this._v.u32[(p - L.HEADER) >>> 2] & ~L.TAGS) >>> 3;
        const code = this._x.flush(this._c, cls, this._v.u32[this._bins + (cls << 2) + 2] >>> 1);
        if (!this._busy(code)) {
          this._statusAt(code, call, p);
          r = this._push(p);
        }
      }
      if (r === 0) return;
    }
    this._statusAt(this._x.free(this._c, p, L.KIND_USER), call, p);
  }

  /** @internal Frees a block of `kind` with one wasm call; throws when it is not a live block of that kind. */
  _releaseBlock(p: number, kind: number, call: string): void {
    this._status(this._x.free(this._c, p, kind), call);
  }

  /** @internal Refreshes the views if memory grew (here or in another thread). */
  _sync(): void {
    const v = this._v;
    if (v.u32[GENERATION_W] !== this._gen || (this.shared && v.buffer.byteLength !== this.memory.buffer.byteLength)) this._refresh();
  }

  /** @internal The current views: re-made when the generation changed. */
  _fresh(): Views {
    const v = this._v;
    return v.u32[GENERATION_W] === this._gen ? v : this._refresh();
  }

  private _refresh(): Views {
    const v = this._v;
    // Another thread's growth: read the generation first, then re-take the buffer (grow(0) makes
    // V8 report the shared memory's current size).
    const gen = this.shared ? v.u32[GENERATION_W] : 0;
    if (this.shared) this.memory.grow(0);
    v.set(this.memory.buffer);
    this._gen = this.shared ? gen : v.u32[GENERATION_W];
    if (this.shared) this._buffers.push(v.buffer);
    else this._buffers = [v.buffer];
    return v;
  }

  /** @internal A word of this Heap object's cache (fault details). */
  _fault(offset: number): number {
    return this._v.u32[(this._c + offset) >>> 2];
  }

  /** @internal Throws the error for status `code` of `call` unless it is OK. */
  _status(code: number, call: string): void {
    if (code !== L.OK) throw errorFor(call, code, this._fault(L.CACHE_FAULT_ADDR), this._fault(L.CACHE_FAULT_INFO));
  }

  /**
   * @internal 0 for out of memory and busy (the caller throws or returns 0); throws for the rest
   * (a lock nobody released: HeapError).
   */
  _failed(code: number, call: string, bytes: number, align: number): number {
    if (code === L.E_OOM || this._busy(code)) return 0;
    this._check(code === L.OK ? L.E_CORRUPT : code, call, bytes, align);
    return 0;
  }

  /**
   * @internal True when a call failed only because the lock was taken and this realtime Heap
   * object does not wait (E_BUSY without C_LOCK; with it, nobody released the lock in time).
   */
  _busy(code: number): boolean {
    return code === L.E_BUSY && this._fault(L.CACHE_FAULT_INFO) !== L.C_LOCK;
  }
  private _live(call: string): void {
    if (this._c === 0) throw new TypeError(`${call}: this Heap object was disposed`);
  }

  /** @internal The error for a failed call that returned 0 (out of memory, or a recorded fault). */
  _error(call: string, bytes?: number, align?: number): Error {
    const code = this._fault(L.CACHE_FAULT_CODE);
    if (code === L.E_OOM && bytes !== undefined) return this._oom(call, bytes, align ?? 8);
    return errorFor(call, code, this._fault(L.CACHE_FAULT_ADDR), this._fault(L.CACHE_FAULT_INFO));
  }

  /** @internal OutOfMemoryError with the heap's figures. Reads memory only (bounded). */
  _oom(call: string, bytes: number, align: number): Error {
    const what = describe(call, bytes, align);
    if (this.realtime && this._fault(L.CACHE_FAULT_CODE) === L.E_BUSY) return errorFor(what, L.E_BUSY, 0, 0);
    let figures = '';
    try {
      const s = measure(this, {} as HeapStats);
      figures = `: ${s.usedBytes} bytes in ${s.liveBlocks} live blocks, heap ${s.heapBytes} of at most ${this.maximumBytes} bytes, largest free block ${s.largestFreeBlock}`;
    } catch {
      figures = ' (and the heap is damaged: see heap.check())';
    }
    return new OutOfMemoryError(`${what}: out of memory${figures}`);
  }
}

/** "alloc(100, 16)" for an error message; a call already written out ("arena(64)") stays as it is. */
function describe(call: string, bytes: number, align: number): string {
  return call.includes('(') ? call : `${call}(${bytes}${align !== 8 ? `, ${align}` : ''})`;
}

/**
 * The profiler's methods, on heaps made with `{ profile: true }` (they come with
 * 'wasm-arena/profile'; a heap made without profiling does not have them). Declarations only:
 * the main entry point bundles none of the profiler.
 */
export interface Heap {
  /**
   * Profile heaps: later allocations from this Heap object (alloc, calloc, realloc, allocArray,
   * arenas, pools, soa tables) carry the tag `name` (`null`: none); returns the previous tag.
   * At most 254 names per heap. Makes no garbage once a name has been seen.
   *
   * ```ts
   * import 'wasm-arena/profile';
   * const heap = new Heap({ profile: true });
   * heap.tag('particles'); const p = heap.alloc(64); heap.tag(null);
   * ```
   */
  tag(name: string | null): string | null;
  /** Profile heaps: per tag, live blocks and bytes, peak, allocs and frees; free space and fragmentation (`String(report)`: a table). */
  report(): ProfileReport;
  /** Profile heaps: this moment, for `leaks(snapshot)`. */
  snapshot(): Snapshot;
  /** Profile heaps: what is live now and was allocated after `snapshot`, by tag, and by call site when sampling is on. */
  leaks(snapshot: Snapshot): LeakReport;
  /** Profile heaps: an SVG picture of the whole heap: blocks by tag and kind, free space, caches, the control block. */
  heapMap(options?: HeapMapOptions): string;
  /** Profile heaps: records live bytes per tag on the timeline now (memory growth records too). */
  sample(): void;
  /** Profile heaps: the timeline's samples of live bytes per tag (`.toSVG()`: a stacked chart). */
  timeline(): Timeline;
  /**
   * Profile heaps: records the call stack (`new Error().stack`) of about one allocation per
   * `meanBytes` bytes allocated, at random exponentially distributed intervals, for `leaks()` by
   * call site; 0 (the default) turns it off.
   */
  sampleCallSites(meanBytes: number): void;
}

/**
 * @internal Where 'wasm-arena/profile' leaves the function that makes a heap a profile heap: on
 * globalThis, so that the ESM and the CJS copy of the library, if an app loads both, find it alike.
 */
export const PROFILER = Symbol.for('wasm-arena/profiler');

/** Makes `heap` (just made by the profile build) a profile heap, or throws when the profiler is not loaded. */
function adoptProfiler(call: string, heap: Heap): void {
  const adopt = (globalThis as Record<symbol, ((heap: Heap) => void) | undefined>)[PROFILER];
  if (adopt === undefined) throw new TypeError(`${call}: the profiler is not loaded: import 'wasm-arena/profile' once, anywhere in your app`);
  adopt(heap);
}

function buildOf(call: string, o: Pick<HeapOptions, 'shared' | 'debug' | 'profile'>): BuildName {
  if (o === null || typeof o !== 'object') throw new TypeError(`${call}: options must be an object, got ${show(o)}`);
  const asked = (['shared', 'debug', 'profile'] as const).filter((k) => o[k]);
  if (asked.length > 1) throw new TypeError(`${call}: pick one build: ${asked.join(' and ')} do not combine`);
  return asked[0] ?? 'release';
}

function isShared(memory: WebAssembly.Memory): boolean {
  return isSharedBuffer(memory.buffer);
}

/**
 * Not `instanceof SharedArrayBuffer`: a page that is not cross-origin isolated has shared wasm
 * memories but no SharedArrayBuffer global (posting one is what fails there: see ring.share()).
 */
function isSharedBuffer(buffer: ArrayBufferLike): boolean {
  return Object.prototype.toString.call(buffer) === '[object SharedArrayBuffer]';
}

function initError(call: string, code: number, initial: number): Error {
  switch (code) {
    case L.E_OOM: return new OutOfMemoryError(`${call}: could not get ${initial * L.PAGE} bytes of initial memory`);
    case L.C_ROOT: return new HeapCorruptionError(`${call}: the memory holds a heap whose root is damaged; it was not attached`);
    case L.E_ARGUMENT: return new TypeError(`${call}: the memory holds a heap made by another build (debug or profile?) or another layout`);
    default: return errorFor(call, code, 0, 0);
  }
}
