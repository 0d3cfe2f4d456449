import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, createPosterior, initBackend, semiSupervisedSpec } from '@ddvi/core';
import '@ddvi/posterior-flow';
import '@ddvi/posterior-semi';

await initBackend();
// The semi-supervised form of IAF with 10 classes: pi(c | x), and the IAF built on [x, onehot(c)].
const spec = semiSupervisedSpec('iaf', { hidden: [64] }, 10, { classifierHidden: [64] });
const q = createPosterior(spec.family, { latentSize: 2, dataSize: 784, seed: 0, config: spec.config });
const x = tf.randomUniform([4, 784], 0, 1, 'float32', 1) as tf.Tensor2D;
// Labels in [0, 10) are classes; 10 marks an unlabelled row (its class is drawn from pi).
const label = tf.tensor1d([3, 10, 7, 10], 'int32');
const { z, logQ } = q.sample(x, { seed: new SeedStream(1), training: false, label });
console.log(spec.family, z.shape, logQ.shape, q.classProbabilities!(x).shape); // semi [4, 2] [4] [4, 10]
q.dispose();
