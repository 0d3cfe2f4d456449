import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, createPosterior, initBackend } from '@ddvi/core';
import '@ddvi/posterior-flow'; // registers iaf, hiaf, realnvp and maf

await initBackend();
// An inverse autoregressive flow on a Gaussian encoder's draw: exact log q(z | x).
const q = createPosterior('iaf', { latentSize: 2, dataSize: 784, seed: 0, config: { hidden: [64] } });
const x = tf.randomUniform([8, 784], 0, 1, 'float32', 1) as tf.Tensor2D;
const { z, logQ } = q.sample(x, { seed: new SeedStream(1), training: false });
console.log(q.family, z.shape, logQ.shape); // iaf [8, 2] [8]
q.dispose();
