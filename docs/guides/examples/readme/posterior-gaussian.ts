import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, initBackend } from '@ddvi/core';
import { GaussianPosterior } from '@ddvi/posterior-gaussian';

await initBackend();
// q(z | x) = N(mu(x), diag sigma(x)^2) for 784-pixel images and a 2-D latent.
const q = new GaussianPosterior(2, 784, 0, { hidden: [256] });
const x = tf.randomUniform([8, 784], 0, 1, 'float32', 1) as tf.Tensor2D;
const { z, logQ } = q.sample(x, { seed: new SeedStream(1), training: false });
console.log(z.shape, logQ.shape); // [8, 2] [8]
q.dispose();
