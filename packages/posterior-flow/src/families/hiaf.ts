import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, checkPositiveInt, checkShape, posteriorFromState, posteriorToJSON, sampleTiled, tidy, tileDraws } from '@ddvi/core';
import type { Posterior, PosteriorInit, PosteriorSample, SampleOptions, SerializedModule } from '@ddvi/core';
import { trunkedMLP } from '@ddvi/nn';
import type { EncoderNet } from '@ddvi/nn';
import type { Chain } from '../bijectors/chain';
import { reparameterizedNormalLogProb, standardNormalLogProb } from '../normal_log_prob';
import { integerAtLeast, oneOf, resolveWith, widths } from './config_checks';
import { GaussianBase, tileBase } from './gaussian_base';
import { IAF_CHECKS, IAF_DEFAULTS, iafChain } from './iaf';
import type { IAFConfig } from './iaf';
import { ReverseModel } from './reverse_model';

export const HIAF = 'hiaf';

export const REVERSE_MODELS = ['prior', 'learned'] as const;

export interface HIAFConfig extends IAFConfig {
  /** Width of the level-2 x features (the reference: MLP 784 -> 1000 -> 1000 -> 128, widths from `hidden`). */
  level2Features: number;
  /** Hidden widths of the level-2 head on [features, z1] (the reference: [24, 24]). */
  level2Hidden: number[];
  /**
   * The auxiliary reverse model r(z1 | z2, x) that makes the bound valid: 'prior' scores z1
   * against N(0, I) as the reference does; 'learned' is a diagonal Gaussian from an MLP on the
   * level-2 x features and z2 (tighter, since the bound's slack is KL(q(z1|z2,x) || r)).
   */
  reverse: (typeof REVERSE_MODELS)[number];
  /** Hidden widths of the learned reverse model. */
  reverseHidden: number[];
}

/**
 * The spec's H-IAF-VAE (§8): two levels of 4 IAF steps with MADE widths 64, context 10. minScale
 * 1e-3 is the reference's variance clip at 1e-6 on level 2 (used on both levels here).
 */
export const HIAF_DEFAULTS: HIAFConfig = {
  ...IAF_DEFAULTS, flowHidden: [64, 64, 64], minScale: 1e-3, level2Features: 128, level2Hidden: [24, 24], reverse: 'prior', reverseHidden: [64, 64],
};

const HIAF_CHECKS = {
  ...IAF_CHECKS, level2Features: integerAtLeast(1), level2Hidden: widths(true), reverse: oneOf(REVERSE_MODELS), reverseHidden: widths(true),
};

/**
 * Two-level hierarchical IAF posterior (the spec's H-IAF-VAE). Level 1 is an IAF posterior
 * q(z1 | x); level 2 draws z2 from an IAF whose base and context come from (features(x), z1):
 * q(z2 | x, z1). The model's latent is z = z2; z1 is an auxiliary variable the model never sees.
 *
 * What logQ means: the marginal q(z2 | x) is intractable, so (as for DDVI) logQ is the auxiliary
 * log-ratio
 *   logQ = log q(z1 | x) + log q(z2 | x, z1) - log r(z1 | z2, x),
 * with r the reverse model (config.reverse). For any normalized r,
 *   E_q[log p(x | z2) + log p(z2) - logQ] <= log p(x),
 * the slack being E KL(q(z1 | z2, x) || r(z1 | z2, x)) on top of the usual gap, and the same
 * log-weights give a valid IWAE bound. With r = N(0, I) ('prior', the default) this is the
 * reference's objective, read as the ELBO of the augmented model p(x, z2) N(z1; 0, I), whose
 * evidence equals p(x). Unlike the reference we do not weight the two prior terms (p_weight):
 * `ddvi train --beta` scales the whole regularizer instead.
 */
export class HIAFPosterior implements Posterior {
  readonly family = HIAF;
  readonly capabilities = { hasDensity: true, supportsIWAE: true, supportsLabels: false };
  readonly config: HIAFConfig;
  private readonly level1: GaussianBase;
  private readonly flow1: Chain;
  private readonly features: EncoderNet;
  private readonly level2: GaussianBase;
  private readonly flow2: Chain;
  private readonly reverseModel?: ReverseModel;

  constructor(
    readonly latentSize: number,
    readonly dataSize: number,
    private readonly seed: number,
    config: Partial<HIAFConfig> = {},
  ) {
    checkPositiveInt('HIAFPosterior', 'latentSize', latentSize);
    checkPositiveInt('HIAFPosterior', 'dataSize', dataSize);
    const c = (this.config = resolveWith('HIAFPosterior', HIAF_DEFAULTS, config, HIAF_CHECKS));
    const root = new SeedStream(seed);
    const d = latentSize;
    const built: { dispose(): void }[] = [];
    const keep = <T extends { dispose(): void }>(m: T): T => (built.push(m), m);
    try {
      this.level1 = keep(new GaussianBase(dataSize, d, c, root.fork('level1').next(), 'level1'));
      this.flow1 = keep(iafChain('hiaf.flow1', d, c, root.fork('flow1').next()));
      this.features = keep(
        trunkedMLP({ trunk: c.trunk, inputSize: dataSize, hidden: c.hidden, outputs: [c.level2Features], dropout: c.dropout, seed: root.fork('features').next(), name: 'features' }),
      );
      this.level2 = keep(new GaussianBase(c.level2Features + d, d, { ...c, hidden: c.level2Hidden, trunk: undefined }, root.fork('level2').next(), 'level2'));
      this.flow2 = keep(iafChain('hiaf.flow2', d, c, root.fork('flow2').next()));
      if (c.reverse === 'learned') {
        this.reverseModel = keep(new ReverseModel(c.level2Features + d, d, c.reverseHidden, c.minScale, root.fork('reverse').next()));
      }
    } catch (e) {
      for (const m of built) m.dispose();
      throw e;
    }
  }

  static create(init: PosteriorInit<HIAFConfig>): HIAFPosterior {
    return new HIAFPosterior(init.latentSize, init.dataSize, init.seed, init.config);
  }

  /** z = z2, logQ the auxiliary log-ratio (class doc); diagnostics split it into its three terms. */
  sample(x: tf.Tensor2D, options: SampleOptions): PosteriorSample {
    return this.draw(x, 1, options);
  }

  /** n draws per row with the networks of x (level 1, the features) run once per row (Posterior.sampleDraws). */
  sampleDraws(x: tf.Tensor2D, n: number, options: SampleOptions): PosteriorSample {
    return options.training ? sampleTiled(this, x, n, options) : this.draw(x, n, options);
  }

  /** n draws per row of x, draw-major: level 1 and the features read x once, level 2 reads each draw's z1. */
  private draw(x: tf.Tensor2D, n: number, options: SampleOptions): PosteriorSample {
    checkShape('HIAFPosterior', 'x', x.shape, [null, this.dataSize]);
    return tidy(() => {
      const one = tileBase(this.level1.apply(x, options), n);
      const eps1 = tf.randomNormal(one.mu.shape, 0, 1, 'float32', options.seed.next()) as tf.Tensor2D;
      const f1 = this.flow1.forward(tf.add(one.mu, tf.mul(one.sigma, eps1)) as tf.Tensor2D, one.h);
      const z1 = f1.y;
      const logQ1 = tf.sub(reparameterizedNormalLogProb(eps1, one.sigma), f1.logDetJ) as tf.Tensor1D;

      const features = tileDraws(this.features.apply(x, { training: options.training, seed: options.seed })[0] as tf.Tensor2D, n);
      const two = this.level2.apply(tf.concat([features, z1], 1) as tf.Tensor2D, options);
      const eps2 = tf.randomNormal(two.mu.shape, 0, 1, 'float32', options.seed.next()) as tf.Tensor2D;
      const f2 = this.flow2.forward(tf.add(two.mu, tf.mul(two.sigma, eps2)) as tf.Tensor2D, two.h);
      const z2 = f2.y;
      const logQ2 = tf.sub(reparameterizedNormalLogProb(eps2, two.sigma), f2.logDetJ) as tf.Tensor1D;

      const logR = this.reverseModel ? this.reverseModel.logProb(z1, tf.concat([features, z2], 1) as tf.Tensor2D) : standardNormalLogProb(z1);
      const logQ = tf.sub(tf.add(logQ1, logQ2), logR) as tf.Tensor1D;
      return { z: z2, logQ, diagnostics: { logQ1, logQ2, logR } };
    });
  }

  auxiliaryLosses() {
    return [];
  }

  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    const add = (prefix: string, vars: Record<string, tf.Variable>) => {
      for (const [k, v] of Object.entries(vars)) out[`${prefix}.${k}`] = v;
    };
    add('level1', this.level1.namedVariables());
    add('flow1', this.flow1.namedVariables());
    add('features', this.features.namedVariables());
    add('level2', this.level2.namedVariables());
    add('flow2', this.flow2.namedVariables());
    if (this.reverseModel) add('reverse', this.reverseModel.namedVariables());
    return out;
  }

  toJSON(): SerializedModule {
    return posteriorToJSON(this, this.seed, this.config);
  }

  static fromJSON(state: SerializedModule): HIAFPosterior {
    return posteriorFromState<HIAFConfig, HIAFPosterior>(HIAF, state, (s) => new HIAFPosterior(s.latentSize, s.dataSize, s.seed, s.options));
  }

  dispose(): void {
    for (const m of [this.level1, this.flow1, this.features, this.level2, this.flow2, this.reverseModel]) m?.dispose();
  }
}
