// Loading the allocator module: embedded bytes → WebAssembly.Module (sync or async) → instance.
// Nothing here touches atob, TextDecoder, fetch, timers or node: modules, so the library evaluates
// in Node, bundlers, Workers and AudioWorkletGlobalScope alike.
//
// Only the release build is part of the main entry point. The others are registered by importing
// their entry point once ('wasm-arena/debug', '/shared', '/profile'), so an app that never asks for
// them never bundles their bytes. The registry lives on globalThis under a Symbol.for() key: the
// ESM and the CJS copy of the library, if an app loads both, see the same builds.

import { HeapCorruptionError } from './errors.js';
import RELEASE from './builds/release.js';

/** The raw exports of assembly/index.ts. Pointers come back as signed i32: use `>>> 0`. */
export interface Exports {
  init(initialPages: number, maxPages: number, secret: number, flags: number): number;
  attach(flags: number): number;
  detach(cache: number): number;
  alloc(cache: number, size: number, align: number, kind: number): number;
  free(cache: number, ptr: number, kind: number): number;
  realloc(cache: number, ptr: number, size: number, align: number): number;
  usableSize(cache: number, ptr: number): number;
  refill(cache: number, cls: number): number;
  flush(cache: number, cls: number, keep: number): number;
  prefill(cache: number, cls: number, count: number): number;
  trim(cache: number): number;
  acquire(cache: number): number;
  release(): void;
}

/** Which build of the allocator: release (default), debug (canaries, poison), shared memory, profile. */
export type BuildName = 'release' | 'debug' | 'shared' | 'profile';

interface Registry {
  bytes: Partial<Record<BuildName, string>>;
  modules: Partial<Record<BuildName, WebAssembly.Module>>;
}
const KEY = Symbol.for('wasm-arena/builds');
const registry: Registry = ((globalThis as Record<symbol, unknown>)[KEY] as Registry | undefined) ??
  ((globalThis as Record<symbol, unknown>)[KEY] = { bytes: {}, modules: {} } as Registry) as Registry;

/** @internal Makes a build's bytes available (called by the 'wasm-arena/<build>' entry points). */
export function registerBuild(name: BuildName, base64: string): void {
  registry.bytes[name] ??= base64;
}

function bytesOf(name: BuildName): Uint8Array {
  const text = name === 'release' ? RELEASE : registry.bytes[name];
  if (text === undefined) {
    throw new TypeError(
      `wasm-arena: the ${name} build is not loaded. Import it once, anywhere in your app: ` +
        `import 'wasm-arena/${name}';  (it is a separate entry point so that apps that do not use it never bundle it)`);
  }
  return decodeBase64(text);
}

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

/** The compiled module of a build, compiled synchronously once (fine for modules this small). */
export function moduleSync(name: BuildName): WebAssembly.Module {
  return (registry.modules[name] ??= new WebAssembly.Module(bytesOf(name) as BufferSource));
}

/** The compiled module of a build, compiled off the main thread where the engine can. */
export async function moduleAsync(name: BuildName): Promise<WebAssembly.Module> {
  return (registry.modules[name] ??= await WebAssembly.compile(bytesOf(name) as BufferSource));
}

const sharedness = new WeakMap<WebAssembly.Module, boolean>();

/**
 * True for the shared-memory build. Every build imports its memory, and the JS API does not say
 * whether an import wants a shared one: linking with a small plain memory tells (once per module).
 */
export function isSharedModule(module: WebAssembly.Module): boolean {
  let shared = sharedness.get(module);
  if (shared === undefined) {
    const env = { memory: new WebAssembly.Memory({ initial: 1, maximum: 1 }), abort: () => {} };
    try {
      new WebAssembly.Instance(module, { env });
      shared = false;
    } catch (e) {
      shared = e instanceof WebAssembly.LinkError;
    }
    sharedness.set(module, shared);
  }
  return shared;
}

/** The names the allocator module must export; anything else is not a wasm-arena module. */
const EXPORTS = ['init', 'attach', 'detach', 'alloc', 'free', 'realloc', 'usableSize', 'refill', 'flush', 'prefill', 'trim',
  'acquire', 'release'];

/**
 * Instantiates synchronously (allowed everywhere for a module this small). The debug build
 * imports `env.abort`: a failed internal assertion throws HeapCorruptionError naming file and line.
 */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory, call: string): Exports {
  const names = WebAssembly.Module.exports(module).map((e) => e.name);
  const missing = EXPORTS.filter((n) => !names.includes(n));
  if (missing.length) {
    throw new TypeError(`${call}: not a wasm-arena module (it lacks the exports ${missing.join(', ')}); use Heap.compile()`);
  }
  const env: Record<string, unknown> = { memory };
  let exports: Exports;
  if (WebAssembly.Module.imports(module).some((i) => i.name === 'abort')) {
    env.abort = (msg: number, file: number, line: number, column: number) => {
      const m = memory;
      throw new HeapCorruptionError(
        `wasm-arena: internal assertion failed: ${readString(m, msg)} (${readString(m, file)}:${line}:${column})`);
    };
  }
  try {
    exports = new WebAssembly.Instance(module, { env } as WebAssembly.Imports).exports as unknown as Exports;
  } catch (e) {
    throw new TypeError(`${call}: could not instantiate the module with this memory: ${(e as Error).message}`);
  }
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
