import { fileURLToPath } from 'node:url';
import { vitestConfig } from '../../vitest.shared';

const config = vitestConfig();
config.test!.setupFiles = [...(config.test!.setupFiles as string[]), fileURLToPath(new URL('./test/yield_between_tests.ts', import.meta.url))];

export default config;
