import * as tf from '@tensorflow/tfjs-core';
import {
  SeedStream, ValidationError, assignClasses, checkPositiveInt, checkShape, posteriorFromState, posteriorToJSON, requireClassAwarePrior, sampleTiled, stopGradient, tidy, tileDraws,
} from '@ddvi/core';
import type {
  AuxiliaryLoss, ClassAssignment, Distribution, EpochRecord, Posterior, PosteriorContext, PosteriorInit, PosteriorSample, PhaseSpec, SampleOptions, SerializedModule,
} from '@ddvi/core';
import { MLP, trunkedMLP } from '@ddvi/nn';
import type { EncoderNet } from '@ddvi/nn';
import { createNoisingProcess, sampleSteps } from '@ddvi/noising';
import type { NoisingProcess } from '@ddvi/noising';
import { DDVI, resolveConfig } from './config';
import type { DdviConfigInput, DdviPosteriorConfig } from './config';
import { ConditionalDenoiser } from './denoiser';
import { elementwiseLoss } from './losses';
import { boundCollapse } from './health';
import { ddviPhases } from './phases';
import { PriorGuidance } from './prior_guidance';
import { ReverseChain } from './reverse_chain';
import type { ReverseTrajectory } from './reverse_chain';


/** What encoding x gives the chain: q(y_T | x) and the context each reverse step sees (with the class one-hot). */
interface EncodedInput {
  mu: tf.Tensor2D;
  logVar: tf.Tensor2D;
  context: tf.Tensor2D;
  classes?: ClassAssignment;
}

interface ClassTerms {
  ratio: tf.Tensor1D;
  penalty: tf.Tensor1D;
  crossEntropy: tf.Tensor1D;
}

/**
 * Denoising diffusion variational inference (Piriyakulkij, Wang & Kuleshov, AAAI 2025,
 * https://arxiv.org/abs/2401.02739): an encoder gives q(y_T | x) = N(mu(x), diag e^logvar(x)), a
 * learned reverse chain q(y_{t-1} | y_t, x) refines it, conditioned on a context a = Q2(x) through
 * a noise predictor, and z = y_0. The chain reverses a user-chosen noising process r (any
 * registered `NoisingProcess`).
 *
 * `logQ` is the auxiliary-variable log-ratio log q(y_{0:T} | x) - log r(y_{1:T} | y_0) of one
 * sampled trajectory (spec D2), so the shared ELBO and IWAE objectives give valid bounds with it.
 * Training, by default, uses the reference's surrogate (spec D3): KL(q(y_T | x) || N(0, I)) in place
 * of log q and a Huber wake term on one random step; the sleep term (an auxiliary loss) trains the
 * denoiser and the context encoder on prior samples pushed through r.
 */
export class DdviPosterior implements Posterior {
  readonly family = DDVI;
  readonly capabilities: Posterior['capabilities'];
  readonly config: DdviPosteriorConfig;
  readonly process: NoisingProcess;
  private readonly encoder: EncoderNet;
  private readonly context: EncoderNet;
  private readonly denoiser: ConditionalDenoiser;
  /** pi(c | x), the classifier (semi-supervised only). */
  private readonly classifier: MLP | undefined;
  /** rho(c | z): the reverse of the class of an unlabelled row (semi-supervised only). */
  private readonly classReverse: MLP | undefined;
  /** A gradient step on log p in the last K reverse means (config priorGuidance > 0). */
  private readonly guidance: PriorGuidance | undefined;
  /** q(y_{0:T-1} | y_T, x): the denoiser's steps, fused where the kernel covers them. */
  private readonly chain: ReverseChain;

  constructor(
    readonly latentSize: number,
    readonly dataSize: number,
    private readonly seed: number,
    config: DdviConfigInput = {},
    prior?: Distribution,
  ) {
    checkPositiveInt('DdviPosterior', 'latentSize', latentSize);
    checkPositiveInt('DdviPosterior', 'dataSize', dataSize);
    // Guidance is on by default only where the model's prior is known (ddvi train, bench, the
    // playground and the conformance kit pass it); asked for explicitly without one, it is an error.
    this.config = resolveConfig(prior || config.priorGuidance !== undefined ? config : { ...config, priorGuidance: 0 });
    if (this.config.priorPretrain > 0 && this.config.sleepWeight === 0) {
      throw new ValidationError('ddvi posterior: priorPretrain > 0 trains only the sleep term, so sleepWeight must be > 0');
    }
    const c = this.config;
    const density = c.reverseVariance !== 'none';
    this.capabilities = { hasDensity: density, supportsIWAE: density, supportsLabels: c.classes > 0 };
    const seeds = new SeedStream(seed);
    this.process = createNoisingProcess(c.noising);
    try {
      this.encoder = trunkedMLP({
        trunk: c.trunk, inputSize: dataSize, hidden: c.encoderHidden, outputs: [latentSize, latentSize], dropout: c.encoderDropout,
        seed: seeds.fork('encoder').next(), name: 'encoder',
      });
      this.context = trunkedMLP({
        trunk: c.trunk, inputSize: dataSize, hidden: c.contextHidden, outputs: [c.contextSize], dropout: c.contextDropout,
        seed: seeds.fork('context').next(), name: 'context',
      });
      this.denoiser = new ConditionalDenoiser({
        latentSize, contextSize: c.contextSize + c.classes, steps: this.process.T, width: c.denoiserWidth, layers: c.denoiserLayers,
        outputSize: c.reverseVariance === 'learned' ? 2 * latentSize : latentSize,
        seed: seeds.fork('denoiser').next(),
      });
      this.classifier = c.classes > 0
        ? new MLP({ inputSize: dataSize, hidden: c.classifierHidden, outputs: [c.classes], dropout: c.encoderDropout, seed: seeds.fork('classifier').next(), name: 'classifier' })
        : undefined;
      this.classReverse = c.classes > 0
        ? new MLP({ inputSize: latentSize, hidden: c.classReverseHidden, outputs: [c.classes], dropout: 0, seed: seeds.fork('classReverse').next(), name: 'classReverse' })
        : undefined;
      if (c.priorGuidance > 0 && !prior) throw new ValidationError('ddvi posterior: priorGuidance > 0 needs the model\'s prior (PosteriorInit.prior)');
      this.guidance = c.priorGuidance > 0 ? new PriorGuidance(prior!, this.process, c.priorGuidance, seeds.fork('guidance'), c.guidanceGradient, c.guidanceStepLimit) : undefined;
      this.chain = new ReverseChain(this.denoiser, this.process, c, latentSize, this.guidance);
    } catch (e) {
      this.process.dispose();
      throw e;
    }
  }

  static create(init: PosteriorInit<DdviConfigInput>): DdviPosterior {
    return new DdviPosterior(init.latentSize, init.dataSize, init.seed, init.config, init.prior);
  }

  /** Number of reverse steps T (the noising process's). */
  get T(): number {
    return this.process.T;
  }

  /** One posterior draw per row of x (the steps: `draw`). */
  sample(x: tf.Tensor2D, options: SampleOptions): PosteriorSample {
    return this.draw(x, 1, options);
  }

  /**
   * n draws per row with the networks of x (encoder, context, classifier) run once per row: on x
   * tiled 50 times they took half of a standard cell's IWAE at T = 2 (scripts/bench-iwae.mjs). Each
   * draw has its own chain and class (Posterior.sampleDraws).
   */
  sampleDraws(x: tf.Tensor2D, n: number, options: SampleOptions): PosteriorSample {
    return options.training ? sampleTiled(this, x, n, options) : this.draw(x, n, options);
  }

  /**
   * n posterior draws per row of x (draw-major), as named steps: encode x (q(y_T | x), the context, a
   * class where the posterior has classes), run the reverse chain, score the trajectory's exact
   * log-ratio, then add the training signal the configured wake term asks for.
   */
  private draw(x: tf.Tensor2D, n: number, options: SampleOptions): PosteriorSample {
    checkShape('DdviPosterior', 'x', x.shape, [null, this.dataSize]);
    if (options.label !== undefined) checkShape('DdviPosterior', 'label', options.label.shape, [x.shape[0]]);
    const { seed, training } = options;
    return tidy(() => {
      const input = this.encode(x, options, n);
      const path = this.trajectory(input.mu, input.logVar, input.context, seed, training && this.config.wake === 'bound');
      const z = tf.squeeze(tf.slice(path.states, [0, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D;
      const chainRatio = this.chainLogRatio(path);
      const classTerms = input.classes ? this.classTerms(z, input.classes) : undefined;
      const logQ = classTerms ? (tf.add(chainRatio, classTerms.ratio) as tf.Tensor1D) : chainRatio;
      const diagnostics = this.diagnostics(input, path, chainRatio, classTerms);
      const surrogate = this.trainingSignal(path, classTerms, seed, training, diagnostics);
      return surrogate ? { z, logQ, diagnostics, surrogate } : { z, logQ, diagnostics };
    });
  }

  /**
   * q(y_T | x)'s mean and log-variance, the context a = Q2(x) and, with classes, each row's class
   * beside it; each repeated n times, draw-major, from one pass of the networks (the classes drawn per draw).
   */
  private encode(x: tf.Tensor2D, { seed, training, label }: SampleOptions, n: number): EncodedInput {
    const [mu, logVar] = (this.encoder.apply(x, { training, seed: seed.fork('encoder') }) as tf.Tensor2D[]).map((t) => tileDraws(t, n)) as [tf.Tensor2D, tf.Tensor2D];
    const own = tileDraws(this.context.apply(x, { training, seed: seed.fork('context') })[0]! as tf.Tensor2D, n);
    if (!this.classifier) return { mu, logVar, context: own };
    const logits = tileDraws(this.classifier.apply(x, { training, seed: seed.fork('classifier') })[0] as tf.Tensor2D, n);
    const classes = assignClasses(logits, label && tileDraws(label, n), seed.fork('class'));
    return { mu, logVar, context: tf.concat([own, classes.onehot], 1) as tf.Tensor2D, classes };
  }

  /** [B]: log q(y_{0:T} | x) - log r(y_{1:T} | y_0) of the sampled trajectory (spec D2); no r term for a deterministic chain. */
  private chainLogRatio(path: ReverseTrajectory): tf.Tensor1D {
    const logR = this.capabilities.hasDensity ? this.process.chainLogProb(path.states) : tf.zerosLike(path.logQ);
    return tf.sub(path.logQ, logR) as tf.Tensor1D;
  }

  /**
   * An unlabelled row's class is one more auxiliary variable: its ratio is log pi(c | x) - log rho(c | z);
   * labelled rows add the classifier's cross-entropy (classWeight) to the training penalty.
   */
  private classTerms(z: tf.Tensor2D, classes: ClassAssignment): ClassTerms {
    return { ratio: this.classLogRatio(z, classes), penalty: tf.mul(this.config.classWeight, classes.crossEntropy) as tf.Tensor1D, crossEntropy: classes.crossEntropy };
  }

  /** What the reports show beside the bound: the encoder's KL to N(0, I) and the ratio's parts (encoder, chain). */
  private diagnostics(input: EncodedInput, path: ReverseTrajectory, chainRatio: tf.Tensor1D, classTerms: ClassTerms | undefined): Record<string, tf.Tensor1D> {
    const { mu, logVar } = input;
    const encoderKl = tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(1, logVar)), 1)) as tf.Tensor1D;
    // logRatio separates the chain's own term from -log p(z) inside the reported kl; encoderLogQ and
    // chainLogRatio split it further into log q(y_T | x) and the reverse steps' part.
    const out: Record<string, tf.Tensor1D> = {
      encoderKl, logRatio: chainRatio, encoderLogQ: path.encoderLogQ, chainLogRatio: tf.sub(chainRatio, path.encoderLogQ) as tf.Tensor1D,
    };
    if (classTerms) out['classCrossEntropy'] = classTerms.crossEntropy;
    return out;
  }

  /**
   * The training signal of the configured wake term (PosteriorSample.surrogate): for 'bound' the
   * Rao-Blackwellized bound while training (none otherwise: the exact log-ratio trains); for the
   * reference's 'huber' / 'mse' the encoder's KL in place of log q plus the wake term on one
   * random step (also reported as the `wake` diagnostic).
   */
  private trainingSignal(
    path: ReverseTrajectory, classTerms: ClassTerms | undefined, seed: SeedStream, training: boolean, diagnostics: Record<string, tf.Tensor1D>,
  ): PosteriorSample['surrogate'] {
    const withClass = (t: tf.Tensor1D) => (classTerms ? (tf.add(t, classTerms.ratio) as tf.Tensor1D) : t);
    const plusPenalty = (t: tf.Tensor1D) => (classTerms ? (tf.add(t, classTerms.penalty) as tf.Tensor1D) : t);
    if (this.config.wake === 'bound') {
      if (!training) return undefined;
      return { logQ: withClass(path.smoothedLogRatio!), penalty: plusPenalty(tf.zerosLike(path.logQ) as tf.Tensor1D) };
    }
    const wake = this.wakeTerm(path, seed.fork('wake'));
    diagnostics['wake'] = wake;
    // The reference's wake term is a per-latent-dim mean next to a per-pixel-mean reconstruction:
    // weighing it by dataSize keeps that balance against our per-datapoint reconstruction.
    const penalty = tf.mul(this.config.wakeWeight * this.dataSize, wake) as tf.Tensor1D;
    return { logQ: withClass(diagnostics['encoderKl']!), penalty: plusPenalty(penalty) };
  }

  /** [B]: (log pi(c | x) - log rho(c | z)) on unlabelled rows, 0 on labelled ones. */
  private classLogRatio(z: tf.Tensor2D, classes: ClassAssignment): tf.Tensor1D {
    const rhoLogits = this.classReverse!.apply(z, { training: false, seed: new SeedStream(0) })[0]!;
    const logRho = tf.sum(tf.mul(classes.onehot, tf.logSoftmax(rhoLogits)), 1);
    return tf.mul(classes.unlabelled, tf.sub(classes.logPiChosen, logRho)) as tf.Tensor1D;
  }

  /** pi(c | x) [B, K], the encoder's class probabilities (semi-supervised only): argmax classifies x. */
  classProbabilities(x: tf.Tensor2D): tf.Tensor2D {
    if (this.config.classes === 0) throw new ValidationError('DdviPosterior.classProbabilities: this posterior has no classes (config classes = 0)');
    checkShape('DdviPosterior', 'x', x.shape, [null, this.dataSize]);
    return tidy(() => tf.softmax(this.classifier!.apply(x, { training: false, seed: new SeedStream(0) })[0]! as tf.Tensor2D) as tf.Tensor2D);
  }

  /**
   * Runs the chain from y_T = mu + e^{logVar / 2} eps: y_{t-1} = mean_t + sqrt(v_t) n_t for
   * t = T..1, with mean_t from the predicted noise (DDIM or DDPM form) and v_t the configured
   * reverse variance; log q is accumulated from the standard-normal draws directly
   * (reverse_chain.ts). `smooth` adds the Rao-Blackwellized log-ratio the bound's training uses.
   */
  trajectory(mu: tf.Tensor2D, logVar: tf.Tensor2D, context: tf.Tensor2D, seed: SeedStream, smooth = false): ReverseTrajectory {
    return this.chain.run(mu, logVar, context, seed, smooth);
  }

  /**
   * log v_t of reverse step t, [B, d]: the configured fixed variance, or for 'learned'
   * u log beta_t + (1 - u) log betatilde_t with u = sigmoid(the denoiser's second head), so it stays
   * between the two natural choices (both are log beta_1 at t = 1, spec D2), the lower one scaled by
   * `varianceFloor`. `head` is the denoiser's variance output (ignored unless reverseVariance =
   * 'learned'). In reverse_chain.ts.
   */
  reverseLogVariance(t: number, head: tf.Tensor2D | undefined, shape: [number, number]): tf.Tensor2D {
    return this.chain.reverseLogVariance(t, head, shape);
  }

  /**
   * The reference's wake term (spec §4.2 item 8) per example: at one random step t, the gap between
   * the forward posterior mean r(y_{t-1} | y_t, y_0) and the reverse step's mean, through the Huber
   * (or squared) loss, mean over coordinates. Neither side is detached, as in the reference.
   */
  private wakeTerm(path: ReverseTrajectory, seed: SeedStream): tf.Tensor1D {
    const T = this.T;
    const [, B, d] = path.means.shape;
    return tidy(() => {
      const t = sampleSteps(T, B, seed);
      const steps = t.arraySync();
      // One-hot masks over the step axis select each example's own step without a gather.
      const pick = (stack: tf.Tensor3D, offset: number) => {
        const mask = new Float32Array(stack.shape[0] * B);
        steps.forEach((s, b) => (mask[(s - offset) * B + b] = 1));
        return tf.sum(tf.mul(stack, tf.tensor3d(mask, [stack.shape[0], B, 1])), 0) as tf.Tensor2D;
      };
      const yt = pick(path.states, 0);
      const y0 = tf.reshape(tf.slice(path.states, [0, 0, 0], [1, B, d]), [B, d]) as tf.Tensor2D;
      const target = this.process.posterior(yt, y0, t).mean;
      const predicted = pick(path.means, 1);
      return tf.mean(elementwiseLoss(this.config.wake as 'huber' | 'mse', tf.sub(target, predicted)), 1) as tf.Tensor1D;
    });
  }

  auxiliaryLosses(): AuxiliaryLoss[] {
    const { sleepWeight, sleepRepeats, sleepBatch, sleep } = this.config;
    if (sleepWeight === 0) return [];
    return [
      {
        name: 'sleep',
        // Spec D9: the sleep update touches only the denoiser and the context encoder.
        variables: Object.keys(this.namedVariables()).filter((k) => k.startsWith('denoiser.') || (this.config.sleepTrainsContext && k.startsWith('context.'))),
        repeats: sleepRepeats,
        loss: (ctx) =>
          tidy(() => {
            const n = sleepBatch || ctx.batch.x.shape[0];
            const { z, onehot } = this.sleepDraw(ctx.model.prior(), n, ctx.seed.fork('prior'));
            // The reference uses the decoder's mean P(z) (under no_grad) as the fantasy x.
            const decoded = ctx.model.likelihood(z, { training: false, seed: ctx.seed.fork('decoder') });
            const fantasy = stopGradient((this.config.fantasy === 'mean' ? decoded.mean() : decoded.sample(ctx.seed.fork('fantasy'))) as tf.Tensor2D);
            const own = this.context.apply(fantasy, { training: true, seed: ctx.seed.fork('context') })[0]! as tf.Tensor2D;
            const a = onehot ? (tf.concat([own, onehot], 1) as tf.Tensor2D) : own;
            const t = sampleSteps(this.T, n, ctx.seed.fork('t'));
            const { yt, noise } = this.process.marginalSample(z, t, ctx.seed.fork('noise'));
            const out = this.denoiser.apply(yt, a, t);
            const predicted = this.config.reverseVariance === 'learned' ? (tf.slice(out, [0, 0], [n, this.latentSize]) as tf.Tensor2D) : out;
            // The denoising target in the denoiser's own parameterization: the noise, or z itself.
            const target = this.config.predict === 'y0' ? z : noise;
            return tf.mul(sleepWeight, tf.mean(elementwiseLoss(sleep, tf.sub(predicted, target)))) as tf.Scalar;
          }),
      },
    ];
  }

  /** Prior draws for the sleep term, with their classes as one-hot when the posterior has classes. */
  private sleepDraw(prior: Distribution, n: number, seed: SeedStream): { z: tf.Tensor2D; onehot?: tf.Tensor2D } {
    const K = this.config.classes;
    if (K === 0) return { z: prior.sample(seed, [n]) as tf.Tensor2D };
    const { z, label } = requireClassAwarePrior(`ddvi posterior: classes = ${K}`, prior, K).sampleWithClass(seed, n);
    const onehot = tf.cast(tf.equal(tf.expandDims(label, 1), tf.expandDims(tf.range(0, K, 1, 'int32'), 0)), 'float32') as tf.Tensor2D;
    return { z, onehot };
  }

  /** Stops a run whose train bound collapsed, naming the part of the bound that moved (config collapseTolerance). */
  checkHealth(record: EpochRecord, history: readonly EpochRecord[]): string | undefined {
    return boundCollapse(record, history, this.config.collapseTolerance);
  }

  phases(): PhaseSpec[] {
    return ddviPhases(this.config);
  }

  namedVariables(): Record<string, tf.Variable> {
    const prefixed = (prefix: string, vars: Record<string, tf.Variable>) =>
      Object.fromEntries(Object.entries(vars).map(([k, v]) => [`${prefix}.${k}`, v]));
    return {
      ...prefixed('encoder', this.encoder.namedVariables()),
      ...prefixed('context', this.context.namedVariables()),
      ...prefixed('denoiser', this.denoiser.namedVariables()),
      ...(this.classifier ? prefixed('classifier', this.classifier.namedVariables()) : {}),
      ...(this.classReverse ? prefixed('classReverse', this.classReverse.namedVariables()) : {}),
      ...(this.guidance ? { 'guidance.logScale': this.guidance.logScale } : {}),
    };
  }

  toJSON(): SerializedModule {
    return posteriorToJSON(this, this.seed, this.config);
  }

  static fromJSON(state: SerializedModule, context: PosteriorContext = {}): DdviPosterior {
    return posteriorFromState<DdviPosteriorConfig, DdviPosterior>(
      DDVI, state, (s) => new DdviPosterior(s.latentSize, s.dataSize, s.seed, s.options, context.prior),
    );
  }

  dispose(): void {
    this.encoder.dispose();
    this.context.dispose();
    this.denoiser.dispose();
    this.classifier?.dispose();
    this.classReverse?.dispose();
    this.guidance?.dispose();
    this.process.dispose();
  }
}
