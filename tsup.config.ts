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
  // Constant folding: esbuild inlines the layout's constants (module-level values V8 would load
  // and check at every use on the fast paths). Names and whitespace are kept.
  minifySyntax: true,
});
