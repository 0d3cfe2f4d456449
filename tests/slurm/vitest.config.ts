import { vitestConfig } from '../../vitest.shared';

// Slurm tasks are whole ddvi processes; a step of the end-to-end test waits for several of them.
export default vitestConfig({ testTimeout: 240_000 });
