// Entry point 'wasm-arena/shared': importing it once makes the shared build available to
// `new Heap({ shared: true })`, `Heap.compile({ shared: true })` and friends. A separate entry so that
// apps that never use it never bundle its bytes.
import bytes from './builds/shared.js';
import { registerBuild } from './wasm.js';

registerBuild('shared', bytes);
