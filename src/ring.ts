// class Ring: a single-producer single-consumer ring buffer inside the heap, for audio and data
// between threads (a Worker and an AudioWorklet) with no garbage, no lock and no postMessage.
// Layout (header, the two index lines, the planes): assembly/layout.ts, section Ring.
//
// The wait-free rule: every call here finishes in a bounded number of steps whatever the other
// thread does. Nothing waits, spins or takes a lock; the only atomic operations are one load of
// the other end's index and one store of this end's index per call (none per element); a call
// that finds the ring too full or too empty moves what it can and returns the count. The ring
// keeps two views of its own memory, made once (and again only after the heap's memory was
// replaced by a growth), and pops keep a view of each run they copy out (copyOut: at most
// RUN_VIEWS per buffer), so once a steady stream has been round the ring no call creates a
// JavaScript object.
//
// Threads: one producer (push, pushPlanar, beginWrite, commitWrite) and one consumer (pop,
// popPlanar, beginRead, commitRead), each holding its own Ring object (made by heap.ring on one
// side and Ring.attach on the other, or the same object when both ends are on one thread).
// availableRead, availableWrite and the counters may be read from any thread: a snapshot.

import * as L from './layout.js';
import { checkAddress, elementSize, show } from './args.js';
import { HeapCorruptionError, InvalidPointerError } from './errors.js';
import { hex, kindName } from './faults.js';
import { disposable } from './dispose.js';
import { kindAt } from './inspect.js';
import type { Heap } from './heap.js';
import type { TypedArrayConstructor, TypedArrayOf } from './views.js';

/** Element types a ring carries; the header's `type` word is an index into this list. */
export const RING_TYPES = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array] as const;
/** The index in RING_TYPES of the built-in type `Ctor` is or extends (at any depth); -1 for none. */
function ringTypeOf(Ctor: unknown): number {
  for (let c = Ctor; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
    const i = (RING_TYPES as readonly unknown[]).indexOf(c);
    if (i >= 0) return i;
  }
  return -1;
}

/** Most frames per channel (a power of two): indices stay unambiguous mod 2^32. */
export const MAX_RING_CAPACITY = 2 ** 30;
/** Most channels (planes) a ring holds. */
export const MAX_RING_CHANNELS = 256;

/** The check word of the ring at `r` (assembly/layout.ts, Ring). */
export const ringCheckOf = (r: number, capacity: number, type: number, channels: number, secret: number): number =>
  (Math.imul(Math.imul(Math.imul(r ^ secret, L.GOLDEN) ^ capacity, L.GOLDEN2) ^ (type | (channels << 8)), L.GOLDEN) ^ L.RING_SALT) >>> 0;

// Word indices into a ring's header view (the header starts at the ring's address).
const CHECK = L.RING_CHECK >>> 2;
const WRITE = (L.RING_WRITE + L.RING_END_INDEX) >>> 2;
const OVERRUNS = (L.RING_WRITE + L.RING_END_SHORT_CALLS) >>> 2;
const OVERRUN_FRAMES = (L.RING_WRITE + L.RING_END_SHORT_FRAMES) >>> 2;
const READ = (L.RING_READ + L.RING_END_INDEX) >>> 2;
const UNDERRUNS = (L.RING_READ + L.RING_END_SHORT_CALLS) >>> 2;
const UNDERRUN_FRAMES = (L.RING_READ + L.RING_END_SHORT_FRAMES) >>> 2;
const HEADER_WORDS = L.RING_DATA >>> 2;
/** Slots of a ring's table of kept run views (see copyOut): 2^RUN_BITS. */
const RUN_BITS = 5;
const RUN_SLOTS = 1 << RUN_BITS;
/** Views a ring may make for that table over one buffer, replaced ones included. */
const RUN_VIEWS = 4 * RUN_SLOTS;
/** Runs shorter than this are copied out element by element: a short loop, not worth a kept view. */
const RUN_MIN = 16;

/** A ring's kept views of runs of its planes (copyOut), and how many more it may make. */
interface Runs {
  views: (Elements | undefined)[];
  left: number;
}

const noRuns = (): Runs => ({ views: new Array<Elements | undefined>(RUN_SLOTS).fill(undefined), left: RUN_VIEWS });

export interface RingOptions {
  /** Planes (channels), each of `capacity` frames. Default 1. */
  channels?: number;
}

/** The values a ring of `C` holds: bigint for the 64-bit integer types, else number. */
export type RingElement<C extends TypedArrayConstructor> = C extends BigInt64ArrayConstructor | BigUint64ArrayConstructor ? bigint : number;

/** What another thread needs to attach to a ring: post it together with the module of `Heap.compile({ shared: true })`. */
export interface RingHandle {
  memory: WebAssembly.Memory;
  address: number;
}

type Elements = { [i: number]: number | bigint; readonly length: number };

/**
 * A wait-free single-producer single-consumer ring buffer in the heap: one thread pushes, one
 * thread pops, through shared memory, with no lock, no message and no garbage. Planar: one
 * plane of `capacity` frames per channel, the layout of an AudioWorklet's channel arrays.
 *
 * ```ts
 * const ring = heap.ring(Float32Array, 1024);   // 1,024 frames (a power of two)
 * ring.push(samples);                           // → elements written (fewer when full)
 * ring.pop(out);                                // → elements read (fewer when empty)
 * // another thread, on the same shared memory:
 * const same = Ring.attach(Heap.fromModule(module, { memory }), ring.address);
 * ```
 *
 * Every method says whether it allocates, may block, and which thread may call it. None blocks.
 * (A ring of BigInt64Array or BigUint64Array moves bigints: pop and the partial forms of push
 * make one per element; its zero-copy calls, over `heap.i64` / `heap.u64`, make none.)
 */
export class Ring<C extends TypedArrayConstructor = TypedArrayConstructor> {
  /** The heap (this thread's Heap object) that holds the ring. */
  readonly heap: Heap;
  /** Address of the ring's header: post it with `heap.memory` to attach on another thread. */
  readonly address: number;
  /** Frames per channel (a power of two). */
  readonly capacity: number;
  /** Planes, one per channel. */
  readonly channels: number;
  /** The element type (a TypedArray constructor). */
  readonly type: C;
  /**
   * Zero-copy ranges set by the last beginWrite/beginRead: elements [start1, start1 + length1)
   * then [start2, start2 + length2) of the whole-memory view of the ring's type (`heap.f32` for a
   * Float32Array ring), channel 0. Channel c's ranges start `c * capacity` elements later.
   */
  start1 = 0;
  /** Frames in the first range. */
  length1 = 0;
  /** Start of the second range (the start of the plane, after a wrap-around). */
  start2 = 0;
  /** Frames in the second range (0 when the frames do not wrap around). */
  length2 = 0;

  /** @internal Header words (check, the two ends), over the current buffer. */ private _h: Uint32Array;
  /** @internal The planes: channels × capacity elements. */ private _d: TypedArrayOf<C>;
  /** @internal Views of runs of the planes that pops copy out with one TypedArray.set (copyOut). */ private _runs: Runs;
  /** @internal The header's check word as it must read; -1 once disposed (no u32 equals it). */ private _check: number;
  /** @internal capacity - 1 */ private readonly _mask: number;
  /** @internal Index of plane 0's first element in the whole-memory view of the type. */ private readonly _base: number;
  /** @internal Atomics on the indices only on a shared heap (a non-shared one has one thread). */ private readonly _shared: boolean;
  /** @internal This end's index, as the last _available() read it. */ private _own = 0;
  /** @internal The read index as this (producer) thread last loaded it: a lower bound. */ private _seenRead: number;
  /** @internal The write index as this (consumer) thread last loaded it: a lower bound. */ private _seenWrite: number;

  /** @internal Made by `heap.ring(…)` and `Ring.attach(…)`: the header at `r` is checked here. */
  constructor(heap: Heap, r: number, call: string) {
    heap._sync();
    const m = heap._v.u32;
    const w = r >>> 2;
    const capacity = m[w + (L.RING_CAPACITY >>> 2)];
    const type = m[w + (L.RING_TYPE >>> 2)];
    const channels = m[w + (L.RING_CHANNELS >>> 2)];
    const fault = ringFault(m, r, (m[(r - L.HEADER) >>> 2] & ~L.TAGS) >>> 0, heap._over - 7, heap._s);
    if (fault) throw new HeapCorruptionError(`${call}: the ring at ${hex(r)} is damaged: ${fault} (a stray write?)`, r);
    const Ctor = RING_TYPES[type] as unknown as C;
    this.heap = heap;
    this.address = r;
    this.capacity = capacity;
    this.channels = channels;
    this.type = Ctor;
    this._mask = capacity - 1;
    this._base = (r + L.RING_DATA) / Ctor.BYTES_PER_ELEMENT;
    this._shared = heap.shared;
    this._check = m[w + CHECK];
    this._h = new Uint32Array(heap._v.buffer, r, HEADER_WORDS);
    this._seenRead = Atomics.load(this._h, READ);
    this._seenWrite = Atomics.load(this._h, WRITE);
    this._d = new Ctor(heap._v.buffer as ArrayBuffer, r + L.RING_DATA, capacity * channels) as TypedArrayOf<C>;
    this._runs = noRuns();
  }

  /**
   * The ring at `address` of a heap attached to the same memory (another thread's Heap object
   * made with `Heap.fromModule(module, { memory })`), with no copy. Throws InvalidPointerError
   * when `address` is not a ring of this heap, and a TypeError when `Ctor` is given and the ring
   * carries another type. Allocates the Ring object and its two views; call it once per thread.
   *
   * ```ts
   * const ring = Ring.attach(heap, address, Float32Array);
   * ```
   */
  static attach<C extends TypedArrayConstructor = TypedArrayConstructor>(heap: Heap, address: number, Ctor?: C): Ring<C> {
    const call = `Ring.attach(${typeof address === 'number' ? hex(address) : show(address)})`;
    if (heap === null || typeof heap !== 'object' || typeof (heap as Heap)._fresh !== 'function') {
      throw new TypeError(`${call}: expected a Heap, got ${show(heap)}`);
    }
    checkAddress('Ring.attach', address);
    const m = heap._fresh().u32;
    if (address & 63 || address < L.MEMORY_BASE + L.HEADER || address + L.RING_DATA > m.byteLength) {
      throw new InvalidPointerError(`${call}: not a ring: rings are 64-byte aligned addresses inside the heap's ${m.byteLength} bytes`, address);
    }
    const kind = kindAt(m, address - L.HEADER, heap._s);
    if (kind !== L.KIND_RING) {
      throw new InvalidPointerError(`${call}: not a ring of this heap: ${kind === L.KIND_COUNT ? 'no block starts there' : `the block there is ${kindName(kind)}`}`, address);
    }
    const ring = new Ring<C>(heap, address, call);
    if (Ctor !== undefined && ringTypeOf(Ctor) !== ringTypeOf(ring.type)) {
      elementSize('Ring.attach', Ctor);
      throw new TypeError(`${call}: the ring carries ${ring.type.name}, not ${(Ctor as { name: string }).name}`);
    }
    return ring;
  }

  // ── Producer ────────────────────────────────────────────────────────────────────────────────

  /**
   * Copies elements `offset … offset + length` of `src` (default: all from `offset`) into the
   * ring and returns how many it wrote: fewer when the ring is too full (an overrun, counted).
   * A ring of several channels takes interleaved frames (`src[f * channels + c]`), `length` a
   * multiple of `channels`. Real-time: no allocation, never blocks; the producer thread only.
   */
  push(src: ArrayLike<RingElement<C>>, offset = 0, length?: number): number {
    if (this._h[CHECK] === this._check && typeof src === 'object' && src !== null) {
      const n = length === undefined ? src.length - offset : length;
      const frames = this.channels === 1 ? n : n / this.channels;
      if ((offset >>> 0) === offset && (frames >>> 0) === frames && offset + n <= src.length) {
        return this._move(src as unknown as Elements, offset, frames, false, true) * this.channels;
      }
    }
    return this._slow('push', src, offset, length, true);
  }

  /**
   * Copies `length` frames (default: the length of `planes[0]`) from the start of each channel's
   * array, `planes[c]` (an AudioWorklet's `inputs[0]`, say), and returns the frames written:
   * fewer when the ring is too full (an overrun, counted). `planes.length` must equal `channels`.
   * Real-time: no allocation, never blocks; the producer thread only.
   */
  pushPlanar(planes: ArrayLike<ArrayLike<RingElement<C>>>, length?: number): number {
    if (this._h[CHECK] === this._check && this._planesFit(planes, length)) {
      return this._move(planes as unknown as ArrayLike<Elements>, 0, length ?? planes[0].length, true, true);
    }
    return this._slow('pushPlanar', planes, 0, length, true);
  }

  /**
   * Makes room for up to `frames` frames to be written in place, and returns how many: fewer
   * when the ring is too full (an overrun, counted). Their places are `start1`/`length1` and
   * `start2`/`length2` (after a wrap-around), indices into the whole-memory view of the ring's
   * type; write them, then `commitWrite(n)`. Real-time: no allocation (the ranges are fields of
   * the ring), never blocks; the producer thread only.
   *
   * ```ts
   * const n = ring.beginWrite(128), f32 = heap.f32;
   * for (let i = 0; i < ring.length1; i++) f32[ring.start1 + i] = next();
   * for (let i = 0; i < ring.length2; i++) f32[ring.start2 + i] = next();
   * ring.commitWrite(n);
   * ```
   */
  beginWrite(frames: number): number {
    if (this._h[CHECK] === this._check && (frames >>> 0) === frames) return this._begin(frames, true);
    return this._slow('beginWrite', null, 0, frames, true);
  }

  /**
   * Publishes `frames` frames written in place since beginWrite. Throws a RangeError when that
   * is more than there is room for. Real-time: no allocation, never blocks; the producer only.
   */
  commitWrite(frames: number): void {
    if (this._h[CHECK] !== this._check || (frames >>> 0) !== frames || !this._commit(frames, true)) this._slow('commitWrite', null, 0, frames, true);
  }

  // ── Consumer ────────────────────────────────────────────────────────────────────────────────

  /**
   * Moves up to `length` elements (default: the rest of `dst` from `offset`) out of the ring
   * into `dst` at `offset`, and returns how many: fewer when the ring holds less (an underrun,
   * counted; the rest of `dst` is left as it was). A ring of several channels gives interleaved
   * frames, `length` a multiple of `channels`. Real-time: never blocks; allocates only the
   * bounded views of copyOut while a ring's first runs come round; the consumer thread only.
   */
  pop(dst: { [i: number]: RingElement<C>; readonly length: number }, offset = 0, length?: number): number {
    if (this._h[CHECK] === this._check && typeof dst === 'object' && dst !== null) {
      const n = length === undefined ? dst.length - offset : length;
      const frames = this.channels === 1 ? n : n / this.channels;
      if ((offset >>> 0) === offset && (frames >>> 0) === frames && offset + n <= dst.length) {
        return this._move(dst as unknown as Elements, offset, frames, false, false) * this.channels;
      }
    }
    return this._slow('pop', dst, offset, length, false);
  }

  /**
   * Moves up to `length` frames (default: the length of `planes[0]`) into the start of each
   * channel's array `planes[c]` (an AudioWorklet's `outputs[0]`, say) and returns the frames
   * read: fewer when the ring holds less (an underrun, counted; the rest of each array is left
   * as it was: fill it with silence). Real-time: never blocks; allocates only the bounded views of
   * copyOut while a ring's first runs come round; the consumer only.
   *
   * ```ts
   * process(inputs, [out]) {
   *   const got = this.ring.popPlanar(out);
   *   if (got < out[0].length) for (const ch of out) ch.fill(0, got);
   *   return true;
   * }
   * ```
   */
  popPlanar(planes: ArrayLike<{ [i: number]: RingElement<C>; readonly length: number }>, length?: number): number {
    if (this._h[CHECK] === this._check && this._planesFit(planes, length)) {
      return this._move(planes as unknown as ArrayLike<Elements>, 0, length ?? planes[0].length, true, false);
    }
    return this._slow('popPlanar', planes, 0, length, false);
  }

  /**
   * Finds up to `frames` frames to read in place and returns how many: fewer when the ring holds
   * less (an underrun, counted). They are at `start1`/`length1` then `start2`/`length2`, indices
   * into the whole-memory view of the ring's type; read them, then `commitRead(n)`.
   * Real-time: no allocation, never blocks; the consumer thread only.
   */
  beginRead(frames: number): number {
    if (this._h[CHECK] === this._check && (frames >>> 0) === frames) return this._begin(frames, false);
    return this._slow('beginRead', null, 0, frames, false);
  }

  /**
   * Releases `frames` frames read in place since beginRead (their room goes back to the
   * producer). Throws a RangeError when the ring holds fewer. Real-time: no allocation, never
   * blocks; the consumer thread only.
   */
  commitRead(frames: number): void {
    if (this._h[CHECK] !== this._check || (frames >>> 0) !== frames || !this._commit(frames, false)) this._slow('commitRead', null, 0, frames, false);
  }

  // ── Either thread ───────────────────────────────────────────────────────────────────────────

  /** Frames the consumer can read now. Any thread (a snapshot); no allocation, never blocks. */
  availableRead(): number {
    const h = this._live('availableRead');
    const r = Atomics.load(h, READ);
    return this._used(Atomics.load(h, WRITE), r, 'availableRead');
  }

  /** Frames the producer can write now. Any thread (a snapshot); no allocation, never blocks. */
  availableWrite(): number {
    const h = this._live('availableWrite');
    const r = Atomics.load(h, READ);
    return this.capacity - this._used(Atomics.load(h, WRITE), r, 'availableWrite');
  }

  /** Push calls (of any kind) that could not write all they were given: the ring was too full. */
  get overruns(): number { return this._h[OVERRUNS]; }
  /** Frames those calls could not write (mod 2^32). */
  get overrunFrames(): number { return this._h[OVERRUN_FRAMES]; }
  /** Pop calls (of any kind) that could not read all they asked for: the ring was too empty. */
  get underruns(): number { return this._h[UNDERRUNS]; }
  /** Frames those calls asked for and did not get (mod 2^32). */
  get underrunFrames(): number { return this._h[UNDERRUN_FRAMES]; }

  /** True once dispose() has run on this Ring object. */
  get disposed(): boolean {
    return this._check === -1;
  }

  /**
   * What another thread needs to attach: `{ memory, address }`. Post it with the module of
   * `Heap.compile({ shared: true })`. Throws a TypeError when the heap is not shared, or when
   * this page is not cross-origin isolated (posting its shared memory would throw
   * DataCloneError): serve it with `Cross-Origin-Opener-Policy: same-origin` and
   * `Cross-Origin-Embedder-Policy: require-corp`. Allocates the returned object.
   */
  share(): RingHandle {
    this._live('share');
    const call = `ring.share() of ${hex(this.address)}`;
    if (!this.heap.shared) {
      throw new TypeError(`${call}: the ring's heap is not shared, so no other thread can see it: make the heap with { shared: true } (and import 'wasm-arena/shared')`);
    }
    if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
      throw new TypeError(
        `${call}: this page is not cross-origin isolated (crossOriginIsolated is false), so its shared memory cannot be posted ` +
          'to a Worker or worklet (postMessage would throw DataCloneError). Serve the page with the headers ' +
          'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp.');
    }
    return { memory: this.heap.memory, address: this.address };
  }

  /**
   * Returns the ring's block to the heap. Call it once both threads are done with the ring: an
   * attached Ring object on the other thread then throws InvalidPointerError at its next call
   * (unless the memory was reused meanwhile). Any thread; calls into wasm (may wait for the
   * heap's lock on a shared heap).
   */
  dispose(): void {
    if (this._check === -1) return;
    const call = `ring.dispose() of ${hex(this.address)}`;
    const m = this.heap._fresh().u32;
    if (kindAt(m, this.address - L.HEADER, this.heap._s) !== L.KIND_RING) {
      throw new InvalidPointerError(`${call}: the block is no longer a ring (disposed on another thread?)`, this.address);
    }
    m[(this.address >>> 2) + CHECK] = 0; // every Ring object on it now fails its check
    this._check = -1;
    this._h = new Uint32Array(HEADER_WORDS);
    this.heap._releaseBlock(this.address, L.KIND_RING, call);
  }

  // ── Internals ───────────────────────────────────────────────────────────────────────────────

  /** @internal Frames in the ring for indices (w, r), read in the order r then w; throws on damage. */
  private _used(w: number, r: number, call: string): number {
    const used = (w - r) >>> 0;
    if (used > this.capacity) {
      throw new HeapCorruptionError(
        `ring.${call}: the ring at ${hex(this.address)} is damaged: its write index ${w >>> 0} and read index ${r >>> 0} are more than its capacity ${this.capacity} apart (a stray write?)`,
        this.address);
    }
    return used;
  }

  /**
   * @internal Frames the calling end may move now, at least `asked` when there are that many:
   * room for the producer, frames for the consumer; this end's index is left in `_own`. The
   * other end's index is re-read (an atomic load: acquire) only when the value this end saw last
   * does not already grant `asked`: that index only moves forward, so an old value can only
   * understate what is available. Damage is judged on a fresh value only.
   */
  private _available(producer: boolean, asked: number): number {
    const h = this._h;
    if (producer) {
      const w = h[WRITE];
      this._own = w;
      const room = this.capacity - ((w - this._seenRead) >>> 0);
      if (room >= asked) return room;
      const r = this._shared ? Atomics.load(h, READ) : h[READ];
      this._seenRead = r;
      return this.capacity - this._used(w, r, 'push');
    }
    const r = h[READ];
    this._own = r;
    const frames = (this._seenWrite - r) >>> 0;
    if (frames >= asked && frames <= this.capacity) return frames;
    const w = this._shared ? Atomics.load(h, WRITE) : h[WRITE];
    this._seenWrite = w;
    return this._used(w, r, 'pop');
  }

  /** @internal min(asked, available); a shortfall is counted on the calling end's line. */
  private _grant(asked: number, producer: boolean): number {
    const available = this._available(producer, asked);
    if (asked <= available) return asked;
    const h = this._h;
    const at = producer ? OVERRUNS : UNDERRUNS;
    h[at]++;
    h[at + 1] += asked - available;
    return available;
  }

  /** @internal Moves this end's index to `to` (an atomic store on a shared heap: release). */
  private _publish(producer: boolean, to: number): void {
    const at = producer ? WRITE : READ;
    if (this._shared) Atomics.store(this._h, at, to);
    else this._h[at] = to;
  }

  /** @internal beginWrite / beginRead: grants frames and sets the zero-copy ranges. */
  private _begin(frames: number, producer: boolean): number {
    const k = this._grant(frames, producer);
    const pos = this._own & this._mask;
    const first = Math.min(k, this.capacity - pos);
    this.start1 = this._base + pos;
    this.length1 = first;
    this.start2 = this._base;
    this.length2 = k - first;
    return k;
  }

  /** @internal commitWrite / commitRead: false when `frames` is more than the end may move. */
  private _commit(frames: number, producer: boolean): boolean {
    if (frames > this._available(producer, frames)) return false;
    this._publish(producer, this._own + frames);
    return true;
  }

  /** @internal push / pop and their planar forms: copies up to `frames` frames to or from `a`. */
  private _move(a: Elements | ArrayLike<Elements>, offset: number, frames: number, planar: boolean, producer: boolean): number {
    const k = this._grant(frames, producer);
    if (k !== 0) {
      const own = this._own;
      if (planar) copyPlanes(this._d, this._runs, a as ArrayLike<Elements>, own & this._mask, k, this.channels, this.capacity, producer);
      else copyFrames(this._d, this._runs, a as Elements, offset, own & this._mask, k, this.channels, this.capacity, producer);
      this._publish(producer, own + k);
    }
    return k;
  }

  /** @internal True when `planes` holds `channels` arrays of at least `length` elements. */
  private _planesFit(planes: ArrayLike<ArrayLike<unknown>>, length: number | undefined): boolean {
    const c = this.channels;
    if (typeof planes !== 'object' || planes === null || planes.length !== c) return false;
    const first = planes[0];
    if (typeof first !== 'object' || first === null) return false;
    const n = length ?? first.length;
    if ((n >>> 0) !== n) return false;
    for (let i = 0; i < c; i++) {
      const p = planes[i];
      if (typeof p !== 'object' || p === null || !(p.length >= n)) return false;
    }
    return true;
  }

  /** @internal The header view, current; throws when disposed or damaged. */
  private _live(call: string): Uint32Array {
    if (this._h[CHECK] !== this._check) this._recheck(call);
    return this._h;
  }

  /**
   * @internal A fast path refused: the views are stale (memory grew), the ring was disposed or
   * damaged, or an argument is wrong. Throws the error that says which, or re-runs the call.
   */
  private _slow(call: string, a: unknown, offset: unknown, length: unknown, producer: boolean): number {
    this._recheck(call);
    const what = `ring.${call}`;
    if (call === 'beginWrite' || call === 'commitWrite' || call === 'beginRead' || call === 'commitRead') {
      if (typeof length !== 'number') throw new TypeError(`${what}: frames must be a number, got ${typeof length} ${show(length)}`);
      if ((length >>> 0) !== length) throw new RangeError(`${what}: frames must be an integer from 0 to ${0xffffffff}, got ${show(length)}`);
      if (call === 'beginWrite') return this.beginWrite(length);
      if (call === 'beginRead') return this.beginRead(length);
      const room = producer ? this.availableWrite() : this.availableRead();
      if (length > room) {
        throw new RangeError(`${what}(${length}): only ${room} frames ${producer ? 'of room are free' : 'are in the ring'}; commit at most what begin${producer ? 'Write' : 'Read'} returned`);
      }
      if (producer) this.commitWrite(length);
      else this.commitRead(length);
      return 0;
    }
    const c = this.channels;
    if (call === 'pushPlanar' || call === 'popPlanar') {
      const planes = a as ArrayLike<ArrayLike<unknown>>;
      if (typeof planes !== 'object' || planes === null || typeof planes.length !== 'number') {
        throw new TypeError(`${what}: expected an array of ${c} channel arrays, got ${show(planes)}`);
      }
      if (planes.length !== c) throw new RangeError(`${what}: got ${planes.length} channel arrays, the ring has ${c} channels`);
      for (let i = 0; i < c; i++) {
        if (typeof planes[i] !== 'object' || planes[i] === null || typeof planes[i].length !== 'number') {
          throw new TypeError(`${what}: channel ${i} is not an array, got ${show(planes[i])}`);
        }
      }
      const n = length ?? planes[0].length;
      if (typeof n !== 'number' || (n >>> 0) !== n) throw new RangeError(`${what}: length must be an integer from 0 to ${0xffffffff}, got ${show(n)}`);
      for (let i = 0; i < c; i++) {
        if (planes[i].length < n) throw new RangeError(`${what}: channel ${i} holds ${planes[i].length} elements, fewer than the ${n} frames asked`);
      }
      return producer ? this.pushPlanar(planes as ArrayLike<ArrayLike<RingElement<C>>>, n) : this.popPlanar(planes as never, n);
    }
    const arr = a as ArrayLike<unknown>;
    const name = producer ? 'src' : 'dst';
    if (typeof arr !== 'object' || arr === null || typeof arr.length !== 'number') {
      throw new TypeError(`${what}: ${name} must be an array or typed array, got ${show(arr)}`);
    }
    if (typeof offset !== 'number' || (offset >>> 0) !== offset || offset > arr.length) {
      throw new RangeError(`${what}: offset must be an integer from 0 to ${name}.length (${arr.length}), got ${show(offset)}`);
    }
    const n = length ?? arr.length - offset;
    if (typeof n !== 'number' || (n >>> 0) !== n || offset + n > arr.length) {
      throw new RangeError(`${what}: length must be an integer from 0 to ${arr.length - offset} (${name}.length - offset), got ${show(length)}`);
    }
    if (n % c !== 0) throw new RangeError(`${what}: length ${n} is not a whole number of frames of ${c} interleaved channels`);
    return producer ? this.push(arr as ArrayLike<RingElement<C>>, offset, n) : this.pop(arr as never, offset, n);
  }

  /** @internal Re-makes stale views; throws when the ring was disposed or its header damaged. */
  private _recheck(call: string): void {
    if (this._check === -1) throw new TypeError(`ring.${call}: the ring was disposed`);
    const heap = this.heap;
    heap._sync();
    const buffer = heap._v.buffer;
    if (this._h.buffer !== buffer || this._h.length === 0) {
      this._h = new Uint32Array(buffer, this.address, HEADER_WORDS);
      this._d = new this.type(buffer as ArrayBuffer, this.address + L.RING_DATA, this.capacity * this.channels) as TypedArrayOf<C>;
      this._runs = noRuns(); // the kept views are of the old buffer
    }
    if (this._h[CHECK] === this._check) return;
    const kind = kindAt(heap._v.u32, this.address - L.HEADER, heap._s);
    if (kind !== L.KIND_RING || this._h[CHECK] === 0) {
      throw new InvalidPointerError(`ring.${call}: ${hex(this.address)} is no longer a ring (disposed, perhaps by the other thread)`, this.address);
    }
    throw new HeapCorruptionError(`ring.${call}: the ring at ${hex(this.address)} is damaged: its check word was overwritten`, this.address);
  }
}

export interface Ring {
  /** `using ring = heap.ring(…)`: dispose() at the end of the scope (where the engine has Symbol.dispose). */
  [Symbol.dispose](): void;
}

disposable(Ring);

/**
 * Copies `frames` frames between interleaved `a` (from element `offset`) and the planes `d`
 * (from frame `pos`, wrapping at `cap`): into the ring when `inward`, out of it otherwise.
 */
function copyFrames(d: Elements, runs: Runs, a: Elements, offset: number, pos: number, frames: number, channels: number, cap: number, inward: boolean): void {
  const first = Math.min(frames, cap - pos);
  if (channels === 1) return copyPlane(d, runs, a, offset, 0, pos, first, frames, inward);
  for (let c = 0; c < channels; c++) {
    const plane = c * cap;
    let j = offset + c;
    if (inward) {
      for (let i = 0; i < first; i++, j += channels) d[plane + pos + i] = a[j];
      for (let i = first; i < frames; i++, j += channels) d[plane + i - first] = a[j];
    } else {
      for (let i = 0; i < first; i++, j += channels) a[j] = d[plane + pos + i];
      for (let i = first; i < frames; i++, j += channels) a[j] = d[plane + i - first];
    }
  }
}

/** Copies `frames` frames between the start of each array of `planes` and the ring's planes `d`. */
function copyPlanes(d: Elements, runs: Runs, planes: ArrayLike<Elements>, pos: number, frames: number, channels: number, cap: number, inward: boolean): void {
  const first = Math.min(frames, cap - pos);
  for (let c = 0; c < channels; c++) copyPlane(d, runs, planes[c], 0, c * cap, pos, first, frames, inward);
}

/**
 * Copies `frames` elements between `a` (from `offset`) and the plane that starts at element
 * `plane` of `d` (from frame `pos`; the first `first` frames, then the rest from the plane's
 * start): into the ring when `inward`, out of it otherwise.
 */
function copyPlane(d: Elements, runs: Runs, a: Elements, offset: number, plane: number, pos: number, first: number, frames: number, inward: boolean): void {
  if (inward) {
    // The whole of `a` in one piece: TypedArray.prototype.set copies it as one block.
    if (first === frames && offset === 0 && a.length === frames) return (d as Float32Array).set(a as Float32Array, plane + pos);
    for (let i = 0; i < first; i++) d[plane + pos + i] = a[offset + i];
    for (let i = first; i < frames; i++) d[plane + i - first] = a[offset + i];
  } else {
    copyOut(d, runs, a, offset, plane + pos, first);
    if (frames > first) copyOut(d, runs, a, offset + first, plane, frames - first);
  }
}

/**
 * Copies elements `at … at + n` of the planes `d` into `a` from `offset`. A run of RUN_MIN or
 * more into a typed array goes with one TypedArray.prototype.set from a view of exactly that
 * run, kept in `runs`: a direct-mapped table by start and length. Steady quanta (128 frames from
 * a ring of 1,024, say) revisit the same few runs, so after their first turn round the ring they
 * are all copied natively and make no view. A run not in the table gets a view while the ring
 * may still make one (RUN_VIEWS over one buffer: no call makes garbage once they are spent); it
 * is copied element by element otherwise, as short runs and plain arrays are.
 */
function copyOut(d: Elements, runs: Runs, a: Elements, offset: number, at: number, n: number): void {
  if (n >= RUN_MIN && typeof (a as Float32Array).set === 'function') {
    const t = d as unknown as Float32Array;
    const byteOffset = t.byteOffset + at * t.BYTES_PER_ELEMENT;
    const slot = Math.imul(at ^ Math.imul(n, L.GOLDEN2), L.GOLDEN) >>> (32 - RUN_BITS);
    let run = runs.views[slot] as Float32Array | undefined;
    if (run === undefined || run.byteOffset !== byteOffset || run.length !== n) {
      run = undefined;
      if (runs.left > 0) {
        runs.left--;
        run = runs.views[slot] = new (t.constructor as Float32ArrayConstructor)(t.buffer, byteOffset, n);
      }
    }
    if (run !== undefined) {
      (a as Float32Array).set(run, offset);
      return;
    }
  }
  for (let i = 0; i < n; i++) a[offset + i] = d[at + i];
}

/**
 * A new ring of `capacity` frames of `Ctor` in `heap` (heap.ring). Throws a TypeError or
 * RangeError for bad arguments and OutOfMemoryError when the heap cannot hold it.
 */
export function createRing<C extends TypedArrayConstructor>(heap: Heap, Ctor: C, capacity: number, options: RingOptions = {}): Ring<C> {
  const call = `ring(${(Ctor as { name?: string })?.name ?? show(Ctor)}, ${show(capacity)})`;
  const bpe = elementSize('ring', Ctor);
  const type = ringTypeOf(Ctor);
  if (typeof capacity !== 'number') throw new TypeError(`${call}: capacity must be a number of frames, got ${typeof capacity} ${show(capacity)}`);
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_RING_CAPACITY || (capacity & (capacity - 1)) !== 0) {
    const up = capacity > 1 && capacity <= MAX_RING_CAPACITY ? 2 ** Math.ceil(Math.log2(capacity)) : 0;
    throw new RangeError(`${call}: capacity must be a power of two from 1 to 2^30 frames${up ? ` (${up / 2} or ${up}?)` : ''}, got ${show(capacity)}`);
  }
  if (options === null || typeof options !== 'object') throw new TypeError(`${call}: options must be an object, got ${show(options)}`);
  const channels = options.channels ?? 1;
  if (typeof channels !== 'number' || !Number.isInteger(channels) || channels < 1 || channels > MAX_RING_CHANNELS) {
    throw new RangeError(`${call}: channels must be an integer from 1 to ${MAX_RING_CHANNELS}, got ${show(channels)}`);
  }
  const bytes = L.RING_DATA + capacity * channels * bpe;
  if (bytes > L.MAX_REQUEST) throw new RangeError(`${call}: ${capacity} frames × ${channels} channels × ${bpe} bytes do not fit in one block`);
  const r = heap._block(bytes, 64, L.KIND_RING, call);
  if (r === 0) throw heap._oom(call, bytes, 64);
  const m = heap._v.u32;
  const w = r >>> 2;
  m.fill(0, w, w + HEADER_WORDS);
  m[w + (L.RING_CAPACITY >>> 2)] = capacity;
  m[w + (L.RING_TYPE >>> 2)] = type;
  m[w + (L.RING_CHANNELS >>> 2)] = channels;
  m[w + CHECK] = ringCheckOf(r, capacity, type, channels, heap._s);
  return new Ring<C>(heap, r, call);
}

/**
 * What is wrong with the ring at `r` (a KIND_RING block of `size` bytes), for heap.check();
 * null when it is sound. Reads memory only; the indices with atomic loads, read before write.
 */
export function ringFault(m: Uint32Array, r: number, size: number, overhead: number, secret: number): string | null {
  const w = r >>> 2;
  const capacity = m[w + (L.RING_CAPACITY >>> 2)];
  const type = m[w + (L.RING_TYPE >>> 2)];
  const channels = m[w + (L.RING_CHANNELS >>> 2)];
  if (m[w + CHECK] !== ringCheckOf(r, capacity, type, channels, secret)) return 'its header does not match its check word';
  if (r & 63 || capacity === 0 || capacity > MAX_RING_CAPACITY || capacity & (capacity - 1) || type >= RING_TYPES.length ||
      channels === 0 || channels > MAX_RING_CHANNELS) return 'its geometry words are impossible';
  if (L.RING_DATA + capacity * channels * RING_TYPES[type].BYTES_PER_ELEMENT > size - overhead) return 'its planes do not fit in its block';
  const read = Atomics.load(m, w + READ);
  const write = Atomics.load(m, w + WRITE);
  if (((write - read) >>> 0) > capacity) return `its write index ${write} and read index ${read} are more than its capacity ${capacity} apart`;
  return null;
}
