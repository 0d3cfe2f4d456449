import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, ValidationError, checkPositiveInt, checkShape, isClassAwarePrior, permutation, posteriorFromState, posteriorToJSON, stopGradient, tidy } from '@ddvi/core';
import type {
  AuxiliaryContext, Distribution, AuxiliaryLoss, EpochRecord, PhaseSpec, Posterior, PosteriorInit, PosteriorSample, SampleOptions, SerializedModule,
} from '@ddvi/core';
import { MLP, trunkedMLP } from '@ddvi/nn';
import type { EncoderNet } from '@ddvi/nn';
import { AAE, noiseSigma, resolveConfig } from './config';
import type { AdversarialPosteriorConfig } from './config';

/** Name of the discriminator's accuracy diagnostic (fraction of prior and encoded samples it classifies right). */
export const DISCRIMINATOR_ACCURACY = 'discriminatorAccuracy';

/**
 * The adversarial autoencoder (Makhzani et al. 2016, https://arxiv.org/abs/1511.05644) as the DDVI
 * reference's aae_vanilla implements it (spec §8): a deterministic encoder z = Q(x) trained on the
 * reconstruction (the main objective, `Reconstruction` from @ddvi/core), while a discriminator D
 * tells prior samples from encoded ones and the encoder learns to fool it. Both adversarial updates
 * are auxiliary losses, run by the trainer after the reconstruction step of every batch:
 *
 * - `discriminator` (D's variables): -w * mean[log(D(z_prior) + eps) + log(1 - D(Q(x)) + eps)],
 *   with D's multiplicative input noise on;
 * - `generator` (the encoder's variables): -w * mean log(D(Q(x)) + eps), noise off.
 *
 * With `semiSupervised` (the reference's aae_semi) D sees concat(z, onehot_{K+1}(label)) instead of z.
 *
 * There is no tractable q(z | x): `logQ` is zeros, `hasDensity` is false, and no bound is reported.
 * Warning: adversarial training can diverge; the discriminator's accuracy is reported every step
 * and `checkHealth` stops a run whose accuracy stays pinned at 0 or 1.
 */
export class AdversarialPosterior implements Posterior {
  readonly family = AAE;
  readonly capabilities: { hasDensity: false; supportsIWAE: false; supportsLabels: boolean };
  readonly config: AdversarialPosteriorConfig;
  private readonly encoder: EncoderNet;
  private readonly discriminator: MLP;

  constructor(
    readonly latentSize: number,
    readonly dataSize: number,
    private readonly seed: number,
    config: Partial<AdversarialPosteriorConfig> = {},
  ) {
    checkPositiveInt('AdversarialPosterior', 'latentSize', latentSize);
    checkPositiveInt('AdversarialPosterior', 'dataSize', dataSize);
    this.config = resolveConfig(config);
    this.capabilities = { hasDensity: false, supportsIWAE: false, supportsLabels: this.config.semiSupervised };
    const root = new SeedStream(seed);
    const c = this.config;
    this.encoder = trunkedMLP({
      trunk: c.trunk, inputSize: dataSize, hidden: c.hidden, outputs: c.encoder === 'gaussian' ? [latentSize, latentSize] : [latentSize],
      dropout: c.dropout, seed: root.fork('encoder').next(), name: 'encoder',
    });
    try {
      this.discriminator = new MLP({
        inputSize: latentSize + (c.semiSupervised ? c.numClasses + 1 : 0), hidden: c.discriminatorHidden, outputs: [1], dropout: c.discriminatorDropout,
        seed: root.fork('discriminator').next(), name: 'discriminator',
      });
    } catch (e) {
      this.encoder.dispose();
      throw e;
    }
  }

  static create(init: PosteriorInit<AdversarialPosteriorConfig>): AdversarialPosterior {
    return new AdversarialPosterior(init.latentSize, init.dataSize, init.seed, init.config);
  }

  sample(x: tf.Tensor2D, options: SampleOptions): PosteriorSample {
    checkShape('AdversarialPosterior', 'x', x.shape, [null, this.dataSize]);
    return tidy(() => ({ z: this.encode(x, options.training, options.seed), logQ: tf.zeros([x.shape[0]]) as tf.Tensor1D }));
  }

  /**
   * The discriminator's probability that its input came from the prior: [batch]. The input is z,
   * or for the semi-supervised variant concat(z, onehot_{K+1}(label)); sigma > 0 adds the
   * training-time multiplicative noise.
   */
  discriminate(input: tf.Tensor2D, seed: SeedStream, sigma: number): tf.Tensor1D {
    return tf.tidy(() => tf.sigmoid(tf.squeeze(this.discriminatorLogits(input, seed, sigma), [1])) as tf.Tensor1D);
  }

  auxiliaryLosses(): AuxiliaryLoss[] {
    const { adversarialWeight: w, eps } = this.config;
    const log = (p: tf.Tensor) => tf.log(tf.add(p, eps));
    return [
      {
        name: 'discriminator',
        variables: Object.keys(this.discriminatorVariables()),
        loss: (ctx) => {
          const n = ctx.batch.x.shape[0];
          // The encoder is not trained here: its output is data for D.
          const z = stopGradient(this.encode(ctx.batch.x, true, ctx.seed.fork('encoder')));
          const [real, fake] = this.config.semiSupervised
            ? [this.realWithLabels(ctx.model.prior(), n, ctx.seed.fork('prior')), this.withLabels(z, this.batchLabels(ctx.batch.label, n))]
            : [ctx.model.prior().sample(ctx.seed.fork('prior'), [n]) as tf.Tensor2D, z];
          const sigma = this.sigma(ctx);
          const dReal = this.discriminate(real, ctx.seed.fork('real'), sigma);
          const dFake = this.discriminate(fake, ctx.seed.fork('fake'), sigma);
          const correct = tf.concat([tf.greater(dReal, 0.5), tf.less(dFake, 0.5)]);
          ctx.report?.(DISCRIMINATOR_ACCURACY, tf.mean(tf.cast(correct, 'float32')) as tf.Scalar);
          return tf.mul(-w, tf.mean(tf.add(log(dReal), log(tf.sub(1, dFake))))) as tf.Scalar;
        },
      },
      {
        name: 'generator',
        variables: Object.keys(this.encoderVariables()),
        loss: (ctx) => {
          const z = this.encode(ctx.batch.x, true, ctx.seed.fork('encoder'));
          const fake = this.config.semiSupervised ? this.withLabels(z, this.batchLabels(ctx.batch.label, z.shape[0])) : z;
          // The reference puts D in eval mode here: no input noise (its dropout stays on).
          return tf.mul(-w, tf.mean(log(this.discriminate(fake, ctx.seed.fork('fake'), 0)))) as tf.Scalar;
        },
      },
    ];
  }

  /** The main objective (reconstruction) trains the encoder and the model, never the discriminator. */
  phases(): PhaseSpec[] {
    return [{ name: 'train', epochs: { fraction: 1 }, trainable: (k) => !k.startsWith('posterior/discriminator.') }];
  }

  /** A divergence: the discriminator's epoch-mean accuracy within tolerance of 0 or 1 for `divergencePatience` epochs, or not finite. */
  checkHealth(record: EpochRecord, history: readonly EpochRecord[]): string | undefined {
    const acc = record.train[DISCRIMINATOR_ACCURACY];
    if (acc === undefined) return undefined;
    if (!Number.isFinite(acc)) return `discriminator accuracy is ${acc}`;
    const { divergencePatience: n, divergenceTolerance: tol } = this.config;
    if (n === 0 || history.length < n) return undefined;
    const recent = history.slice(-n).map((r) => r.train[DISCRIMINATOR_ACCURACY]);
    for (const [pinned, test] of [[1, (a: number) => a >= 1 - tol], [0, (a: number) => a <= tol]] as const) {
      if (recent.every((a) => a !== undefined && test(a))) {
        return (
          `discriminator accuracy pinned at ${pinned} for ${n} epochs (last ${acc.toFixed(4)}, tolerance ${tol}): ` +
          (pinned === 1 ? 'the encoder no longer fools it' : 'it no longer separates prior from encoded samples') +
          '; lower the learning rate or the adversarial weight, or change divergencePatience'
        );
      }
    }
    return undefined;
  }

  namedVariables(): Record<string, tf.Variable> {
    return { ...this.encoderVariables(), ...this.discriminatorVariables() };
  }

  toJSON(): SerializedModule {
    return posteriorToJSON(this, this.seed, this.config);
  }

  static fromJSON(state: SerializedModule): AdversarialPosterior {
    return posteriorFromState<AdversarialPosteriorConfig, AdversarialPosterior>(
      AAE, state, (s) => new AdversarialPosterior(s.latentSize, s.dataSize, s.seed, s.options),
    );
  }

  dispose(): void {
    this.encoder.dispose();
    this.discriminator.dispose();
  }

  private encode(x: tf.Tensor2D, training: boolean, seed: SeedStream): tf.Tensor2D {
    return tf.tidy(() => {
      const heads = this.encoder.apply(x, { training, seed: seed.fork('dropout') });
      if (this.config.encoder === 'deterministic') return heads[0]!;
      const [mu, s] = heads as [tf.Tensor2D, tf.Tensor2D];
      const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', seed.fork('eps').next());
      return tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, s)), eps)) as tf.Tensor2D;
    });
  }

  /** D's logits [batch, 1]; input noise z + N(0, 1) * sigma * z (the scale not trained through) when sigma > 0. */
  private discriminatorLogits(z: tf.Tensor2D, seed: SeedStream, sigma: number): tf.Tensor2D {
    return tf.tidy(() => {
      let input = z;
      if (sigma > 0) {
        const noise = tf.randomNormal(z.shape, 0, 1, 'float32', seed.fork('noise').next());
        input = tf.add(z, tf.mul(noise, tf.mul(sigma, stopGradient(z)))) as tf.Tensor2D;
      }
      return this.discriminator.apply(input, { training: true, seed: seed.fork('dropout') })[0]!;
    });
  }

  private sigma(ctx: AuxiliaryContext): number {
    const { noiseSchedule, noiseSigma: initial, semiSupervised } = this.config;
    return noiseSchedule === 'constant' ? initial : noiseSigma(ctx.epoch, ctx.epochs ?? this.config.scheduleEpochs, initial, semiSupervised);
  }

  /** concat(z, onehot_{K+1}(labels)); labels int32 [batch] in 0..K (K = unlabeled). */
  private withLabels(z: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
    // Integer one-hot, then cast (float32 oneHot is wrong on wasm).
    return tf.tidy(() => tf.concat([z, tf.cast(tf.oneHot(labels, this.config.numClasses + 1), 'float32')], 1) as tf.Tensor2D);
  }

  /** The batch's labels with anything outside [0, K) (and a missing label vector) as K, "unlabeled". */
  private batchLabels(label: tf.Tensor1D | undefined, n: number): tf.Tensor1D {
    const k = this.config.numClasses;
    return tf.tidy(() => {
      if (!label) return tf.fill([n], k, 'int32') as tf.Tensor1D;
      const l = tf.cast(label, 'int32');
      const known = tf.logicalAnd(tf.greaterEqual(l, 0), tf.less(l, k));
      return tf.where(known, l, tf.fill([n], k, 'int32')) as tf.Tensor1D;
    });
  }

  /** Real inputs of the semi-supervised D: (z ~ p(z | c), onehot(c)) with exactly floor(n / 2) of the c replaced by K. */
  private realWithLabels(prior: Distribution, n: number, seed: SeedStream): tf.Tensor2D {
    const k = this.config.numClasses;
    if (!isClassAwarePrior(prior) || prior.numClasses !== k) {
      throw new ValidationError(
        `AdversarialPosterior: the semi-supervised variant needs a prior with ${k} classes (sampleWithClass, numClasses = numClasses); ` +
          `the model's prior ${JSON.stringify(prior.name)} has ${isClassAwarePrior(prior) ? prior.numClasses : 'no'} classes`,
      );
    }
    const withClass = prior;
    return tf.tidy(() => {
      const { z, label } = withClass.sampleWithClass(seed.fork('sample'), n);
      const flip = new Int32Array(n);
      permutation(n, seed.fork('flip')).subarray(0, Math.floor(n / 2)).forEach((i) => (flip[i] = 1));
      const labels = tf.where(tf.cast(tf.tensor1d(flip, 'int32'), 'bool'), tf.fill([n], k, 'int32'), tf.cast(label, 'int32')) as tf.Tensor1D;
      return this.withLabels(z, labels);
    });
  }

  private encoderVariables(): Record<string, tf.Variable> {
    return Object.fromEntries(Object.entries(this.encoder.namedVariables()).map(([k, v]) => [`encoder.${k}`, v]));
  }

  private discriminatorVariables(): Record<string, tf.Variable> {
    return Object.fromEntries(Object.entries(this.discriminator.namedVariables()).map(([k, v]) => [`discriminator.${k}`, v]));
  }
}
