import { defineConfig } from 'tsup';

// ESM (what `ddvi --require` imports) and CJS, with type declarations.
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
