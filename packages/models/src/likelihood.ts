import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '@ddvi/core';
import type { Distribution } from '@ddvi/core';
import { Bernoulli, ContinuousBernoulli, DiagNormal } from '@ddvi/distributions';

export const LIKELIHOODS = ['bernoulli', 'continuous-bernoulli', 'gaussian'] as const;
export type LikelihoodName = (typeof LIKELIHOODS)[number];

export function checkLikelihood(name: string): LikelihoodName {
  if (!(LIKELIHOODS as readonly string[]).includes(name)) {
    throw new ValidationError(`likelihood must be one of ${LIKELIHOODS.join(', ')}, got ${JSON.stringify(name)}`);
  }
  return name as LikelihoodName;
}

/**
 * p(x | z) from the decoder's raw output [batch, D]:
 * - bernoulli: logits of a Bernoulli per pixel (the reference's BCE on grey levels, MNIST);
 * - continuous-bernoulli: the normalized version of the same on [0, 1];
 * - gaussian: mean of N(mean, scale^2 I) with a fixed scale (the reference's MSE decoders).
 */
export function likelihoodFromOutput(name: LikelihoodName, out: tf.Tensor2D, gaussianScale: number): Distribution {
  switch (name) {
    case 'bernoulli':
      return new Bernoulli({ logits: out }, { validateArgs: false });
    case 'continuous-bernoulli':
      return new ContinuousBernoulli({ logits: out }, { validateArgs: false });
    case 'gaussian':
      return new DiagNormal(out, tf.fill([out.shape[1]], gaussianScale), { validateArgs: false });
  }
}
