// The hardening rules of the heap, one per test, in the release and the debug build: requests no
// heap can hold, read-only inspection, bounded walks, damaged roots and arenas, attaching to a
// damaged memory, and reserve in payload terms. (The stray-write fuzzer, test/stray.test.ts,
// checks the same rules at random.)
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Heap, HeapCorruptionError, OutOfMemoryError, type HeapStats } from '../src/index.js';
import { rootCheckOf } from '../src/inspect.js';
import * as L from '../src/layout.js';

const HEADS = (L.ROOT + L.ROOT_HEADS) >>> 2; // word index of the free lists' heads

/** Frees `p` all the way to its free list (out of the small-size cache). */
function freeToList(heap: Heap, p: number): void {
  heap.free(p);
  heap.trim();
}

/**
 * A fixed 1 MiB heap whose largest free-list class holds two free blocks, the second linked back
 * to the first (a cycle, as one stray write into a link makes it); `counter` also damages the
 * root's count of free blocks.
 */
function cyclicFreeList(options: object, counter: boolean): Heap {
  const heap = new Heap({ ...options, initialBytes: 1 << 20, maximumBytes: 1 << 20 });
  const a = heap.alloc(400000);
  heap.alloc(2000); // live blocks after a and b: they stay two blocks of one class, the largest
  const b = heap.alloc(400000);
  heap.alloc(2000);
  heap.free(a);
  heap.free(b);
  const m = heap.u32;
  let cls = L.CLASS_COUNT - 1;
  while (m[HEADS + cls] === 0) cls--;
  const second = m[(m[HEADS + cls] + L.BLOCK_NEXT) >>> 2];
  m[(second + L.BLOCK_NEXT) >>> 2] = m[HEADS + cls];
  if (counter) m[(L.ROOT + L.ROOT_FREE_BLOCKS) >>> 2] = 0xffffffff;
  return heap;
}

/** A heap holding one of everything: small and large blocks, cached and free blocks, an arena, a pool. */
function busyHeap(options: object): Heap {
  const heap = new Heap({ ...options, initialBytes: 1 << 20 });
  const ps = [40, 100, 3000, 70000, 24, 500].map((n) => heap.alloc(n));
  heap.free(ps[1]); // cached (release) or free
  heap.free(ps[3]); // free
  heap.alloc(100, 64);
  const arena = heap.arena(4096);
  arena.alloc(100);
  const pool = heap.pool(48, { capacity: 20 });
  pool.free(pool.alloc());
  pool.alloc();
  return heap;
}

/** Runs `call`; anything it throws but HeapCorruptionError fails the test. */
function onlyCorruption(call: () => unknown): void {
  try {
    call();
  } catch (e) {
    if (!(e instanceof HeapCorruptionError)) throw e;
  }
}

const BUILDS = [
  ['release', {}],
  ['debug', { debug: true }],
] as const;

describe.each(BUILDS)('%s build', (_name, options) => {
  it('a request near 4 GiB is OutOfMemoryError (tryAlloc: 0) even next to a large free block, never a block or a RuntimeError', () => {
    // 80 MiB: a free block large enough for a request whose size class rounding wraps past 2^32.
    const heap = new Heap({ ...options, initialBytes: 80 << 20, maximumBytes: 128 << 20 });
    const p = heap.alloc(2 << 20);
    for (const [bytes, align] of [[0xfff00000, 8], [0xfc000000, 8], [0xfff00000, 65536], [0xffeffff0, 16], [0xffff0000, 4096]]) {
      expect(() => heap.alloc(bytes, align)).toThrow(OutOfMemoryError);
      expect(heap.tryAlloc(bytes, align)).toBe(0);
      expect(() => heap.realloc(p, bytes, align)).toThrow(OutOfMemoryError);
    }
    expect(() => heap.arena(0xffe00000)).toThrow(OutOfMemoryError);
    heap.check();
    expect(heap.stats().liveBlocks).toBe(1);
  });

  it('a free block\'s address written into the head of a larger size class is HeapCorruptionError at the next alloc, never a block carved past its end', () => {
    const heap = new Heap({ ...options, initialBytes: 1 << 20, maximumBytes: 1 << 20 });
    // Live neighbours on both sides (the cache hands blocks out downwards, the debug build upwards).
    heap.alloc(40);
    const small = heap.alloc(40);
    heap.alloc(40);
    freeToList(heap, small);
    // The stray write: the head of the class holding the rest of the heap now names `small`.
    const m = heap.u32;
    let cls = L.CLASS_COUNT - 1;
    while (m[HEADS + cls] === 0 || m[HEADS + cls] === small - L.HEADER) cls--;
    m[HEADS + cls] = small - L.HEADER;
    expect(() => heap.alloc(13589)).toThrow(HeapCorruptionError);
    expect(() => heap.alloc(13589)).toThrow(HeapCorruptionError);
    expect(() => heap.check()).toThrow(HeapCorruptionError);
  });
});

describe.each(BUILDS)('%s build: inspection only reads', (_name, options) => {
  it('check() and stats() leave every byte of memory unchanged', () => {
    const heap = busyHeap(options);
    const before = heap.u8.slice();
    heap.check();
    heap.stats();
    heap.stats({} as HeapStats);
    expect(Buffer.compare(heap.u8, before)).toBe(0);
  });

  it('check() and stats() leave every byte unchanged on a damaged heap too', () => {
    const heap = busyHeap(options);
    const p = heap.alloc(300);
    heap.u32[(p - L.HEADER) >>> 2] ^= 8; // a stray write into a header
    const before = heap.u8.slice();
    expect(() => heap.check()).toThrow(HeapCorruptionError);
    onlyCorruption(() => heap.stats());
    expect(Buffer.compare(heap.u8, before)).toBe(0);
  });

  it('stats(into) whose setters allocate reports the figures of the moment it was called', () => {
    const heap = busyHeap(options);
    const expected = heap.stats();
    const into = {} as HeapStats;
    const seen: Record<string, unknown> = {};
    for (const key of Object.keys(expected)) {
      Object.defineProperty(into, key, {
        set(v) { seen[key] = v; heap.alloc(5000); heap.free(heap.alloc(100)); }, // a meter that allocates as it records
        get() { return seen[key]; },
      });
    }
    expect(heap.stats(into)).toBe(into);
    expect(seen).toEqual({ ...expected });
    expect(heap.stats().liveBlocks).toBe(expected.liveBlocks + Object.keys(expected).length);
  });
});

describe.each(BUILDS)('%s build: a damaged root', (_name, options) => {
  const ROOT_WORDS: [string, number][] = [
    ['magic', L.ROOT_MAGIC], ['secret', L.ROOT_SECRET], ['build', L.ROOT_BUILD], ['overhead', L.ROOT_OVERHEAD],
    ['heapStart', L.ROOT_HEAP_START], ['maxPages', L.ROOT_MAX_PAGES], ['check', L.ROOT_CHECK],
    ['usedBytes', L.ROOT_USED_BYTES], ['liveBlocks', L.ROOT_LIVE_BLOCKS], ['freeBlocks', L.ROOT_FREE_BLOCKS],
    ['caches', L.ROOT_CACHES], ['flMap', L.ROOT_FL_MAP], ['the lock word', L.ROOT_LOCK],
    ['a second-level bitmap', -1], ['a free list head', -2],
  ];
  /** The offset in the root of `word` (a non-empty bitmap and list for the last two). */
  function offsetOf(heap: Heap, word: number): number {
    const m = heap.u32;
    if (word >= 0) return word;
    let cls = L.CLASS_COUNT - 1;
    while (m[HEADS + cls] === 0) cls--;
    return word === -1 ? L.ROOT_SL_MAP + 4 * (cls >>> L.SL_BITS) : L.ROOT_HEADS + 4 * cls;
  }

  it.each(ROOT_WORDS.flatMap(([name, word]) => [0, 0xffffffff, 0x12345678].map((v) => [name, word, v] as const)))(
    'check() reports a stray write into the root\'s %s (%s) as HeapCorruptionError', (_word, word, value) => {
      const heap = busyHeap(options);
      const at = (L.ROOT + offsetOf(heap, word)) >>> 2;
      if (heap.u32[at] === value) heap.u32[at] = ~value; // make it a change
      else heap.u32[at] = value;
      expect(() => heap.check()).toThrow(HeapCorruptionError);
    });

  it.each(ROOT_WORDS)('after a stray write into the root\'s %s, alloc, free, realloc and stats throw nothing but HeapCorruptionError, and allocate inside the heap', (_word, word) => {
    for (const value of [0, 0xffffffff, 0x12345678, 0x10000]) {
      const heap = busyHeap(options);
      const keep = heap.alloc(5000);
      heap.u32[(L.ROOT + offsetOf(heap, word)) >>> 2] = value;
      for (const n of [16, 200, 5000, 100000]) {
        onlyCorruption(() => {
          const p = heap.alloc(n);
          expect(p).toBeGreaterThanOrEqual(L.MEMORY_BASE);
          expect(p + n).toBeLessThanOrEqual(heap.memory.buffer.byteLength - L.HEADER);
          heap.free(heap.realloc(p, n * 2));
        });
      }
      onlyCorruption(() => heap.free(keep));
      onlyCorruption(() => heap.stats());
      onlyCorruption(() => heap.trim());
    }
  });
});

describe.each(BUILDS)('%s build: a damaged arena', (_name, options) => {
  const OPS: [string, (a: ReturnType<Heap['arena']>) => unknown][] = [
    ['alloc', (a) => a.alloc(8)], ['tryAlloc', (a) => a.tryAlloc(8)], ['mark', (a) => a.mark()],
    ['reset', (a) => a.reset()], ['used', (a) => a.used], ['dispose', (a) => a.dispose()],
  ];
  it.each([['cursor', L.ARENA_CURSOR], ['guard', L.ARENA_GUARD]] as const)('a stray write into an arena\'s %s is HeapCorruptionError at every arena call and from check()', (_word, offset) => {
    for (const [, op] of OPS) {
      const heap = new Heap(options);
      const arena = heap.arena(1024);
      arena.alloc(100);
      heap.u32[(arena.address + offset) >>> 2] += 8;
      expect(() => op(arena)).toThrow(new RegExp(`the arena at 0x${arena.address.toString(16)} is damaged`));
      expect(() => heap.check()).toThrow(new RegExp(`the arena at 0x${arena.address.toString(16)} is damaged`));
    }
  });

  it.each([['bit 1 flipped', 2], ['bit 3 flipped', 8], ['bit 31 flipped', 0x80000000]] as const)('the same stray write into an arena\'s cursor and its guard (%s in both) is HeapCorruptionError at every arena call and from check(), never a cursor moved back over memory handed out', (_change, bit) => {
    for (const [, op] of OPS) {
      const heap = new Heap(options);
      const arena = heap.arena(1024);
      arena.alloc(100);
      arena.alloc(3, 1); // an odd cursor: bits 0 and 1 set
      for (const offset of [L.ARENA_CURSOR, L.ARENA_GUARD]) heap.u32[(arena.address + offset) >>> 2] ^= bit;
      expect(() => op(arena)).toThrow(new RegExp(`the arena at 0x${arena.address.toString(16)} is damaged`));
      expect(() => heap.check()).toThrow(new RegExp(`the arena at 0x${arena.address.toString(16)} is damaged`));
    }
  });
});

describe.each(BUILDS)('%s build: every walk is bounded by the heap\'s size', (_name, options) => {
  it.each([false, true])('stats() on a cyclic free list throws HeapCorruptionError (count of free blocks damaged too: %s)', (counter) => {
    const heap = cyclicFreeList(options, counter);
    expect(() => heap.stats()).toThrow(/^stats\(\): free list \d+ does not end/);
  });

  it.each([false, true])('check() on a cyclic free list throws HeapCorruptionError (count of free blocks damaged too: %s)', (counter) => {
    const heap = cyclicFreeList(options, counter);
    expect(() => heap.check()).toThrow(HeapCorruptionError);
  });

  it('alloc\'s out-of-memory error on a heap with a cyclic free list says the heap is damaged, without walking the cycle', () => {
    const heap = cyclicFreeList(options, true);
    expect(() => heap.alloc(900000)).toThrow(/out of memory \(and the heap is damaged: see heap\.check\(\)\)/);
  });

  it('a pool\'s cyclic slab list with a damaged capacity word is HeapCorruptionError from check() and dispose()', () => {
    const heap = new Heap({ ...options, initialBytes: 1 << 20, maximumBytes: 1 << 20 });
    const pool = heap.pool(64, { capacity: 200 });
    const m = heap.u32;
    const first = m[(pool.address + L.POOL_SLABS) >>> 2];
    const second = m[(first + L.SLAB_NEXT) >>> 2];
    m[(second + L.SLAB_NEXT) >>> 2] = first; // the cycle
    m[(pool.address + L.POOL_STACK_CAP) >>> 2] = 0xffffffff; // and counts that would let a walk go round it for long
    m[(pool.address + L.POOL_CAPACITY) >>> 2] = 0xfffffff0;
    expect(() => heap.check()).toThrow(/the pool at 0x[0-9a-f]+ is damaged: its slab list reaches/);
    expect(() => pool.dispose()).toThrow(/the pool at 0x[0-9a-f]+ is damaged: its slab list reaches/);
  });
});

describe('release build: cache bins', () => {
  it('check() on a cyclic cache bin whose count was damaged throws HeapCorruptionError', () => {
    const heap = new Heap();
    const ps = [heap.alloc(40), heap.alloc(40), heap.alloc(40)];
    for (const p of ps) heap.free(p);
    const m = heap.u32;
    const bin = (heap._c + L.CACHE_BINS_AT + ((40 + heap._over) >>> 3) * L.BIN_SIZE) >>> 2;
    let last = m[bin];
    while (m[(last + L.BLOCK_PREV) >>> 2] !== 0) last = m[(last + L.BLOCK_PREV) >>> 2];
    m[(last + L.BLOCK_PREV) >>> 2] = m[bin]; // the cycle
    m[bin + 1] = 0xffffffff; // the count
    expect(() => heap.check()).toThrow(/^check\(\): cache bin \d+ counts 4294967295 blocks/);
  });

  it('check() reports a bin limit above what a bin holds', () => {
    const heap = new Heap();
    heap.free(heap.alloc(40));
    const bin = (heap._c + L.CACHE_BINS_AT + ((40 + heap._over) >>> 3) * L.BIN_SIZE) >>> 2;
    heap.u32[bin + 2] = L.BIN_CAP + 1;
    expect(() => heap.check()).toThrow(/with a limit of 4097: more than a bin holds/);
  });
});

describe.each(BUILDS)('%s build: pools', (_name, options) => {
  it.each([0xffffffff, 0x3ffffff0, 4097])('a pool whose capacity word was overwritten (with %s) throws HeapCorruptionError naming the pool when it next grows, and writes nothing outside its blocks', (value) => {
    const heap = new Heap({ ...options, initialBytes: 1 << 20, maximumBytes: 8 << 20 });
    const pool = heap.pool(64);
    while (pool.capacity === 0 || pool.live < pool.capacity) pool.alloc(); // full: the next alloc grows
    heap.check();
    heap.u32[(pool.address + L.POOL_CAPACITY) >>> 2] = value; // the stray write
    expect(() => pool.alloc()).toThrow(new RegExp(`the pool at 0x${pool.address.toString(16)} is damaged: its capacity word`));
    // The one damaged word is the pool's: every other block checks out.
    expect(() => heap.check()).toThrow(/the pool at 0x[0-9a-f]+ is damaged/);
  });

  it('a stray +1 on a pool\'s free-stack depth never hands a live block out again, even one its owner has not written yet', () => {
    const heap = new Heap({ ...options });
    const pool = heap.pool(64);
    const a = pool.alloc(); // not written: its first word is what the pool left there
    heap.u32[(pool.address + L.POOL_TOP) >>> 2] += 1; // the stray write
    let b = 0;
    expect(() => (b = pool.alloc())).toThrow(/the pool at 0x[0-9a-f]+ is damaged/);
    expect(b).not.toBe(a);
    expect(() => heap.check()).toThrow(/the pool at 0x[0-9a-f]+ is damaged/);
  });

  it.each([0xffffffad, 0xffffffff, 0x80000000])('a pool\'s free-stack depth overwritten with 2^31 or more (%s) is HeapCorruptionError at the next free and alloc, which write nothing (never a word before the free stack, where live blocks lie)', (value) => {
    const heap = new Heap({ ...options, initialBytes: 1 << 20, maximumBytes: 1 << 20 });
    const pool = heap.pool(16, { capacity: 8 });
    const p = pool.alloc();
    pool.alloc();
    heap.alloc(300);
    heap.u32[(pool.address + L.POOL_TOP) >>> 2] = value; // the stray write
    const before = heap.u8.slice();
    const damaged = new RegExp(`the pool at 0x${pool.address.toString(16)} is damaged`);
    for (const call of [() => pool.free(p), () => pool.alloc()]) {
      const e = (() => { try { call(); } catch (x) { return x; } })();
      expect(e).toBeInstanceOf(HeapCorruptionError);
      expect((e as Error).message).toMatch(damaged);
    }
    expect(Buffer.compare(heap.u8, before)).toBe(0);
    expect(() => heap.check()).toThrow(/the pool at 0x[0-9a-f]+ is damaged/);
  });
});

describe('shared build: the lock', () => {
  /**
   * Runs `body` (the text of an async function of Heap) in a worker thread on the built library,
   * so that a hang fails the test after `ms` instead of stopping the test runner.
   */
  function inWorker(body: string, ms: number): Promise<unknown> {
    const dist = new URL('../dist/', import.meta.url).href;
    const code = `import('${dist}index.js').then(async ({ Heap }) => { await import('${dist}shared.js');
      require('node:worker_threads').parentPort.postMessage(await (${body})(Heap)); });`;
    const worker = new Worker(code, { eval: true });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => void worker.terminate().then(() => reject(new Error(`no answer in ${ms} ms: a hang`))), ms);
      worker.once('message', (m) => { clearTimeout(timer); void worker.terminate().then(() => resolve(m)); });
      worker.once('error', (e) => { clearTimeout(timer); reject(e); });
    });
  }

  it('a lock word that holds no lock state is HeapCorruptionError at once, for every call that takes the lock', async () => {
    const results = await inWorker(`async (Heap) => {
      const out = [];
      for (const value of [3, 7, 0xffffffff]) {
        const heap = new Heap({ shared: true, maximumBytes: 1 << 24 });
        heap.alloc(100);
        heap.u32[(${L.ROOT} + ${L.ROOT_LOCK}) >>> 2] = value; // the stray write
        const t = Date.now();
        for (const call of [() => heap.alloc(100000), () => heap.free(heap.alloc(2000)), () => heap.trim(),
                            () => new Heap({ shared: true, memory: heap.memory })]) {
          try { call(); out.push([value, 'no error']); } catch (e) { out.push([value, e.name, e.message.includes('lock word') || e.message.includes('root')]); }
        }
        out.push([value, 'ms', Date.now() - t]);
      }
      return out;
    }`, 30_000) as unknown[][];
    for (const r of results) {
      if (r[1] === 'ms') expect(r[2]).toBeLessThan(1000);
      else expect(r.slice(1)).toEqual(['HeapCorruptionError', true]);
    }
  }, 40_000);

  it('a lock word that stays "taken" (1 or 2) with no holder is HeapError after lockTimeoutMs, never a hang', async () => {
    const results = await inWorker(`async (Heap) => {
      const out = [];
      for (const value of [1, 2]) {
        const heap = new Heap({ shared: true, maximumBytes: 1 << 24, lockTimeoutMs: 300 });
        heap.alloc(100);
        heap.u32[(${L.ROOT} + ${L.ROOT_LOCK}) >>> 2] = value; // the stray write
        const t = Date.now();
        try { heap.alloc(100000); out.push([value, 'no error']); } catch (e) { out.push([value, e.name, e.message.includes('lockTimeoutMs')]); }
        out.push([value, 'ms', Date.now() - t]);
      }
      return out;
    }`, 30_000) as unknown[][];
    for (const r of results) {
      if (r[1] === 'ms') expect(r[2]).toBeLessThan(5000);
      else expect(r.slice(1)).toEqual(['HeapError', true]);
    }
  }, 40_000);
});

describe('shared build: attaching', () => {
  const shared = { shared: true, maximumBytes: 1 << 24 } as const;

  it.each([['secret', L.ROOT_SECRET], ['heapStart', L.ROOT_HEAP_START], ['maxPages', L.ROOT_MAX_PAGES], ['check', L.ROOT_CHECK]] as const)(
    'new Heap({ shared: true, memory }) on a memory whose root\'s %s was overwritten throws HeapCorruptionError', (_word, offset) => {
      const a = new Heap(shared);
      a.u32[(L.ROOT + offset) >>> 2] ^= 0x10000;
      expect(() => new Heap({ shared: true, memory: a.memory })).toThrow(/^new Heap: the memory holds a heap whose root is damaged/);
    });

  it('new Heap({ shared: true, memory }) on a memory whose root\'s magic word was overwritten with 0 throws HeapCorruptionError and writes nothing, never a second heap made over the live blocks', () => {
    const a = new Heap(shared);
    const p = a.alloc(100);
    a.u8.fill(0x5e, p, p + 100);
    a.u32[(L.ROOT + L.ROOT_MAGIC) >>> 2] = 0; // the stray write: the memory looks like one no heap was made in
    const before = a.u8.slice();
    expect(() => new Heap({ shared: true, memory: a.memory })).toThrow(/^new Heap: the memory holds a heap whose root is damaged/);
    expect(Buffer.compare(a.u8, before)).toBe(0);
    expect(() => a.check()).toThrow(HeapCorruptionError);
  });

  it('new Heap({ shared: true, memory }) on a memory holding a heap with a damaged block header throws HeapCorruptionError', () => {
    const a = new Heap(shared);
    const p = a.alloc(3000);
    a.alloc(100);
    a.u32[(p - L.HEADER) >>> 2] ^= 64;
    expect(() => new Heap({ shared: true, memory: a.memory })).toThrow(HeapCorruptionError);
  });

  it('new Heap({ shared: true, memory }) on a memory holding a heap of another layout version throws TypeError', () => {
    const a = new Heap(shared);
    a.u32[(L.ROOT + L.ROOT_MAGIC) >>> 2] = L.HEAP_MAGIC - 0x01000000; // "WNA1"
    expect(() => new Heap({ shared: true, memory: a.memory })).toThrow(/^new Heap: the memory holds a heap made by another build .* or another layout/);
  });

  it('new Heap({ shared: true, memory }) on a memory holding a sound heap of another build throws TypeError', () => {
    const a = new Heap(shared);
    const m = a.u32;
    m[(L.ROOT + L.ROOT_BUILD) >>> 2] = L.BUILD_SHARED | L.BUILD_PROFILE; // consistent: the check word agrees
    m[(L.ROOT + L.ROOT_CHECK) >>> 2] = rootCheckOf(m);
    expect(() => new Heap({ shared: true, memory: a.memory })).toThrow(/^new Heap: the memory holds a heap made by another build/);
  });

  it('heap.free(view) takes a view made by another Heap object on the same memory, before and after the memory grew', () => {
    const a = new Heap({ ...shared, initialBytes: 1 << 16 });
    const b = new Heap({ shared: true, memory: a.memory });
    const early = a.allocArray(Float32Array, 16);
    const small = a.allocArray(Float64Array, 4);
    b.alloc(1 << 20); // grows the memory: views made before see the old buffer object
    const late = a.allocArray(Uint8Array, 5000);
    b.free(early);
    b.free(small);
    b.free(late);
    expect(a.stats().liveBlocks).toBe(1);
    a.check();
    b.check();
  });
});

describe.each(BUILDS)('%s build: reserve', (_name, options) => {
  it('reserve(bytes, count) counts payload: after reserve(1 MiB, 65536), 65536 allocations of 16 bytes do not grow the heap', () => {
    const heap = new Heap({ ...options, initialBytes: 1 << 16 });
    heap.reserve(1 << 20, 65536);
    const generation = heap.generation;
    for (let i = 0; i < 65536; i++) heap.alloc(16);
    expect(heap.generation).toBe(generation);
  });
});
