import * as tf from '@tensorflow/tfjs-core';
import {
  NoSemiSupervisedFormError, SeedStream, ValidationError, assignClasses, assignVariables, checkPositiveInt, checkShape, createPosterior, getPosteriorFamily, posteriorFromJSON,
  semiSupervisedForm, serializeVariables, tidy,
} from '@ddvi/core';
import type {
  AuxiliaryLoss, ClassAssignment, Distribution, EpochRecord, JsonValue, PhaseSpec, Posterior, PosteriorContext, PosteriorInit, PosteriorSample, SampleOptions, SerializedModule,
} from '@ddvi/core';
import { MLP } from '@ddvi/nn';
import { SEMI, resolveConfig } from './config';
import type { SemiConfigInput, SemiPosteriorConfig } from './config';

const INNER = 'inner.';

/**
 * The semi-supervised form of any posterior family with a density (spec §5.1, §8 vae_semi /
 * iaf_vae_semi), on the footing of DDVI's own: a classifier pi(c | x) on a network of its own, and
 * the inner family built on [x, onehot(c)], so the class conditions the posterior.
 *
 * - A labelled row (label c in [0, K)) uses its class: logQ = log q(z | x, c), and the model scores
 *   z under p(z | c) (`LabelledPrior`), so its bound is on log p(x | c).
 * - An unlabelled row draws c ~ pi(c | x) and treats it as an auxiliary variable, reversed by a
 *   learned rho(c | z): logQ = log pi(c | x) + log q(z | x, c) - log rho(c | z) against the
 *   marginal p(z), a valid bound on log p(x) for any pi and rho, tight when rho matches q(c | z, x).
 *   rho trains on the bound itself.
 * - pi trains on the labelled rows' cross-entropy, weighted by `classWeight` (a training penalty;
 *   reported bounds never include it).
 *
 * The inner family is built through the registry, so this package imports no other posterior
 * package. Families with their own semi-supervised form (DDVI, the AAE) use theirs instead.
 */
export class SemiSupervisedPosterior implements Posterior {
  readonly family = SEMI;
  readonly capabilities: Posterior['capabilities'];
  readonly config: SemiPosteriorConfig;
  /** The wrapped posterior, built on dataSize + classes inputs. */
  readonly inner: Posterior;
  private readonly classifier: MLP;
  private readonly classReverse: MLP;
  /** The inner family's phases (when it has any), its variables' qualified names mapped back to its own. */
  readonly phases?: () => PhaseSpec[];

  constructor(
    readonly latentSize: number,
    readonly dataSize: number,
    private readonly seed: number,
    config: SemiConfigInput = {},
    /** A built inner posterior (fromJSON); else it is created from config.family and config.config. */
    inner?: Posterior,
    /** The model's prior, passed to the inner family (PosteriorInit.prior). */
    prior?: Distribution,
  ) {
    checkPositiveInt('SemiSupervisedPosterior', 'latentSize', latentSize);
    checkPositiveInt('SemiSupervisedPosterior', 'dataSize', dataSize);
    const c = (this.config = resolveConfig(config));
    const seeds = new SeedStream(seed);
    this.inner = inner ?? SemiSupervisedPosterior.buildInner(c, latentSize, dataSize, seeds.fork('inner').next(), prior);
    try {
      if (this.inner.dataSize !== dataSize + c.classes || this.inner.latentSize !== latentSize) {
        throw new ValidationError(
          `SemiSupervisedPosterior: the inner posterior must map ${dataSize + c.classes} inputs (x and onehot(c)) to ${latentSize} latents, ` +
            `got ${this.inner.dataSize} -> ${this.inner.latentSize}`,
        );
      }
      const innerPhases = this.inner.phases?.bind(this.inner);
      if (innerPhases) {
        const own = (k: string) => k.replace(`posterior/${INNER}`, 'posterior/');
        this.phases = () => innerPhases().map((p) => ({ ...p, trainable: (k: string) => p.trainable(own(k)) }));
      }
      this.capabilities = { hasDensity: true, supportsIWAE: this.inner.capabilities.supportsIWAE, supportsLabels: true };
      this.classifier = new MLP({
        inputSize: dataSize, hidden: c.classifierHidden, outputs: [c.classes], dropout: c.classifierDropout, seed: seeds.fork('classifier').next(), name: 'classifier',
      });
      this.classReverse = new MLP({
        inputSize: latentSize, hidden: c.classReverseHidden, outputs: [c.classes], dropout: 0, seed: seeds.fork('classReverse').next(), name: 'classReverse',
      });
    } catch (e) {
      this.inner.dispose();
      throw e;
    }
  }

  static create(init: PosteriorInit<SemiConfigInput>): SemiSupervisedPosterior {
    return new SemiSupervisedPosterior(init.latentSize, init.dataSize, init.seed, init.config, undefined, init.prior);
  }

  /** The inner family, checked: registered, not a wrapper, without its own semi form, with a density. */
  private static buildInner(c: SemiPosteriorConfig, latentSize: number, dataSize: number, seed: number, prior?: Distribution): Posterior {
    const where = `semi posterior: family ${JSON.stringify(c.family)}`;
    const entry = getPosteriorFamily(c.family);
    if (entry.wrapper) throw new ValidationError(`${where} is a wrapper, not a posterior family; name the family to wrap`);
    if (semiSupervisedForm(c.family)) {
      throw new ValidationError(`${where} has a semi-supervised form of its own (config ${JSON.stringify(semiSupervisedForm(c.family)!(c.classes))}); use it instead of the wrapper`);
    }
    const inner = createPosterior(c.family, { latentSize, dataSize: dataSize + c.classes, seed, config: c.config, ...(prior ? { prior } : {}) });
    if (!inner.capabilities.hasDensity || inner.capabilities.supportsLabels) {
      inner.dispose();
      throw new NoSemiSupervisedFormError(
        `${where}: the wrapper needs a family with a density and without labels of its own (capabilities.hasDensity = true, supportsLabels = false); ` +
          'it has no semi-supervised form here',
      );
    }
    return inner;
  }

  sample(x: tf.Tensor2D, options: SampleOptions): PosteriorSample {
    checkShape('SemiSupervisedPosterior', 'x', x.shape, [null, this.dataSize]);
    if (options.label !== undefined) checkShape('SemiSupervisedPosterior', 'label', options.label.shape, [x.shape[0]]);
    const { seed, training } = options;
    return tidy(() => {
      const classes = this.classesOf(x, options.label, training, seed);
      const q = this.inner.sample(tf.concat([x, classes.onehot], 1) as tf.Tensor2D, { seed: seed.fork('inner'), training });
      // An unlabelled row's class is one more auxiliary variable: + log pi(c | x) - log rho(c | z).
      const rhoLogits = this.classReverse.apply(q.z, { training: false, seed: new SeedStream(0) })[0]!;
      const logRho = tf.sum(tf.mul(classes.onehot, tf.logSoftmax(rhoLogits)), 1);
      const classRatio = tf.mul(classes.unlabelled, tf.sub(classes.logPiChosen, logRho)) as tf.Tensor1D;
      const logQ = tf.add(q.logQ, classRatio) as tf.Tensor1D;
      const diagnostics: Record<string, tf.Tensor1D> = { ...(q.diagnostics ?? {}), classCrossEntropy: classes.crossEntropy, classLogRatio: classRatio };
      if (!training) return { z: q.z, logQ, diagnostics };
      // Training: the inner family's own surrogate (if any) plus the class terms, and pi's cross-entropy.
      const penalty = tf.mul(this.config.classWeight, classes.crossEntropy) as tf.Tensor1D;
      return {
        z: q.z, logQ, diagnostics,
        surrogate: {
          logQ: tf.add(q.surrogate?.logQ ?? q.logQ, classRatio) as tf.Tensor1D,
          penalty: q.surrogate ? (tf.add(q.surrogate.penalty, penalty) as tf.Tensor1D) : penalty,
        },
      };
    });
  }

  /** The class of each row (its label, or a draw from pi) with the terms the bound needs. */
  private classesOf(x: tf.Tensor2D, label: tf.Tensor1D | undefined, training: boolean, seed: SeedStream): ClassAssignment {
    const logits = this.classifier.apply(x, { training, seed: seed.fork('classifier') })[0]! as tf.Tensor2D;
    return assignClasses(logits, label, seed.fork('class'));
  }

  /** pi(c | x) [B, K], the classifier's probabilities: argmax classifies x. */
  classProbabilities(x: tf.Tensor2D): tf.Tensor2D {
    checkShape('SemiSupervisedPosterior.classProbabilities', 'x', x.shape, [null, this.dataSize]);
    return tidy(() => tf.softmax(this.classifier.apply(x, { training: false, seed: new SeedStream(0) })[0]! as tf.Tensor2D) as tf.Tensor2D);
  }

  /** The inner family's auxiliary losses, on its variables, fed the batch conditioned on each row's class. */
  auxiliaryLosses(): AuxiliaryLoss[] {
    return this.inner.auxiliaryLosses().map((aux) => ({
      ...aux,
      variables: aux.variables.map((v) => `${INNER}${v}`),
      loss: (ctx) =>
        tidy(() => {
          const classes = this.classesOf(ctx.batch.x, ctx.batch.label, false, ctx.seed.fork('class'));
          return aux.loss({ ...ctx, batch: { ...ctx.batch, x: tf.concat([ctx.batch.x, classes.onehot], 1) as tf.Tensor2D } });
        }),
    }));
  }

  checkHealth(record: EpochRecord, history: readonly EpochRecord[]): string | undefined {
    return this.inner.checkHealth?.(record, history);
  }

  namedVariables(): Record<string, tf.Variable> {
    const prefixed = (prefix: string, vars: Record<string, tf.Variable>) => Object.fromEntries(Object.entries(vars).map(([k, v]) => [`${prefix}${k}`, v]));
    return {
      ...prefixed(INNER, this.inner.namedVariables()),
      ...prefixed('classifier.', this.classifier.namedVariables()),
      ...prefixed('classReverse.', this.classReverse.namedVariables()),
    };
  }

  /** Sizes, seed, options and the inner posterior's own config (its kind rebuilds it), with every weight. */
  toJSON(): SerializedModule {
    const inner = this.inner.toJSON();
    return {
      kind: SEMI,
      config: {
        latentSize: this.latentSize, dataSize: this.dataSize, seed: this.seed,
        options: JSON.parse(JSON.stringify(this.config)) as JsonValue,
        inner: { kind: inner.kind, config: inner.config },
      },
      weights: serializeVariables(this.namedVariables()),
    };
  }

  static fromJSON(state: SerializedModule, context: PosteriorContext = {}): SemiSupervisedPosterior {
    if (state.kind !== SEMI) throw new ValidationError(`semi posterior fromJSON: kind must be ${JSON.stringify(SEMI)}, got ${JSON.stringify(state.kind)}`);
    const cfg = state.config as { latentSize: number; dataSize: number; seed: number; options: SemiConfigInput; inner?: { kind: string; config: SerializedModule['config'] } };
    if (!cfg.inner || typeof cfg.inner.kind !== 'string') throw new ValidationError('semi posterior fromJSON: config.inner must hold the inner posterior\'s kind and config');
    const innerWeights = Object.fromEntries(Object.entries(state.weights).filter(([k]) => k.startsWith(INNER)).map(([k, v]) => [k.slice(INNER.length), v]));
    const inner = posteriorFromJSON({ kind: cfg.inner.kind, config: cfg.inner.config, weights: innerWeights }, context);
    const q = new SemiSupervisedPosterior(cfg.latentSize, cfg.dataSize, cfg.seed, cfg.options, inner);
    try {
      const own = Object.fromEntries(Object.entries(q.namedVariables()).filter(([k]) => !k.startsWith(INNER)));
      const weights = Object.fromEntries(Object.entries(state.weights).filter(([k]) => !k.startsWith(INNER)));
      assignVariables('semi posterior', own, weights);
    } catch (e) {
      q.dispose();
      throw e;
    }
    return q;
  }

  dispose(): void {
    this.inner.dispose();
    this.classifier.dispose();
    this.classReverse.dispose();
  }
}
