import { defineConfig } from 'tsup';
import { tsupConfig } from '../../tsup.shared';

export default defineConfig(tsupConfig({"index": "src/index.ts"}));
