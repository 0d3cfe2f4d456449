import { defineConfig } from 'vitest/config';

// The conformance kit fits the family to a small model: allow it a couple of minutes on slow machines.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } });
