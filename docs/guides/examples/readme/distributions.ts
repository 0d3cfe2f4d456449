import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { DiagNormal, createPrior, klDiagNormalDiagNormal } from '@ddvi/distributions';

await tf.setBackend('cpu');
const q = new DiagNormal(tf.tensor1d([0.5, -1]), tf.tensor1d([0.3, 0.8]));
const z = q.rsample(0, [4]); // [4, 2], differentiable in loc and scale
console.log('log q(z)', q.logProb(z).arraySync()); // [4]
console.log('KL(q || N(0, I))', klDiagNormalDiagNormal(q, new DiagNormal(tf.zeros([2]), tf.ones([2]))).arraySync());
const swissRoll = createPrior('swiss_roll'); // one of listPriors()
console.log('log p(z)', swissRoll.logProb(z).arraySync()); // exact 2-D prior density
