// The message helpers live in @ddvi/core beside `invalid` (TensorDataset, now there, uses them too).
export { describeArray, mustBe } from '@ddvi/core';
