import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, initBackend } from '@ddvi/core';
import { DdviPosterior } from '@ddvi/posterior-diffusion';

await initBackend();
// DDVI: a Gaussian encoder, then T = 5 learned reverse-diffusion steps (the paper uses T = 40).
const q = new DdviPosterior(2, 784, 0, { hidden: [64], noising: { kind: 'linear', T: 5 } });
const x = tf.randomUniform([8, 784], 0, 1, 'float32', 1) as tf.Tensor2D;
const { z, logQ } = q.sample(x, { seed: new SeedStream(1), training: false });
console.log(z.shape, logQ.shape, q.auxiliaryLosses().map((l) => l.name)); // the sleep term
q.dispose();
