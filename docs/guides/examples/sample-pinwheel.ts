// Guide 1: @ddvi/distributions on its own. Install:
//   npm install @ddvi/distributions @tensorflow/tfjs-core @tensorflow/tfjs-backend-cpu
// #region example
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Pinwheel } from '@ddvi/distributions';

await tf.setBackend('cpu');

// The paper's pinwheel prior: 10 arms by default; here 5.
const pinwheel = new Pinwheel({ arms: 5 });

// 1,000 points and the arm each came from; the seed makes the draw reproducible.
const { z, label } = pinwheel.sampleWithClass(0, 1000);

// The exact log-density of every point, [1000].
const logDensity = pinwheel.logProb(z);

console.log(`z ${z.shape}, arms ${pinwheel.numClasses}, mean log p(z) ${tf.mean(logDensity).dataSync()[0]!.toFixed(3)}`);
// #endregion example

export { pinwheel, z, label, logDensity };
