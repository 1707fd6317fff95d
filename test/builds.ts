// Registers every build for the test files (vitest setupFiles): an app imports
// 'wasm-arena/debug', 'wasm-arena/shared' or 'wasm-arena/profile' for the builds it uses.
import '../src/debug.js';
import '../src/shared.js';
import '../src/profile.js';
