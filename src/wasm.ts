// Loading the allocator module: embedded bytes → WebAssembly.Module (sync or async) → instance.
// Nothing here touches atob, TextDecoder, fetch, timers or node: modules, so the library evaluates
// in Node, bundlers, Workers and AudioWorkletGlobalScope alike.

import { HeapCorruptionError } from './errors.js';
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

/**
 * Instantiates synchronously (allowed everywhere for a module this small). The debug build
 * imports `env.abort`: a failed internal assertion throws HeapCorruptionError naming file and line.
 */
export function instantiate(module: WebAssembly.Module, memory?: WebAssembly.Memory): Exports {
  const env: Record<string, unknown> = {};
  if (memory) env.memory = memory;
  let exports: Exports | undefined;
  if (WebAssembly.Module.imports(module).some((i) => i.name === 'abort')) {
    env.abort = (msg: number, file: number, line: number, column: number) => {
      const m = memory ?? exports!.memory!;
      throw new HeapCorruptionError(
        `wasm-arena: internal assertion failed: ${readString(m, msg)} (${readString(m, file)}:${line}:${column})`);
    };
  }
  exports = new WebAssembly.Instance(module, { env } as WebAssembly.Imports).exports as unknown as Exports;
  return exports;
}

/** An AssemblyScript string in memory: UTF-16 code units, byte length in the word before it. */
function readString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return '?';
  const bytes = new Uint32Array(memory.buffer)[(ptr - 4) >>> 2];
  const units = new Uint16Array(memory.buffer, ptr, bytes >>> 1);
  let s = '';
  for (let i = 0; i < units.length; i++) s += String.fromCharCode(units[i]);
  return s;
}
