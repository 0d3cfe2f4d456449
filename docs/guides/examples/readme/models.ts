import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, initBackend } from '@ddvi/core';
import { DecoderModel } from '@ddvi/models';

await initBackend();
// p(x, z) = p(z) p(x | z): the paper's pinwheel prior and an MLP decoder to 784 Bernoulli pixels.
const model = new DecoderModel({ latentSize: 2, dataSize: 784, prior: 'pinwheel', hidden: [256], seed: 0 });
const z = model.prior().sample(1, [5]) as tf.Tensor2D; // [5, 2]
const px = model.likelihood(z, { training: false, seed: new SeedStream(2) });
console.log('log p(z)', model.prior().logProb(z).arraySync());
console.log('image means', px.mean().shape); // [5, 784]
model.dispose();
