// The peers. Each loader returns the same small shape so one loop body serves every allocator:
// `alloc(bytes)` → handle, `free(handle)`. Handles are byte addresses for the wasm and thi.ng peers
// and typed-array objects for the JS peers. Every job loads exactly one peer as its subject (its
// process or page is its own), so each call site stays monomorphic and no peer's garbage is billed
// to another. This module runs in Node and in Chromium: host specifics go through `env`.

import { env } from './env.mjs';

/**
 * Display names, in table column order (wasm-arena first: it is the base of every ratio), and
 * the short names of the console tables (≤ 8 characters).
 * 'wasm-arena' is the path each workload is about (heap for churn, pool for pool, arena for
 * audio and bump); 'wasm-arena-heap' is the heap path where the base is another one.
 */
export const PEERS = {
  'wasm-arena': { name: 'wasm-arena', short: 'wasm-arena' },
  'wasm-arena-heap': { name: 'wasm-arena heap', short: 'WA heap' },
  'wasm-arena-soa': { name: 'wasm-arena heap.soa', short: 'WA soa' },
  'wasm-arena-cursor': { name: 'wasm-arena cursor', short: 'WA curs' },
  'js-gc': { name: 'JS GC', short: 'JS GC' },
  'js-pool': { name: 'JS pool', short: 'JS pool' },
  'js-prealloc': { name: 'JS preallocated', short: 'JS pre' },
  thing: { name: '@thi.ng/malloc', short: 'thi.ng' },
  ringbuf: { name: 'ringbuf.js', short: 'ringbuf' },
  'as-tlsf': { name: 'AS TLSF', short: 'AS TLSF' },
  floor: { name: 'empty call', short: 'floor' },
};

/** One line per peer, for the legend under the console tables and the report. */
export const PEER_NOTES = {
  'wasm-arena': 'this library, the path named in each table title',
  'wasm-arena-heap': "this library's heap (heap.alloc/free), where the title's path is another",
  'wasm-arena-soa': "this library's struct-of-arrays table (heap.soa): one typed-array column per field",
  'wasm-arena-cursor': "this library's struct cursor (Type.cursor(heap)): named fields of records in the heap",
  'js-gc': '`new` and drop the reference (the garbage collector frees)',
  'js-pool': 'a hand-written JS free list of typed arrays / objects, grown on demand',
  'js-prealloc': 'typed arrays allocated once up front and reused (careful JS, no allocation)',
  thing: '@thi.ng/malloc MemPool over one ArrayBuffer',
  ringbuf: 'ringbuf.js RingBuffer: a wait-free SPSC ring over its own SharedArrayBuffer',
  'as-tlsf': "AssemblyScript's built-in TLSF (heap.alloc/heap.free), one wasm call each",
  floor: 'wasm exports that only store their argument: one real call per alloc and per free',
};

export const MAX_WASM_BYTES = 65535 * 65536; // 4 GiB − 64 KiB: the most a wasm32 memory can hold

/**
 * A hand-written typed-array pool, the way game code does it: one free list per power-of-two
 * size class; `alloc` pops (or creates) a Uint8Array of the class size, `free` pushes it back.
 */
export class JsPool {
  constructor() {
    this.lists = [];
    for (let c = 0; c < 32; c++) this.lists.push([]);
    this.ownedBytes = 0; // every byte the pool ever created (it never gives memory back)
  }
  alloc(bytes) {
    const c = bytes <= 1 ? 0 : 32 - Math.clz32(bytes - 1);
    const list = this.lists[c];
    if (list.length > 0) return list.pop();
    this.ownedBytes += 1 << c;
    return new Uint8Array(1 << c);
  }
  free(a) {
    if (a === 0) return;
    this.lists[31 - Math.clz32(a.length)].push(a);
  }
}

/** A hand-written JS bump allocator over one ArrayBuffer (the JS-side analogue of an arena). */
export class JsBump {
  constructor(bytes) {
    this.buf = new ArrayBuffer(bytes);
    this.cap = bytes;
    this.top = 0;
  }
  alloc(bytes) {
    const p = this.top;
    const next = (p + bytes + 7) & ~7;
    if (next > this.cap) throw new RangeError('JsBump exhausted');
    this.top = next;
    return p;
  }
  reset() {
    this.top = 0;
  }
}

/** @thi.ng/malloc's MemPool over one ArrayBuffer of `bytes` (it cannot grow). */
export async function makeThingPool(bytes) {
  const { MemPool } = await env.loadThing();
  return new MemPool({ size: Math.min(Math.ceil(bytes / 8) * 8, 0xfff00000), align: 8 });
}

/**
 * A wasm-arena Heap with room for `bytes` up front (timing runs do not measure growth).
 * `fixed`: exactly that room (whole pages, at least 1 MiB) and no more, for loops over typed
 * views: the heap can never grow, so it never detaches a buffer (in V8 one detached ArrayBuffer
 * makes every typed-array access in the process slower from then on), and no engine switches its
 * memory to a resizable buffer (whose views are slower in Chromium). Past it, alloc throws.
 */
export async function makeHeap(bytes, { growFromSmall = false, fixed = false } = {}) {
  const { Heap } = await env.loadWasmArena();
  const initialBytes = growFromSmall ? 65536 : Math.min(MAX_WASM_BYTES, Math.max(1 << 20, Math.ceil(bytes / 65536) * 65536));
  return new Heap({ initialBytes, maximumBytes: fixed ? initialBytes : MAX_WASM_BYTES });
}

/**
 * Allocator with the uniform `{ alloc, free }` shape for the churn/footprint workloads.
 * `capacityHint` is the bytes the live set needs (fixed-size peers are sized from it);
 * `growFromSmall` starts wasm-arena at one page (AS TLSF always starts at one page).
 */
export async function makeAllocator(peer, capacityHint, { growFromSmall = false } = {}) {
  switch (peer) {
    case 'js-gc':
      // Allocation is `new`; free is dropping the reference (the slot is overwritten).
      return { alloc: (n) => new Uint8Array(n), free: (_a) => {} };
    case 'js-pool': {
      const pool = new JsPool();
      return { alloc: (n) => pool.alloc(n), free: (a) => pool.free(a), pool };
    }
    case 'thing': {
      const pool = await makeThingPool(Math.ceil(capacityHint * 2.5) + (1 << 20));
      return {
        alloc: (n) => {
          const p = pool.malloc(n);
          if (p === 0) throw new Error('@thi.ng/malloc: pool exhausted');
          return p;
        },
        free: (p) => pool.free(p),
        pool,
      };
    }
    case 'as-tlsf': {
      const ex = await env.loadPeer('tlsf');
      return { alloc: (n) => ex.alloc(n) >>> 0, free: (p) => ex.free(p), ex };
    }
    case 'floor': {
      const ex = await env.loadPeer('floor');
      return { alloc: (n) => ex.alloc(n), free: (p) => ex.free(p), ex };
    }
    case 'wasm-arena':
    case 'wasm-arena-heap': {
      // Timing runs start with room for the live set (growth is not what they measure); the
      // footprint replay starts from one page so the heap's span is what its own growth made.
      const heap = await makeHeap(capacityHint * 1.5, { growFromSmall });
      return { alloc: (n) => heap.alloc(n), free: (p) => heap.free(p), heap };
    }
    default:
      throw new Error(`unknown peer ${peer}`);
  }
}
