import { defineConfig } from 'tsup';
import { tsupConfig } from '../../tsup.shared';

// A command, not a library: one ESM entry with a shebang, no type declarations. Dependencies
// (the @ddvi packages, tfjs, vega, resvg) stay external and are installed with the package.
export default defineConfig(
  tsupConfig(
    { bin: 'src/bin.ts' },
    {
      format: ['esm'],
      dts: false,
      banner: { js: '#!/usr/bin/env node' },
    },
  ),
);
