import { vitestConfig } from '../../vitest.shared';

// The fits here (conformance, the OU process) run ~1 min alone and several times that while turbo
// runs every package's tests at once on a 2-core machine.
export default vitestConfig({ testTimeout: 600_000 });
