// A profile heap: what `new Heap({ profile: true })` makes once 'wasm-arena/profile' is loaded.
//
// The profile build of the module ends every held block with a trailer [tag id][serial] and
// keeps per-tag tallies in linear memory (assembly/layout.ts, "Profile"); its wasm paths count
// every block they hand out or take back. The methods below do the same on the JavaScript fast
// paths: a pop from a cache bin writes the trailer and counts the block under the Heap object's
// current tag, a push into a bin uncounts it under the tag its trailer names.
//
// The plain heap pays nothing for this: its fast paths have no profile check. When the profile
// build made a heap, the Heap constructor hands it to adoptProfiler(), which gives it the
// prototype of a subclass of its class (made once per class): the methods here, then Heap's.
// This subclass has its own copies of alloc, tryAlloc and free, so that the plain heap's call
// sites only ever see plain heaps (their inline caches stay monomorphic in a program that uses
// both). Heap.fromModule() with a profile module gets a profile heap the same way.

import * as L from '../layout.js';
import type { Heap } from '../heap.js';
import { show } from '../args.js';
import { HeapCorruptionError } from '../errors.js';
import { hex } from '../faults.js';
import { kindAt } from '../inspect.js';
import { ALLOCATOR_TAG, ProfilerState } from './state.js';
import { carries, rootWord, trailerSerial } from './walk.js';
import { profileFault } from './verify.js';
import { makeReport } from './report.js';
import { leaksSince, takeSnapshot } from './leaks.js';
import { drawHeapMap } from './map.js';
import { record, timelineOf } from './timeline.js';
import type { HeapMapOptions, LeakReport, ProfileReport, Snapshot, Timeline } from './types.js';

const GENERATION_W = rootWord(L.ROOT_GENERATION);

/**
 * The layout constants the fast paths use, installed as properties of the subclass's prototype
 * and read as `this._kX`. V8 compiles a load of a data property from a prototype whose map is
 * stable into the constant itself; a module-level constant of the bundle is a variable that it
 * loads and type-checks at every use. (Measured, Node 20, churn of 16–512 B blocks: a pair costs
 * about 1.8× the plain heap's with module constants, 1.65× with these, in a bare loop that calls
 * heap.alloc and heap.free directly.)
 */
const CONSTANTS = {
  _kLeftFree: L.LEFTFREE,
  _kGolden: L.GOLDEN | 0,
  _kGolden2: L.GOLDEN2 | 0,
  _kHeader: L.HEADER,
  _kMaxRequest: L.CACHE_MAX_REQUEST,
  /** Largest block a cache bin holds. */
  _kMaxBlock: (L.CACHE_BINS - 1) << 3,
  /** The check-word salt of a CACHED block. */
  _kCached: Math.imul(L.KIND_CACHED, L.KIND_SALT),
  _kTrailerWords: L.TRAILER_BYTES >>> 2,
  _kTagMask: L.TAG_COUNT - 1,
  _kTallyWords: L.TALLY_SIZE >>> 2,
  // Word offsets in a tally, from its liveBytes word (which _tw and _tallies point at).
  _kPeak: (L.TALLY_PEAK_LIVE_BYTES - L.TALLY_LIVE_BYTES) >>> 2,
  _kAllocs: (L.TALLY_ALLOCS - L.TALLY_LIVE_BYTES) >>> 2,
  _kAllocsHigh: (L.TALLY_ALLOCS_HIGH - L.TALLY_LIVE_BYTES) >>> 2,
  _kFrees: (L.TALLY_FREES - L.TALLY_LIVE_BYTES) >>> 2,
  _kFreesHigh: (L.TALLY_FREES_HIGH - L.TALLY_LIVE_BYTES) >>> 2,
};
type Constants = { readonly [K in keyof typeof CONSTANTS]: number };

/** What the helpers below read of a profile heap. */
interface Counting extends Constants {
  readonly _s: number;
  readonly _pw: number;
  readonly _tallies: number;
  readonly _tag: number;
  readonly _tw: number;
}

/**
 * The address-and-size half of the check word of a block at b of `size` bytes: src/heap.ts
 * mixOf (assembly/layout.ts draws it), with the constants from the prototype: calling the
 * imported mixOf costs this fast path about a tenth of its time.
 */
function mixWith(h: Counting, b: number, size: number): number {
  return Math.imul(b ^ h._s, h._kGolden) ^ Math.imul(size, h._kGolden2);
}

/**
 * The block at word i (cls · 8 bytes) was just popped for the program: as assembly/debug.ts
 * writeTrailer does, its trailer gets the current tag and the next serial, and the tag's tally
 * counts it. Small, so that V8 inlines it into the fast path (a bigger pop is not inlined and
 * costs a call per allocation). Every word goes through the Int32Array, as in Heap._pop: the
 * sums wrap as the unsigned words do, and no value becomes a double (`>>> 0` only to compare).
 */
function counted(h: Counting, m: Int32Array, i: number, cls: number): void {
  const t = i + (cls << 1) - h._kTrailerWords;
  m[t] = h._tag;
  m[t + 1] = m[h._pw]++;
  const w = h._tw;
  const live = (m[w] += cls << 3);
  if ((live >>> 0) > (m[w + h._kPeak] >>> 0)) m[w + h._kPeak] = live;
  if (++m[w + h._kAllocs] === 0) m[w + h._kAllocsHigh]++;
}

/**
 * The block at word i (`size` bytes) was just pushed into a cache bin: as dropTrailer does, the
 * tally of the tag its trailer names lets it go (the id is masked: it cannot leave the table).
 */
function uncounted(h: Counting, m: Int32Array, i: number, size: number): void {
  const w = h._tallies + (m[i + (size >>> 2) - h._kTrailerWords] & h._kTagMask) * h._kTallyWords;
  m[w] -= size;
  if (++m[w + h._kFrees] === 0) m[w + h._kFreesHigh]++;
}

/** The profiling subclass of each Heap class (by prototype) that made a profile heap. */
const subclasses = new WeakMap<object, object>();

/** Makes `heap`, just made by the profile build, a profile heap (registered on globalThis by 'wasm-arena/profile'). */
export function adoptProfiler(heap: Heap): void {
  const proto = Object.getPrototypeOf(heap) as { constructor: typeof Heap };
  let sub = subclasses.get(proto);
  if (sub === undefined) {
    sub = profiledClass(proto.constructor).prototype as object;
    subclasses.set(proto, sub);
  }
  Object.setPrototypeOf(heap, sub);
  (heap as unknown as { _initProfile(): void })._initProfile();
}

/** The profiling subclass of `Base`. Never constructed: heaps get its prototype (adoptProfiler). */
function profiledClass(Base: typeof Heap): typeof Heap {
  const ProfiledHeap = class ProfiledHeap extends Base implements Counting {
    /** @internal JS-side state: tag names, samples, timeline. */ _p!: ProfilerState;
    /** @internal Word index of struct Profile (its serial). */ _pw!: number;
    /** @internal Word index of tally 0's liveBytes. */ _tallies!: number;
    /** @internal The current tag id (a copy of this Heap object's Cache.tag). */ _tag!: number;
    /** @internal Word index of the current tag's tally's liveBytes. */ _tw!: number;
    /** @internal Bytes to allocate before the next call-site sample (Infinity: sampling off). */ _left!: number;
    /** @internal The generation the timeline last saw. */ _seen!: number;
    // The constants (on the prototype: see CONSTANTS).
    declare readonly _kLeftFree: number; declare readonly _kGolden: number; declare readonly _kGolden2: number;
    declare readonly _kHeader: number; declare readonly _kMaxRequest: number; declare readonly _kMaxBlock: number;
    declare readonly _kCached: number; declare readonly _kTrailerWords: number; declare readonly _kTagMask: number;
    declare readonly _kTallyWords: number; declare readonly _kPeak: number; declare readonly _kAllocs: number;
    declare readonly _kAllocsHigh: number; declare readonly _kFrees: number; declare readonly _kFreesHigh: number;

    /** @internal What a constructor would do: finds the profile table the module made at init. */
    _initProfile(): void {
      const m = this._v.u32;
      const table = m[rootWord(L.ROOT_PROFILE)];
      if (table < L.MEMORY_BASE || table & 7 || kindAt(m, table - L.HEADER, this._s) !== L.KIND_PROFILE) {
        throw new HeapCorruptionError(`new Heap: the profile build made no profile table (Root.profile = ${hex(table)})`, table);
      }
      this._p = new ProfilerState(table);
      this._pw = table >>> 2;
      this._tallies = this._p.tallies + (L.TALLY_LIVE_BYTES >>> 2);
      this._tag = L.TAG_NONE;
      this._tw = this._tallies;
      m[(this._c + L.CACHE_TAG) >>> 2] = L.TAG_NONE;
      this._left = Infinity;
      this._seen = m[GENERATION_W];
    }

    // ── Fast paths (copies of Heap's, with the accounting) ──────────────────────────────────

    alloc(bytes: number, align = 8): number {
      const p = this._cached(bytes, align);
      return p !== 0 ? p : this._alloc(bytes, align, 'alloc', true);
    }

    tryAlloc(bytes: number, align = 8): number {
      const p = this._cached(bytes, align);
      return p !== 0 ? p : this._alloc(bytes, align, 'tryAlloc', false);
    }

    /** @internal The fast path of alloc and tryAlloc: a block from a cache bin, counted (and maybe sampled), or 0. */
    _cached(bytes: number, align: number): number {
      if (typeof bytes === 'number' && bytes === (bytes & this._kMaxRequest) && align === 8) {
        const c = (bytes + this._over) >>> 3;
        const p = this._pop(c < 3 ? 3 : c);
        if (p !== 0 && (this._left -= bytes) < 0) this._sampleSite(p, bytes);
        return p;
      }
      return 0;
    }

    free(p: number | ArrayBufferView): void {
      if (typeof p !== 'number' || this._push(p) !== 0) this._free(p, 'free');
    }

    /** @internal Heap._pop, and the block is counted. */
    _pop(cls: number): number {
      const m = this._v.i32; // one Int32Array for every word, as Heap._pop: no uint32 → double conversions
      const bw = this._bins + (cls << 2);
      const b = m[bw];
      if (b !== 0) {
        const i = b >>> 2;
        const size = cls << 3;
        const mix = mixWith(this, b, size);
        if ((m[i] & ~this._kLeftFree) === size && m[i + 1] === (mix ^ this._kCached)) {
          m[bw] = m[i + 2];
          m[bw + 1]--;
          m[i + 1] = mix;
          counted(this, m, i, cls);
          return (b + this._kHeader) >>> 0;
        }
      }
      return 0;
    }

    /** @internal Heap._push, and the block is uncounted. */
    _push(p: number): number {
      const b = p - this._kHeader;
      const i = b >>> 2;
      const m = this._v.i32;
      const size = m[i] & ~this._kLeftFree;
      if ((size >>> 0) <= this._kMaxBlock) {
        const mix = mixWith(this, b, size);
        if (m[i + 1] === mix) {
          const bw = this._bins + (size >>> 1);
          const n = m[bw + 1];
          if (n >= m[bw + 2]) return 1;
          m[i + 2] = m[bw];
          m[bw] = b;
          m[bw + 1] = n + 1;
          m[i + 1] = mix ^ this._kCached;
          uncounted(this, m, i, size);
          return 0;
        }
      }
      return 2;
    }

    // ── Slow paths: sampling and the timeline ───────────────────────────────────────────────

    /** @internal Every block the slow paths hand out passes here (arenas, pools, large blocks, refills). */
    _block(bytes: number, align: number, kind: number, call: string): number {
      const p = super._block(bytes, align, kind, call);
      if (p !== 0 && (this._left -= bytes) < 0) this._sampleSite(p, bytes);
      return p;
    }

    realloc(p: number, bytes: number, align = 8): number {
      const q = super.realloc(p, bytes, align);
      if (p !== 0 && (this._left -= bytes) < 0) this._sampleSite(q, bytes);
      return q;
    }

    /** @internal Heap._sync, then a timeline sample if memory grew since the last one. */
    _sync(): void {
      super._sync();
      if (this._v.u32[GENERATION_W] !== this._seen) {
        this._seen = this._v.u32[GENERATION_W];
        record(this, this._p, 'growth');
      }
    }

    /** @internal Records the call stack of the allocation at `p` (sampling is on and its interval ran out). */
    _sampleSite(p: number, bytes: number): void {
      const sites = this._p.sites;
      this._left = sites.next();
      const m = this._v.u32;
      const size = (m[(p - L.HEADER) >>> 2] & ~L.TAGS) >>> 0;
      // The samples fall on requested bytes; a sample stands for weight(bytes) of them, so for
      // weight(bytes) · size / bytes bytes of whole blocks (the unit of every other figure).
      const weight = (sites.weight(bytes) * size) / Math.max(bytes, 1);
      const sample = { serial: trailerSerial(m, p - L.HEADER, size), bytes: size, tag: this._tag, weight, stack: String(new Error().stack) };
      sites.record(p, sample, (q, s) => carries(this._fresh().u32, this._s, q, s.serial));
    }

    // ── The profiler's API (documented on Heap) ─────────────────────────────────────────────

    tag(name: string | null): string | null {
      if (this._c === 0) throw new TypeError('tag: this Heap object was disposed');
      let id: number;
      if (name === null) id = L.TAG_NONE;
      else if (typeof name !== 'string') throw new TypeError(`tag: expected a string or null, got ${show(name)}`);
      else id = this._p.ids.get(name) ?? this._newTag(name);
      const previous = this._p.names[this._tag];
      this._tag = id;
      this._tw = this._p.tallyWord(id) + (L.TALLY_LIVE_BYTES >>> 2);
      this._fresh().u32[(this._c + L.CACHE_TAG) >>> 2] = id; // what the wasm side's allocations carry
      return previous;
    }

    /** @internal The id of a tag name seen for the first time. */
    _newTag(name: string): number {
      const p = this._p;
      if (name === ALLOCATOR_TAG) throw new RangeError(`tag(${show(name)}): that name is the allocator's own tag`);
      if (p.names.length >= L.TAG_COUNT) {
        throw new RangeError(`tag(${show(name)}): a heap holds at most ${L.TAG_COUNT - L.TAG_FIRST} tags (${p.names.length - L.TAG_FIRST} in use)`);
      }
      const id = p.names.length;
      p.names.push(name);
      p.ids.set(name, id);
      return id;
    }

    report(): ProfileReport {
      return makeReport(this, this._p);
    }

    snapshot(): Snapshot {
      return takeSnapshot(this, this._p);
    }

    leaks(snapshot: Snapshot): LeakReport {
      return leaksSince(this, this._p, snapshot);
    }

    heapMap(options: HeapMapOptions = {}): string {
      return drawHeapMap(this, this._p, options);
    }

    sample(): void {
      record(this, this._p, 'request');
    }

    timeline(): Timeline {
      return timelineOf(this._p);
    }

    sampleCallSites(meanBytes: number): void {
      if (typeof meanBytes !== 'number' || !(meanBytes >= 0) || meanBytes === Infinity) {
        throw new RangeError(`sampleCallSites: meanBytes must be a number ≥ 0 (0 turns sampling off), got ${show(meanBytes)}`);
      }
      this._p.sites.mean = meanBytes;
      this._left = this._p.sites.next();
    }

    /** heap.check(), then the profiler's tables: every tag's tally against a walk of the trailers. */
    check(): void {
      super.check();
      const fault = profileFault(this, this._p, this._tag);
      if (fault) throw new HeapCorruptionError(`check(): ${fault}`, this._p.table);
    }
  };
  Object.assign(ProfiledHeap.prototype, CONSTANTS);
  return ProfiledHeap;
}
