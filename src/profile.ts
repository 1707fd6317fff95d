// Entry point 'wasm-arena/profile': importing it once makes the profile build available to
// `new Heap({ profile: true })`, `Heap.compile({ profile: true })` and friends. A separate entry so that
// apps that never use it never bundle its bytes.
import bytes from './builds/profile.js';
import { registerBuild } from './wasm.js';

registerBuild('profile', bytes);
