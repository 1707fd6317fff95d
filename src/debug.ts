// Entry point 'wasm-arena/debug': importing it once makes the debug build available to
// `new Heap({ debug: true })`, `Heap.compile({ debug: true })` and friends. A separate entry so that
// apps that never use it never bundle its bytes.
import bytes from './builds/debug.js';
import { registerBuild } from './wasm.js';

registerBuild('debug', bytes);
