import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, checkPositiveInt, checkShape, drawFrom, posteriorFromState, posteriorToJSON, sampleTiled, tidy, tileDraws } from '@ddvi/core';
import type { Posterior, PosteriorInit, PosteriorSample, SampleOptions, SerializedModule } from '@ddvi/core';
import { DiagNormal } from '@ddvi/distributions';
import { positiveScale, trunkedMLP } from '@ddvi/nn';
import type { EncoderNet } from '@ddvi/nn';
import { GAUSSIAN, resolveConfig } from './config';
import type { GaussianPosteriorConfig } from './config';

/**
 * Mean-field Gaussian q(z | x) = N(mu(x), diag sigma(x)^2): the VAE encoder (Kingma & Welling
 * 2014, https://arxiv.org/abs/1312.6114). Its q is exposed, so objectives use the closed-form KL
 * when the prior is Gaussian and Monte Carlo otherwise (the paper's non-Gaussian priors).
 *
 * Warning: mean-field. q cannot represent correlations between latent dimensions, nor the curved,
 * multi-modal posteriors the paper's pinwheel / swiss-roll priors induce; that gap is what DDVI
 * and flows close.
 */
export class GaussianPosterior implements Posterior {
  readonly family = GAUSSIAN;
  readonly capabilities = { hasDensity: true, supportsIWAE: true, supportsLabels: false };
  readonly config: GaussianPosteriorConfig;
  private readonly encoder: EncoderNet;

  constructor(
    readonly latentSize: number,
    readonly dataSize: number,
    private readonly seed: number,
    config: Partial<GaussianPosteriorConfig> = {},
  ) {
    checkPositiveInt('GaussianPosterior', 'latentSize', latentSize);
    checkPositiveInt('GaussianPosterior', 'dataSize', dataSize);
    this.config = resolveConfig(config);
    this.encoder = trunkedMLP({
      trunk: this.config.trunk, inputSize: dataSize, hidden: this.config.hidden, outputs: [latentSize, latentSize], dropout: this.config.dropout,
      seed: new SeedStream(seed).fork('encoder').next(), name: 'encoder',
    });
  }

  static create(init: PosteriorInit<GaussianPosteriorConfig>): GaussianPosterior {
    return new GaussianPosterior(init.latentSize, init.dataSize, init.seed, init.config);
  }

  /**
   * q(z | x) for a batch: DiagNormal with batch shape [batch] and event shape [latentSize]; with
   * `draws` > 1, each row's q repeated that many times, draw-major ([draws * batch]), from one pass
   * of the encoder.
   */
  distribution(x: tf.Tensor2D, options: SampleOptions, draws = 1): DiagNormal {
    checkShape('GaussianPosterior', 'x', x.shape, [null, this.dataSize]);
    const [mu, s] = (this.encoder.apply(x, options) as [tf.Tensor2D, tf.Tensor2D]).map((t) => tileDraws(t, draws));
    return new DiagNormal(mu!, positiveScale(this.config.scale, s!, this.config.minScale), { validateArgs: false });
  }

  sample(x: tf.Tensor2D, options: SampleOptions): PosteriorSample {
    return tidy(() => {
      // drawFrom ties q to the z it draws, so the ELBO may use q's closed-form KL.
      return drawFrom(this.distribution(x, options), options.seed);
    });
  }

  /** n draws per row from one pass of the encoder: its outputs are tiled, not x (Posterior.sampleDraws). */
  sampleDraws(x: tf.Tensor2D, n: number, options: SampleOptions): PosteriorSample {
    if (options.training) return sampleTiled(this, x, n, options);
    return tidy(() => drawFrom(this.distribution(x, options, n), options.seed));
  }

  auxiliaryLosses() {
    return [];
  }

  namedVariables(): Record<string, tf.Variable> {
    return Object.fromEntries(Object.entries(this.encoder.namedVariables()).map(([k, v]) => [`encoder.${k}`, v]));
  }

  toJSON(): SerializedModule {
    return posteriorToJSON(this, this.seed, this.config);
  }

  static fromJSON(state: SerializedModule): GaussianPosterior {
    return posteriorFromState<GaussianPosteriorConfig, GaussianPosterior>(
      GAUSSIAN, state, (s) => new GaussianPosterior(s.latentSize, s.dataSize, s.seed, s.options),
    );
  }

  dispose(): void {
    this.encoder.dispose();
  }
}
