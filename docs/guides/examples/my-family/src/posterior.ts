import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, checkPositiveInt, checkShape, drawFrom, posteriorFromState, posteriorToJSON, tidy } from '@ddvi/core';
import type { Posterior, PosteriorInit, PosteriorSample, SampleOptions, SerializedModule } from '@ddvi/core';
import { DiagNormal } from '@ddvi/distributions';
import { MLP } from '@ddvi/nn';
import { FIXED_SCALE, resolveConfig } from './config';
import type { FixedScaleConfig } from './config';

/**
 * q(z | x) = N(mu(x), scale^2 I): an amortized mean and a scale fixed by the config. The smallest
 * useful family; it exists to show the contract (docs/guides/write-a-posterior-family.md).
 *
 * Warning: the scale is not learned, so the bound is only tight when the true posterior's
 * spread happens to match it.
 */
export class FixedScalePosterior implements Posterior {
  readonly family = FIXED_SCALE;
  // Read by objectives and the benchmark instead of the family's name.
  readonly capabilities = { hasDensity: true, supportsIWAE: true, supportsLabels: false };
  readonly config: FixedScaleConfig;
  private readonly encoder: MLP;

  constructor(
    readonly latentSize: number,
    readonly dataSize: number,
    private readonly seed: number,
    config: Partial<FixedScaleConfig> = {},
  ) {
    checkPositiveInt('FixedScalePosterior', 'latentSize', latentSize);
    checkPositiveInt('FixedScalePosterior', 'dataSize', dataSize);
    this.config = resolveConfig(config);
    this.encoder = new MLP({
      inputSize: dataSize, hidden: this.config.hidden, outputs: [latentSize], seed: new SeedStream(seed).fork('encoder').next(), name: 'encoder',
    });
  }

  static create(init: PosteriorInit<FixedScaleConfig>): FixedScalePosterior {
    return new FixedScalePosterior(init.latentSize, init.dataSize, init.seed, init.config);
  }

  sample(x: tf.Tensor2D, options: SampleOptions): PosteriorSample {
    checkShape('FixedScalePosterior', 'x', x.shape, [null, this.dataSize]);
    return tidy(() => {
      const [mu] = this.encoder.apply(x, options) as [tf.Tensor2D];
      const q = new DiagNormal(mu, tf.fill(mu.shape, this.config.scale), { validateArgs: false });
      // drawFrom: z = q.rsample (a differentiable function of mu, so the bound's gradient reaches the
      // encoder), logQ = log q(z), and distribution: q tied to that z, for the closed-form KL.
      return drawFrom(q, options.seed);
    });
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

  static fromJSON(state: SerializedModule): FixedScalePosterior {
    return posteriorFromState<FixedScaleConfig, FixedScalePosterior>(
      FIXED_SCALE, state, (s) => new FixedScalePosterior(s.latentSize, s.dataSize, s.seed, s.options),
    );
  }

  dispose(): void {
    this.encoder.dispose();
  }
}
