// The peers. Each loader returns the same small shape so one loop body serves every allocator:
// `alloc(bytes)` → handle, `free(handle)`. Handles are byte addresses for the wasm and thi.ng peers
// and typed-array objects for the JS peers. Every child process loads exactly one peer, so each
// call site stays monomorphic and no peer's garbage is billed to another.

import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
export const benchDir = resolve(here, '..');
export const rootDir = resolve(benchDir, '..');

/**
 * Display names, in table column order (wasm-arena first: it is the base of every ratio).
 * 'wasm-arena' is the path each workload is about (heap for churn, arena for audio and bump);
 * 'wasm-arena-heap' is the heap path where the base is the arena (audio).
 */
export const PEERS = {
  'wasm-arena': 'wasm-arena',
  'wasm-arena-heap': 'wasm-arena heap',
  'js-gc': 'JS GC',
  'js-pool': 'JS pool',
  thing: '@thi.ng/malloc',
  'as-tlsf': 'AS TLSF',
  floor: 'empty call',
};

export const MAX_WASM_BYTES = 65535 * 65536; // 4 GiB − 64 KiB: the most a wasm32 memory can hold

/** Instantiates a peer module compiled from bench/peers (see build-peers.mjs). */
export function loadAsPeer(name) {
  const file = resolve(benchDir, 'peers/build', `${name}.wasm`);
  const mod = new WebAssembly.Module(readFileSync(file));
  return new WebAssembly.Instance(mod, {}).exports;
}

/** Imports the built library (dist/, made by `npm run build`); BENCH_WASM_ARENA overrides the path. */
export async function loadWasmArena() {
  const file = process.env.BENCH_WASM_ARENA
    ? resolve(process.env.BENCH_WASM_ARENA)
    : resolve(rootDir, 'dist/index.js');
  if (!existsSync(file)) throw new Error(`wasm-arena is not built (${file} missing): run \`npm run build\``);
  return import(pathToFileURL(file).href);
}

/** The library's release wasm size in bytes, if a built file can be found. */
export function wasmArenaReleaseBytes() {
  for (const f of ['build/release.wasm', 'build/wasm-arena.wasm', 'build/index.wasm']) {
    const p = resolve(rootDir, f);
    if (existsSync(p)) return { file: f, bytes: readFileSync(p).length };
  }
  return null;
}

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
  const { MemPool } = await import('@thi.ng/malloc');
  return new MemPool({ size: Math.min(Math.ceil(bytes / 8) * 8, 0xfff00000), align: 8 });
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
      const ex = loadAsPeer('tlsf');
      return { alloc: (n) => ex.alloc(n) >>> 0, free: (p) => ex.free(p), ex };
    }
    case 'floor': {
      const ex = loadAsPeer('floor');
      return { alloc: (n) => ex.alloc(n), free: (p) => ex.free(p), ex };
    }
    case 'wasm-arena': {
      const { Heap } = await loadWasmArena();
      // Timing runs start with room for the live set (growth is not what they measure); the
      // footprint replay starts from one page so the heap's span is what its own growth made.
      const initialBytes = growFromSmall ? 65536 : Math.min(MAX_WASM_BYTES, Math.max(1 << 20, Math.ceil(capacityHint * 1.5)));
      const heap = new Heap({ initialBytes, maximumBytes: MAX_WASM_BYTES });
      return { alloc: (n) => heap.alloc(n), free: (p) => heap.free(p), heap };
    }
    default:
      throw new Error(`unknown peer ${peer}`);
  }
}
