import { defineConfig } from 'tsup';

export default defineConfig({
  // index: the library with the release build. debug, shared, profile: entry points that register
  // their build when imported (an app that never imports them never bundles their bytes).
  entry: ['src/index.ts', 'src/debug.ts', 'src/shared.ts', 'src/profile.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  target: 'es2022',
  sourcemap: true,
  clean: true,
  treeshake: true,
  splitting: true,
});
