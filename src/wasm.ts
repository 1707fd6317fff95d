// Loading the allocator module: embedded bytes → WebAssembly.Module (sync or async) → instance.
// Nothing here touches atob, TextDecoder, fetch, timers or node: modules, so the library evaluates
// in Node, bundlers, Workers and AudioWorkletGlobalScope alike.

import { RELEASE_WASM, DEBUG_WASM, SHARED_WASM } from './wasm-bytes.js';

/** The raw exports of assembly/index.ts. Pointers come back as signed i32: use `>>> 0`. */
export interface Exports {
  readonly memory?: WebAssembly.Memory;
  init(initialPages: number, maxPages: number, secret: number, flags: number): number;
  alloc(size: number, align: number): number;
  calloc(size: number, align: number): number;
  free(ptr: number): number;
  realloc(ptr: number, size: number): number;
  usableSize(ptr: number): number;
  check(): number;
  arenaCreate(bytes: number): number;
  arenaAlloc(arena: number, size: number, align: number): number;
  arenaReset(arena: number, mark: number): number;
}

/** Which build of the allocator: release (default), debug (canaries, poison), shared memory. */
export type ModuleKind = 'release' | 'debug' | 'shared';

const SOURCES: Record<ModuleKind, string> = { release: RELEASE_WASM, debug: DEBUG_WASM, shared: SHARED_WASM };

/** Base64 → bytes, by hand: `atob` is missing in AudioWorkletGlobalScope, `Buffer` outside Node. */
export function decodeBase64(text: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  const out = new Uint8Array((end * 3) >> 2);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v =
      c >= 65 && c <= 90 ? c - 65 : // A-Z
      c >= 97 && c <= 122 ? c - 71 : // a-z
      c >= 48 && c <= 57 ? c + 4 : // 0-9
      c === 43 ? 62 : c === 47 ? 63 : -1; // + /
    if (v < 0) throw new TypeError(`wasm-arena: bad base64 character ${c} at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

const cache: Partial<Record<ModuleKind, WebAssembly.Module>> = {};

/** The compiled module of `kind`, compiled synchronously once (the release module is < 4 KiB). */
export function moduleSync(kind: ModuleKind): WebAssembly.Module {
  return (cache[kind] ??= new WebAssembly.Module(decodeBase64(SOURCES[kind]) as BufferSource));
}

/** The compiled module of `kind`, compiled off the main thread where the engine can. */
export async function moduleAsync(kind: ModuleKind): Promise<WebAssembly.Module> {
  return (cache[kind] ??= await WebAssembly.compile(decodeBase64(SOURCES[kind]) as BufferSource));
}

/** True for the shared-memory build (the only one that imports its memory). */
export function importsMemory(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((i) => i.kind === 'memory');
}

/** Instantiates synchronously (allowed everywhere for a module this small). */
export function instantiate(module: WebAssembly.Module, memory?: WebAssembly.Memory): Exports {
  const imports: WebAssembly.Imports = memory ? { env: { memory } } : {};
  return new WebAssembly.Instance(module, imports).exports as unknown as Exports;
}
