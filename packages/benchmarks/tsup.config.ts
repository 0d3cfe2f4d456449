import { defineConfig } from 'tsup';
import { browserSafeTsupConfig } from '../../tsup.shared';

// `./browser` (the datasets without file access) shares its modules with the main entry through
// common chunks, so a TensorDataset is one class whichever entry made it; its ESM build carries no
// Node shims, so pages can bundle it.
export default defineConfig(browserSafeTsupConfig({ index: 'src/index.ts', browser: 'src/browser.ts' }, { splitting: true }));
