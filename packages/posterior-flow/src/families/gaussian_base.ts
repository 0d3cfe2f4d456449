import * as tf from '@tensorflow/tfjs-core';
import { tileDraws } from '@ddvi/core';
import type { SampleOptions } from '@ddvi/core';
import { SCALE_PARAMETERIZATIONS, TrunkSchema, positiveScale, trunkedMLP } from '@ddvi/nn';
import type { EncoderNet, TrunkSpec } from '@ddvi/nn';
import { integerAtLeast, nonNegative, oneOf, unitInterval, widths } from './config_checks';

export { SCALE_PARAMETERIZATIONS };

/** The encoder part every amortized flow shares: x -> (mu, sigma) of the base Gaussian, and h. */
export interface EncoderConfig {
  /** Encoder hidden widths (the paper's MNIST encoder: [1000, 1000]); `ddvi train --hidden` sets them. */
  hidden: number[];
  dropout: number;
  /**
   * How the scale head becomes sigma: 'sigmoid' reads it as variance = sigmoid(s) (the reference
   * VAE's and H-IAF's, so sigma < 1); 'softplus' gives sigma = softplus(s); 'exp' reads a log-variance.
   * minScale bounds sigma below (its square is added to the variance for 'sigmoid').
   */
  scale: (typeof SCALE_PARAMETERIZATIONS)[number];
  minScale: number;
  /** Width of the context h the encoder hands to every flow step (the reference: 10); 0 for none. */
  contextSize: number;
  /** What the encoder reads x with before its MLP (default: the MLP on the flat x; `{ kind: 'conv', shape }` for images, spec §6). */
  trunk?: TrunkSpec;
}

export const ENCODER_DEFAULTS: EncoderConfig = { hidden: [1000, 1000], dropout: 0.2, scale: 'sigmoid', minScale: 1e-4, contextSize: 10 };

export const ENCODER_CHECKS = {
  hidden: widths(true),
  dropout: unitInterval,
  scale: oneOf(SCALE_PARAMETERIZATIONS),
  minScale: nonNegative,
  contextSize: integerAtLeast(0),
  trunk: TrunkSchema.optional(),
};

export interface BaseParams {
  mu: tf.Tensor2D;
  sigma: tf.Tensor2D;
  /** [batch, contextSize], absent when contextSize is 0. */
  h?: tf.Tensor2D;
}

/** Each row's parameters repeated n times, draw-major (tileDraws): n draws per row from one pass of the net. */
export function tileBase(params: BaseParams, n: number): BaseParams {
  const { mu, sigma, h } = params;
  return h ? { mu: tileDraws(mu, n), sigma: tileDraws(sigma, n), h: tileDraws(h, n) } : { mu: tileDraws(mu, n), sigma: tileDraws(sigma, n) };
}

/**
 * An MLP with heads (mu, s[, h]) and the scale map: the base distribution N(mu(x), sigma(x)^2) of
 * a flow posterior plus its context. Used on x (IAF, RealNVP, MAF, H-IAF level 1) or on features
 * of (x, z1) (H-IAF level 2).
 */
export class GaussianBase {
  readonly net: EncoderNet;

  constructor(
    inputSize: number,
    readonly latentSize: number,
    readonly config: EncoderConfig,
    seed: number,
    name: string,
  ) {
    const outputs = [latentSize, latentSize, ...(config.contextSize > 0 ? [config.contextSize] : [])];
    this.net = trunkedMLP({ trunk: config.trunk, inputSize, hidden: config.hidden, outputs, dropout: config.dropout, seed, name });
  }

  apply(input: tf.Tensor2D, options: SampleOptions): BaseParams {
    return tf.tidy(() => {
      const [mu, s, h] = this.net.apply(input, { training: options.training, seed: options.seed }) as tf.Tensor2D[];
      const sigma = positiveScale(this.config.scale, s!, this.config.minScale);
      return h ? { mu: mu!, sigma, h } : { mu: mu!, sigma };
    }) as BaseParams;
  }

  namedVariables(): Record<string, tf.Variable> {
    return this.net.namedVariables();
  }

  dispose(): void {
    this.net.dispose();
  }
}
