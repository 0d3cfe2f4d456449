import { vitestConfig } from '../../vitest.shared';

export default vitestConfig({ testTimeout: 180_000 });
