import { vitestConfig } from '../../vitest.shared';

// The semi-supervised fits run ~40 s alone and several times that while turbo runs every
// package's tests at once on a 2-core machine.
export default vitestConfig({ testTimeout: 600_000 });
