import { defineConfig } from 'tsup';
import { browserSafeTsupConfig } from '../../tsup.shared';

export default defineConfig(
  browserSafeTsupConfig(
    { index: 'src/index.ts', testing: 'src/testing/index.ts', data_parallel_worker: 'src/train/data_parallel_worker.ts' },
    {
      // tfjs-core's gradient table is ESM-only with extensionless imports, which plain Node cannot
      // load; bundling it is what the union @tensorflow/tfjs package does too. Its modules share
      // tfjs' global engine and registries, so the single external tfjs-core stays the one in use.
      noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
      // `@ddvi/core/testing` shares modules (the registries, Trainer) with the main entry; split
      // them into common chunks so both entries see one registry instead of a copy each.
      splitting: true,
    },
  ),
);
