import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@ddvi/core';
import { MLP } from '@ddvi/nn';

await initBackend();
// Two heads (e.g. mean and scale of a Gaussian encoder); the seed fixes the initial weights.
const net = new MLP({ inputSize: 4, hidden: [16, 16], outputs: [2, 2], seed: 0, name: 'encoder' });
const [mu, s] = net.apply(tf.ones([3, 4]));
console.log(mu!.shape, s!.shape); // [3, 2] [3, 2]
console.log(Object.keys(net.namedVariables())); // what an optimizer and a checkpoint see
net.dispose();
