import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, createPosterior, initBackend } from '@ddvi/core';
import '@ddvi/posterior-adversarial'; // registers 'aae'

await initBackend();
const q = createPosterior('aae', { latentSize: 2, dataSize: 784, seed: 0, config: { hidden: [64], discriminatorHidden: [32] } });
const x = tf.randomUniform([8, 784], 0, 1, 'float32', 1) as tf.Tensor2D;
const { z } = q.sample(x, { seed: new SeedStream(1), training: false });
// No density: objectives read this flag and train it on the reconstruction.
console.log(z.shape, q.capabilities.hasDensity, q.auxiliaryLosses().map((l) => l.name));
q.dispose();
