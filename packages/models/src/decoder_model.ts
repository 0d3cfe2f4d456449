import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, ValidationError, assignVariables, checkPositive, checkPositiveInt, serializeVariables } from '@ddvi/core';
import type { AuxiliaryLoss, Distribution, ForwardOptions, Model, SerializedModule } from '@ddvi/core';
import { createPrior, isLearnablePrior, LabelledPrior, Prior2D } from '@ddvi/distributions';
import type { LearnablePrior } from '@ddvi/distributions';
import { ConvDecoder, MLP, checkImageShape } from '@ddvi/nn';
import type { TrunkSpec } from '@ddvi/nn';
import { checkLikelihood, likelihoodFromOutput } from './likelihood';
import type { LikelihoodName } from './likelihood';

export interface DecoderModelConfig {
  latentSize: number;
  dataSize: number;
  /** Prior over z by registered name (pinwheel, swiss_roll, square, gaussian, ...). */
  prior: string;
  priorOptions?: Record<string, unknown>;
  /** Decoder hidden widths; the paper's MNIST decoder is 2 -> 1000 -> 1000 -> 784. */
  hidden?: number[];
  dropout?: number;
  likelihood?: LikelihoodName;
  /** Fixed standard deviation of the gaussian likelihood. */
  gaussianScale?: number;
  /**
   * The decoder's architecture: absent or `{ kind: 'mlp' }` the MLP of `hidden`; `{ kind: 'conv',
   * shape: [c, 32, 32] }` the spec's transposed-conv decoder (§6) for images stored flat, plane by
   * plane (`hidden` and `dropout` then do not apply). With the conv decoder the Gaussian
   * likelihood's mean is sigmoid(output), the reference's CIFAR decoder (data in [0, 1]).
   */
  trunk?: TrunkSpec;
  seed: number;
}

const DEFAULTS = { hidden: [1000, 1000], dropout: 0.2, likelihood: 'bernoulli' as LikelihoodName, gaussianScale: 1 };

/**
 * p(x, z) = p(z) p(x | z) with a fixed prior from @ddvi/distributions and an MLP decoder (the
 * paper's MNIST network: LeakyReLU(0.2), dropout 0.2, Bernoulli pixels).
 */
export class DecoderModel implements Model {
  readonly kind = 'decoder';
  readonly latentSize: number;
  readonly dataSize: number;
  readonly config: Required<Omit<DecoderModelConfig, 'priorOptions' | 'trunk'>> & { priorOptions: Record<string, unknown>; trunk?: TrunkSpec };
  private readonly decoder: MLP | ConvDecoder;
  private readonly priorDist: Distribution;
  /** The prior's class parts, kept for labelled batches (semi-supervised training). */
  private classParts: Prior2D[] | undefined;

  constructor(config: DecoderModelConfig) {
    const c = { ...DEFAULTS, priorOptions: {}, ...config };
    checkPositiveInt('DecoderModel', 'latentSize', c.latentSize);
    checkPositiveInt('DecoderModel', 'dataSize', c.dataSize);
    checkPositive('DecoderModel', 'gaussianScale', c.gaussianScale);
    checkLikelihood(c.likelihood);
    this.config = c;
    this.latentSize = c.latentSize;
    this.dataSize = c.dataSize;
    let prior = createPrior(c.prior, c.priorOptions);
    if (isLearnablePrior(prior) && c.priorOptions.seed === undefined) {
      // A learned prior's initialisation follows the model's seed unless its options fix one.
      prior.dispose();
      c.priorOptions = { ...c.priorOptions, seed: new SeedStream(c.seed).fork('prior').next() % 2 ** 31 };
      prior = createPrior(c.prior, c.priorOptions);
    }
    this.priorDist = prior;
    if (this.priorDist.eventShape[0] !== c.latentSize) {
      throw new ValidationError(
        `DecoderModel: prior ${JSON.stringify(c.prior)} is over ${this.priorDist.eventShape[0]}-D latents, but latentSize is ${c.latentSize}`,
      );
    }
    const decoderSeed = new SeedStream(c.seed).fork('decoder').next();
    if (c.trunk !== undefined && c.trunk.kind === 'conv') {
      const shape = checkImageShape('DecoderModel.trunk', c.trunk.shape);
      if (shape[0] * shape[1] * shape[2] !== c.dataSize) {
        if (isLearnablePrior(this.priorDist)) this.priorDist.dispose();
        throw new ValidationError(`DecoderModel: trunk.shape [${shape.join(', ')}] holds ${shape[0] * shape[1] * shape[2]} values, but dataSize is ${c.dataSize}`);
      }
      this.decoder = new ConvDecoder(c.latentSize, shape, decoderSeed, 'decoder');
    } else if (c.trunk === undefined || c.trunk.kind === 'mlp') {
      this.decoder = new MLP({ inputSize: c.latentSize, hidden: c.hidden, outputs: [c.dataSize], dropout: c.dropout, seed: decoderSeed, name: 'decoder' });
    } else {
      throw new ValidationError(`DecoderModel: trunk.kind must be "mlp" or "conv", got ${JSON.stringify((c.trunk as { kind: unknown }).kind)}`);
    }
  }

  /**
   * p(z); with labels (int32 [n], K or any value outside [0, K) meaning unlabelled), the per-row
   * prior p(z_i | c_i) of a semi-supervised batch, p(z_i) for its unlabelled rows.
   */
  prior(label?: tf.Tensor1D): Distribution {
    if (label === undefined) return this.priorDist;
    const base = this.priorDist;
    if (!(base instanceof Prior2D)) {
      throw new ValidationError(`DecoderModel.prior: prior ${JSON.stringify(this.config.prior)} has no classes, so it cannot condition on labels`);
    }
    this.classParts ??= Array.from({ length: base.numClasses }, (_, c) => base.conditional(c));
    return new LabelledPrior(base, label.dtype === 'int32' ? label : tf.cast(label, 'int32'), this.classParts);
  }

  /** A learned prior's penalty (the clustering prior keeps its clusters apart), on its own variables. */
  auxiliaryLosses(): AuxiliaryLoss[] {
    const p = this.priorDist;
    if (!isLearnablePrior(p)) return [];
    const learnable: LearnablePrior = p;
    return [{
      name: 'prior-regularizer',
      variables: Object.keys(learnable.namedVariables()).map((k) => `prior.${k}`),
      // The reference trains the cluster means with Adam at 0.01 (spec §5.2).
      learningRate: 0.01,
      loss: () => learnable.regularizer(),
    }];
  }

  likelihood(z: tf.Tensor2D, options: ForwardOptions): Distribution {
    if (this.decoder instanceof ConvDecoder) {
      const out = this.decoder.apply(z);
      if (this.config.likelihood !== 'gaussian') return likelihoodFromOutput(this.config.likelihood, out, this.config.gaussianScale);
      const mean = tf.sigmoid(out) as tf.Tensor2D;
      out.dispose();
      return likelihoodFromOutput('gaussian', mean, this.config.gaussianScale);
    }
    const [out] = this.decoder.apply(z, options);
    return likelihoodFromOutput(this.config.likelihood, out as tf.Tensor2D, this.config.gaussianScale);
  }

  /** E[x | z]: decoded means (pixel intensities for MNIST), e.g. for latent-grid images. */
  decode(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.likelihood(z, { training: false, seed: new SeedStream(0) }).mean() as tf.Tensor2D);
  }

  namedVariables(): Record<string, tf.Variable> {
    const own = prefixed('decoder', this.decoder.namedVariables());
    return isLearnablePrior(this.priorDist) ? { ...own, ...prefixed('prior', this.priorDist.namedVariables()) } : own;
  }

  toJSON(): SerializedModule {
    return { kind: this.kind, config: JSON.parse(JSON.stringify(this.config)), weights: serializeVariables(this.namedVariables()) };
  }

  static fromJSON(state: SerializedModule): DecoderModel {
    if (state.kind !== 'decoder') throw new ValidationError(`DecoderModel.fromJSON: kind must be "decoder", got ${JSON.stringify(state.kind)}`);
    const m = new DecoderModel(state.config as unknown as DecoderModelConfig);
    assignVariables('DecoderModel', m.namedVariables(), state.weights);
    return m;
  }

  dispose(): void {
    this.decoder.dispose();
    if (isLearnablePrior(this.priorDist)) this.priorDist.dispose();
  }
}

function prefixed(prefix: string, vars: Record<string, tf.Variable>): Record<string, tf.Variable> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [`${prefix}.${k}`, v]));
}
