import { mergeConfig } from 'vitest/config';
import { vitestConfig } from '../../vitest.shared';

// Installing is I/O-bound child processes: a few packages at a time keep 2 cores busy.
export default mergeConfig(vitestConfig({ testTimeout: 300_000 }), { test: { maxConcurrency: 3 } });
