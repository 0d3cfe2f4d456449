import { defineConfig } from 'tsup';
import type { Options } from 'tsup';
import { tsupConfig } from '../../tsup.shared';

const entry = { index: 'src/index.ts', testing: 'src/testing/index.ts' };
const shared: Partial<Options> = {
  // tfjs-core's gradient table is ESM-only with extensionless imports, which plain Node cannot
  // load; bundling it is what the union @tensorflow/tfjs package does too. Its modules share
  // tfjs' global engine and registries, so the single external tfjs-core stays the one in use.
  noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
  // `@ddvi/core/testing` shares modules (the registries, Trainer) with the main entry; split
  // them into common chunks so both entries see one registry instead of a copy each.
  splitting: true,
};

export default defineConfig([
  // ESM without tsup's shims: they import Node's `path` and `url` at the top of every chunk, which
  // keeps core out of browser bundles (Vite: "fileURLToPath is not exported"); the ESM code needs
  // no __dirname. Node-only code (checkpoint files, wasm paths) is imported lazily where it runs.
  tsupConfig(entry, { ...shared, format: ['esm'], shims: false }),
  // CJS keeps the shims: `import.meta.url` (createRequire in backend/init.ts) needs one there.
  tsupConfig(entry, { ...shared, format: ['cjs'], clean: false }),
]);
