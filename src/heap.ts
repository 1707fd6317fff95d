// class Heap: the public face of the allocator. Checks arguments, calls the wasm module once per
// operation, turns status codes into typed errors, and keeps the whole-memory views current.

import * as abi from './abi.js';
import { Arena } from './arena.js';
import { badLength, badRequest, checkOptions, checkPointer, elementSize, validAlign } from './args.js';
import { InvalidPointerError, OutOfMemoryError } from './errors.js';
import { errorFor, hex } from './faults.js';
import { createSoa, type SoaTable } from './soa.js';
import type { Schema, StructType } from './struct.js';
import { MemoryViews, makeBufferResizable, type TypedArrayConstructor, type TypedArrayOf } from './views.js';
import { type Exports, type ModuleKind, importsMemory, instantiate, moduleAsync, moduleSync } from './wasm.js';

export interface HeapOptions {
  /** Memory to start with, rounded up to 64 KiB pages. Default 1 MiB. */
  initialBytes?: number;
  /** The heap never grows past this. Default 1 GiB. `initialBytes === maximumBytes`: fixed size. */
  maximumBytes?: number;
  /** Put the heap in a SharedArrayBuffer-backed memory (views never detach; postable to workers). */
  shared?: boolean;
  /** Use the debug build: canaries after blocks, poisoned free memory, use-after-free detection. */
  debug?: boolean;
  /** With `shared`: an existing shared memory; attaches to the heap in it, or makes one there. */
  memory?: WebAssembly.Memory;
  /**
   * Non-shared heaps that can grow switch their memory to a resizable buffer where the engine
   * has one (`toResizableBuffer`), so allocArray views survive growth. Default true. Element
   * access through views of resizable buffers is slower in Chromium 156 (2.5–5× in our particle
   * test): pass false, or use a fixed-size heap (never switched), where that matters more.
   */
  resizable?: boolean;
}

/** What `heap.stats()` reports. Byte counts include the 8-byte block headers. */
export interface HeapStats {
  /** Bytes the heap spans (blocks + tail sentinel); grows with memory. */
  heapBytes: number;
  /** Bytes of wasm memory (the heap plus its control block). */
  memoryBytes: number;
  maximumBytes: number;
  usedBytes: number;
  freeBytes: number;
  peakUsedBytes: number;
  liveBlocks: number;
  freeBlocks: number;
  /** Size of the largest free block (the largest request that needs no growth is ≤ this - 8). */
  largestFreeBlock: number;
  /** Number of memory growths so far (see `heap.generation`). */
  generation: number;
  debug: boolean;
  shared: boolean;
  /** True when views made by allocArray survive growth (shared, resizable buffer, or fixed size). */
  stableViews: boolean;
}

/** Index in u32 views of a control-block field. */
const word = (offset: number): number => (abi.ROOT + offset) >> 2;
const GENERATION_W = word(abi.R_GENERATION);


/**
 * A manual-memory heap in WebAssembly linear memory: O(1) alloc/free, typed views, bump arenas.
 *
 * ```ts
 * const heap = new Heap({ initialBytes: 1 << 20 });
 * const p = heap.alloc(1024);          // byte address
 * heap.f32[p >> 2] = 1.5;              // whole-memory views
 * const buf = heap.allocArray(Float32Array, 128);
 * heap.free(buf); heap.free(p);
 * ```
 */
export class Heap {
  /** The wasm memory holding the heap. */
  readonly memory: WebAssembly.Memory;
  /** True for a heap in shared memory. */
  readonly shared: boolean;
  /** True for a heap made by the debug build. */
  readonly debug: boolean;
  readonly maximumBytes: number;
  /** True when allocArray views survive growth: shared memory, a resizable buffer, or a fixed size. */
  readonly stableViews: boolean;

  // Raw exports, held directly: one property load and one call per operation.
  private readonly _alloc: Exports['alloc'];
  private readonly _free: Exports['free'];
  private readonly _realloc: Exports['realloc'];
  /** @internal */ readonly _x: Exports;
  private _v: MemoryViews;
  private _gen: number;
  /** Buffers views were made over (one per growth for shared memory; one otherwise). */
  private _buffers: ArrayBufferLike[];

  /** Makes a heap synchronously (the module is compiled once and cached). */
  constructor(options: HeapOptions = {}, /** @internal from Heap.fromModule */ module?: WebAssembly.Module) {
    const kind: ModuleKind = options.shared ? 'shared' : options.debug ? 'debug' : 'release';
    if (options.shared && options.debug) {
      throw new TypeError('wasm-arena: the debug build has no shared-memory variant; pass shared or debug, not both');
    }
    const [initial, maximum] = checkOptions(options);
    module ??= moduleSync(kind);
    let memory: WebAssembly.Memory | undefined;
    if (kind === 'shared') {
      memory = options.memory ?? new WebAssembly.Memory({ initial, maximum, shared: true });
    } else if (options.memory) {
      throw new TypeError('wasm-arena: options.memory is for shared heaps (shared: true)');
    }
    const x = instantiate(module, memory);
    this.memory = memory ?? x.memory!;
    this.shared = kind === 'shared';
    this._x = x;
    this._alloc = x.alloc;
    this._free = x.free;
    this._realloc = x.realloc;
    const fixed = initial === maximum;
    this.stableViews =
      this.shared || fixed || (options.resizable !== false && makeBufferResizable(this.memory));
    const secret = (Math.random() * 0x1_0000_0000) >>> 0;
    if (x.init(initial, maximum, secret, 0) === abi.E_ARGUMENT) {
      throw new OutOfMemoryError(`new Heap(): could not get ${initial * abi.PAGE} bytes of initial memory`);
    }
    this._v = new MemoryViews(this.memory.buffer);
    this._buffers = [this._v.buffer];
    this._gen = this._v.u32[word(abi.R_GENERATION)];
    this.debug = (this._v.u32[word(abi.R_FLAGS)] & abi.FLAG_DEBUG) !== 0;
    this.maximumBytes = this._v.u32[word(abi.R_MAX_PAGES)] * abi.PAGE;
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
  static compile(options: Pick<HeapOptions, 'shared' | 'debug'> = {}): Promise<WebAssembly.Module> {
    return moduleAsync(options.shared ? 'shared' : options.debug ? 'debug' : 'release');
  }

  /** Makes a heap synchronously from a module made by `Heap.compile` (e.g. inside a worklet). */
  static fromModule(module: WebAssembly.Module, options: HeapOptions = {}): Heap {
    if (!(module instanceof WebAssembly.Module)) {
      throw new TypeError(`Heap.fromModule: expected a WebAssembly.Module from Heap.compile(), got ${typeof module}`);
    }
    const shared = importsMemory(module);
    if (options.shared !== undefined && options.shared !== shared) {
      throw new TypeError(`Heap.fromModule: the module is the ${shared ? 'shared' : 'non-shared'} build; options.shared says otherwise`);
    }
    return new Heap({ ...options, shared }, module);
  }

  // ── Allocation ────────────────────────────────────────────────────────────────────────────

  /**
   * Allocates `bytes` bytes aligned to `align` (a power of two, default 8) and returns the address.
   * Throws OutOfMemoryError when the heap cannot grow enough.
   */
  alloc(bytes: number, align = 8): number {
    if ((bytes >>> 0) !== bytes || (align !== 8 && !validAlign(align))) badRequest('alloc', bytes, align);
    const p = this._alloc(bytes, align) >>> 0;
    if (p === 0) throw this.allocError('alloc', bytes, align);
    return p;
  }

  /** Like alloc, but returns 0 instead of throwing when memory is exhausted (for real-time code). */
  tryAlloc(bytes: number, align = 8): number {
    if ((bytes >>> 0) !== bytes || (align !== 8 && !validAlign(align))) badRequest('tryAlloc', bytes, align);
    const p = this._alloc(bytes, align) >>> 0;
    if (p === 0 && this.faultCode() !== abi.E_OOM) throw this.allocError('tryAlloc', bytes, align);
    return p;
  }

  /** Like alloc, and the `bytes` bytes are zeroed. */
  calloc(bytes: number, align = 8): number {
    if ((bytes >>> 0) !== bytes || (align !== 8 && !validAlign(align))) badRequest('calloc', bytes, align);
    const p = this._x.calloc(bytes, align) >>> 0;
    if (p === 0) throw this.allocError('calloc', bytes, align);
    return p;
  }

  /**
   * Resizes the block at `p` to `bytes`, preserving its contents; grows in place when the next
   * block is free. Returns the (possibly new) address; a moved block is 8-byte aligned.
   * `realloc(0, n)` is `alloc(n)`.
   */
  realloc(p: number, bytes: number): number {
    if ((bytes >>> 0) !== bytes) badRequest('realloc', bytes, 8);
    if (p === 0) return this.alloc(bytes);
    checkPointer('realloc', p);
    const r = this._realloc(p, bytes) >>> 0;
    if (r > abi.E_ARGUMENT) return r;
    throw r === abi.E_OOM ? this.allocError('realloc', bytes, 8) : this.error(`realloc(${hex(p)}, ${bytes})`);
  }

  /** Frees the block at `p` (an address or a view made by allocArray). `free(0)` does nothing. */
  free(p: number | ArrayBufferView): void {
    if (typeof p !== 'number') p = this.addressOf(p);
    if (p === 0) return;
    checkPointer('free', p);
    if (this._free(p) !== 0) throw this.error(`free(${hex(p)})`);
  }

  /** Bytes usable at `p` (at least what was asked for). */
  usableSize(p: number | ArrayBufferView): number {
    if (typeof p !== 'number') p = this.addressOf(p);
    checkPointer('usableSize', p);
    const n = this._x.usableSize(p) >>> 0;
    if (n > abi.E_ARGUMENT) return n;
    throw this.error(`usableSize(${hex(p)})`);
  }

  /**
   * Allocates room for `length` elements and returns a view of that type over it; the view owns
   * the block (`heap.free(view)`). The view is the one object this call creates.
   */
  allocArray<C extends TypedArrayConstructor>(Ctor: C, length: number): TypedArrayOf<C> {
    const bpe = elementSize(Ctor);
    if ((length >>> 0) !== length || length * bpe > abi.MAX_REQUEST) badLength('allocArray', Ctor, length);
    const p = this.alloc(length * bpe, bpe > 8 ? bpe : 8);
    return new Ctor(this._views().buffer as ArrayBuffer, p, length) as TypedArrayOf<C>;
  }

  /** A view of `length` elements at address `p` over the current memory (it owns nothing). */
  view<C extends TypedArrayConstructor>(Ctor: C, p: number, length: number): TypedArrayOf<C> {
    return new Ctor(this._views().buffer as ArrayBuffer, p, length) as TypedArrayOf<C>;
  }

  /**
   * The address of a view's first byte; throws InvalidPointerError when the view is not over
   * this heap's memory or was detached by a growth.
   */
  addressOf(view: ArrayBufferView): number {
    if (!ArrayBuffer.isView(view)) {
      throw new TypeError(`wasm-arena: expected an address (number) or a typed view, got ${String(view)}`);
    }
    const buffer = view.buffer;
    if (this._views().buffer === buffer || this._buffers.includes(buffer)) return view.byteOffset;
    throw new InvalidPointerError(
      buffer.byteLength === 0
        ? 'the view was detached when memory grew; free it by address (keep heap.addressOf(view)), or see "Growth" in the README'
        : 'the view is not over this heap\'s memory');
  }

  /** A bump arena of `bytes` bytes carved from this heap (see Arena). */
  arena(bytes: number): Arena {
    if ((bytes >>> 0) !== bytes || bytes > abi.MAX_REQUEST - 16) badRequest('arena', bytes, 8);
    const a = this._x.arenaCreate(bytes) >>> 0;
    if (a === 0) throw this.allocError('arena', bytes, 16);
    return new Arena(this, a);
  }

  /**
   * Grows memory now so that `bytes` can later be allocated without growing (or throws
   * OutOfMemoryError): a block of that size is allocated and freed, leaving a free block that big.
   */
  reserve(bytes: number): void {
    this.free(this.alloc(bytes));
  }

  // ── Whole-memory views: always current (re-made after a growth, on next access) ──────────

  get u8(): Uint8Array { return this._views().u8; }
  get i8(): Int8Array { return this._views().i8; }
  get u16(): Uint16Array { return this._views().u16; }
  get i16(): Int16Array { return this._views().i16; }
  get u32(): Uint32Array { return this._views().u32; }
  get i32(): Int32Array { return this._views().i32; }
  get f32(): Float32Array { return this._views().f32; }
  get f64(): Float64Array { return this._views().f64; }
  get i64(): BigInt64Array { return this._views().i64; }
  get u64(): BigUint64Array { return this._views().u64; }

  /** Bumped at every memory growth: views made before it may be stale (see README "Growth"). */
  get generation(): number {
    return this._views().u32[GENERATION_W];
  }

  /** @internal The current views; a detached (length 0) or outgrown view set is re-made. */
  _views(): MemoryViews {
    const v = this._v;
    // Detached views read undefined; shared ones still alias memory and read the new generation.
    if (v.u32[GENERATION_W] === this._gen) return v;
    return this.refreshViews();
  }

  private refreshViews(): MemoryViews {
    const v = new MemoryViews(this.memory.buffer);
    this._v = v;
    this._gen = v.u32[GENERATION_W];
    if (this.shared) this._buffers.push(v.buffer);
    else this._buffers = [v.buffer];
    return v;
  }

  // ── Inspection ──────────────────────────────────────────────────────────────────────────────

  /**
   * Counters and sizes. Pass an object to fill (e.g. one kept by a meter in an audio callback) to
   * make no garbage; `freeBlocks` and `largestFreeBlock` walk the free lists (O(free blocks)).
   */
  stats(into: HeapStats = {} as HeapStats): HeapStats {
    const m = this._views().u32;
    const heapBytes = m[word(abi.R_TAIL)] + abi.HEADER - m[word(abi.R_HEAP_START)];
    const usedBytes = m[word(abi.R_USED)];
    into.heapBytes = heapBytes;
    into.memoryBytes = this.memory.buffer.byteLength;
    into.maximumBytes = this.maximumBytes;
    into.usedBytes = usedBytes;
    into.freeBytes = heapBytes - abi.HEADER - usedBytes;
    into.peakUsedBytes = m[word(abi.R_PEAK)];
    into.liveBlocks = m[word(abi.R_LIVE)];
    // Alloc and free keep no free-block counters (a few stores shorter): walk the lists instead.
    let count = 0;
    let largest = 0;
    const heads = word(abi.R_HEADS);
    for (let cls = 0; cls < abi.FL_COUNT * abi.SL_COUNT; cls++) {
      for (let b = m[heads + cls]; b !== 0; b = m[(b + abi.B_NEXT) >> 2]) {
        count++;
        largest = Math.max(largest, m[b >> 2] & ~abi.TAGS);
      }
    }
    into.freeBlocks = count;
    into.largestFreeBlock = largest;
    into.generation = m[word(abi.R_GENERATION)];
    into.debug = this.debug;
    into.shared = this.shared;
    into.stableViews = this.stableViews;
    return into;
  }

  /** Walks the whole heap and verifies every invariant; throws HeapCorruptionError at the first fault. */
  check(): void {
    if (this._x.check() !== 0) throw this.error('check()');
  }

  // ── Errors (slow paths) ─────────────────────────────────────────────────────────────────────

  private faultCode(): number {
    return this._views().u32[word(abi.R_FAULT_CODE)];
  }

  /** @internal The typed error for the fault the module just recorded. */
  error(call: string): Error {
    const m = this._views().u32;
    return errorFor(call, { code: m[word(abi.R_FAULT_CODE)], addr: m[word(abi.R_FAULT_ADDR)], info: m[word(abi.R_FAULT_INFO)] });
  }

  /** @internal Why an allocation returned 0: out of memory (with figures), or another fault. */
  allocError(call: string, bytes: number, align: number): Error {
    const what = `${call}(${bytes}${align !== 8 ? `, ${align}` : ''})`;
    if (this.faultCode() !== abi.E_OOM) return this.error(what);
    if (bytes > this.maximumBytes) {
      return new RangeError(`${what}: larger than the heap's maximumBytes (${this.maximumBytes})`);
    }
    const s = this.stats();
    return new OutOfMemoryError(
      `${what}: out of memory: ${s.usedBytes} bytes in ${s.liveBlocks} live blocks, heap ${s.heapBytes} bytes ` +
        `of maximumBytes ${s.maximumBytes}, largest free block ${s.largestFreeBlock}`);
  }

  // ── Structs ─────────────────────────────────────────────────────────────────────────────────

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
}
