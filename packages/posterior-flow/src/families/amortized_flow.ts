import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, checkPositiveInt, checkShape, posteriorToJSON, sampleTiled, tidy } from '@ddvi/core';
import type { Posterior, PosteriorSample, SampleOptions, SerializedModule } from '@ddvi/core';
import type { Bijector } from '../bijectors/bijector';
import { reparameterizedNormalLogProb } from '../normal_log_prob';
import { GaussianBase, tileBase } from './gaussian_base';
import type { EncoderConfig } from './gaussian_base';

/** What distinguishes one amortized flow family from another: its name, config and flow. */
export interface FlowFamilySpec<C extends EncoderConfig> {
  family: string;
  /** Class name for error messages, e.g. 'IAFPosterior'. */
  label: string;
  resolve(partial: Partial<C>): C;
  /** The flow z0 -> z, conditioned on the encoder's h when config.contextSize > 0. */
  buildFlow(latentSize: number, config: C, seed: number): Bijector;
}

/**
 * q(z | x) = the push-forward of N(mu(x), diag sigma(x)^2) through a flow conditioned on h(x):
 * z0 = mu + sigma * eps, z = f(z0; h), and
 *   log q(z | x) = log N(z0; mu, sigma^2) - log |det J_f(z0; h)|,
 * exact (change of variables), so ELBO and IWAE bounds are valid. IAF, RealNVP and MAF are this
 * class with different flows.
 */
export class AmortizedFlowPosterior<C extends EncoderConfig> implements Posterior {
  readonly family: string;
  readonly capabilities = { hasDensity: true, supportsIWAE: true, supportsLabels: false };
  readonly config: C;
  readonly encoder: GaussianBase;
  readonly flow: Bijector;

  constructor(
    private readonly spec: FlowFamilySpec<C>,
    readonly latentSize: number,
    readonly dataSize: number,
    private readonly seed: number,
    config: Partial<C> = {},
  ) {
    this.family = spec.family;
    checkPositiveInt(spec.label, 'latentSize', latentSize);
    checkPositiveInt(spec.label, 'dataSize', dataSize);
    this.config = spec.resolve(config);
    const root = new SeedStream(seed);
    this.encoder = new GaussianBase(dataSize, latentSize, this.config, root.fork('encoder').next(), 'encoder');
    try {
      this.flow = spec.buildFlow(latentSize, this.config, root.fork('flow').next());
    } catch (e) {
      this.encoder.dispose();
      throw e;
    }
  }

  sample(x: tf.Tensor2D, options: SampleOptions): PosteriorSample {
    return this.draw(x, 1, options);
  }

  /** n draws per row from one pass of the encoder: its outputs are tiled, not x (Posterior.sampleDraws). */
  sampleDraws(x: tf.Tensor2D, n: number, options: SampleOptions): PosteriorSample {
    return options.training ? sampleTiled(this, x, n, options) : this.draw(x, n, options);
  }

  /** n draws of z per row of x, draw-major: the base's parameters are computed once per row. */
  private draw(x: tf.Tensor2D, n: number, options: SampleOptions): PosteriorSample {
    checkShape(this.spec.label, 'x', x.shape, [null, this.dataSize]);
    return tidy(() => {
      const { mu, sigma, h } = tileBase(this.encoder.apply(x, options), n);
      const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', options.seed.next()) as tf.Tensor2D;
      const z0 = tf.add(mu, tf.mul(sigma, eps)) as tf.Tensor2D;
      const { y, logDetJ } = this.flow.forward(z0, h);
      const logQ = tf.sub(reparameterizedNormalLogProb(eps, sigma), logDetJ) as tf.Tensor1D;
      return { z: y, logQ, diagnostics: { flowLogDet: logDetJ } };
    });
  }

  auxiliaryLosses() {
    return [];
  }

  /** encoder.* (the MLP) and flow.* (the chain's steps by position). */
  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const [k, v] of Object.entries(this.encoder.namedVariables())) out[`encoder.${k}`] = v;
    for (const [k, v] of Object.entries(this.flow.namedVariables())) out[`flow.${k}`] = v;
    return out;
  }

  toJSON(): SerializedModule {
    return posteriorToJSON(this, this.seed, this.config);
  }

  dispose(): void {
    this.encoder.dispose();
    this.flow.dispose();
  }
}
