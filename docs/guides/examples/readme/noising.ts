import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, initBackend } from '@ddvi/core';
import { GaussianDiffusion, cosineSchedule, linearSchedule } from '@ddvi/noising';

await initBackend();
const ddpm = new GaussianDiffusion(linearSchedule(40)); // the paper's schedule
const y0 = tf.ones([3, 2]) as tf.Tensor2D;
const { yt, noise } = ddpm.marginalSample(y0, 20, new SeedStream(0)); // y_20 ~ r(y_20 | y_0)
console.log(yt.shape, noise.shape, ddpm.marginal(y0, 40).std.dataSync()[0]); // std at t = T
const cosine = new GaussianDiffusion(cosineSchedule(40)); // reaches N(0, I) at t = T
console.log(cosine.marginal(y0, 40).mean.dataSync()[0]);
ddpm.dispose();
cosine.dispose();
