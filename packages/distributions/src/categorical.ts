import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '@ddvi/core';
import type { SeedStream } from '@ddvi/core';
import { DistributionBase } from './distribution';
import { integerInterval, real, simplex } from './constraints';
import type { Constraint } from './constraints';
import { checkConstraint, checkMinRank, formatIndex, toParam } from './internal/params';
import type { DistributionOptions, ParamInput } from './internal/params';
import { MIN_LOG, openUniform } from './internal/math';

const NAME = 'Categorical';

/** Parameters: unnormalized log-probabilities, or probabilities summing to 1, over the last axis. */
export type CategoricalParams = { logits: ParamInput; probs?: never } | { probs: ParamInput; logits?: never };

/**
 * Categorical distribution over `0..K-1`, K = the last axis of `logits`/`probs`: scalar event,
 * batch shape = the leading dims. Samples are int32 labels of shape `[...sampleShape, ...batchShape]`
 * (Gumbel-max, not reparameterized); `logProb(labels)` takes int32 (or integral float) labels.
 *
 * @example
 * const c = new Categorical({ logits: tf.zeros([5]) });   // uniform over 5 classes
 * c.sample(17, [100]);                                    // int32 [100]
 * c.logProb(tf.tensor1d([0, 4], 'int32'));                // [-log 5, -log 5]
 */
export class Categorical extends DistributionBase {
  static readonly paramConstraints = { logits: real, probs: simplex } as const;

  readonly name = NAME;
  readonly reparameterized = false;
  /** Logits as given (or log(probs)); not normalized. */
  readonly logits: tf.Tensor;
  /** Number of categories K. */
  readonly numCategories: number;
  /** Labels 0..K-1; logProb gives -Infinity outside it. */
  readonly support: Constraint;

  constructor(params: CategoricalParams, options: DistributionOptions = {}) {
    const p = prepare(params, options.validateArgs ?? true);
    super(p.logits.shape.slice(0, -1), []);
    this.logits = p.logits;
    this.numCategories = p.logits.shape[p.logits.shape.length - 1]!;
    this.support = integerInterval(0, this.numCategories - 1);
    this.own(...p.created);
  }

  /** Normalized log-probabilities, shape `[...batchShape, K]`. */
  logProbs(): tf.Tensor {
    return tf.tidy(() => tf.logSoftmax(this.logits));
  }

  /** Probabilities, shape `[...batchShape, K]`. */
  probs(): tf.Tensor {
    return tf.tidy(() => tf.softmax(this.logits));
  }

  /** Mean label sum_k k p_k (float32, shape batchShape). */
  mean(): tf.Tensor {
    return tf.tidy(() => tf.sum(tf.mul(tf.softmax(this.logits), this.labels()), -1));
  }

  /** Variance of the label, shape batchShape. */
  variance(): tf.Tensor {
    return tf.tidy(() => {
      const p = tf.softmax(this.logits);
      const m = tf.sum(tf.mul(p, this.labels()), -1, true);
      return tf.sum(tf.mul(p, tf.square(tf.sub(this.labels(), m))), -1);
    });
  }

  /** Closed-form entropy -sum p log p (0 log 0 = 0), shape batchShape. */
  entropy(): tf.Tensor {
    return tf.tidy(() => {
      const logp = clampedLogProbs(this.logits);
      return tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), -1));
    });
  }

  protected sampleImpl(seed: SeedStream, sampleShape: number[]): tf.Tensor {
    const u = openUniform([...sampleShape, ...this.batchShape, this.numCategories], seed.next());
    const gumbel = tf.neg(tf.log(tf.neg(tf.log(u))));
    return tf.argMax(tf.add(this.logits, gumbel), -1);
  }

  protected override get valueDtype(): 'int32' {
    return 'int32';
  }

  protected logProbImpl(value: tf.Tensor): tf.Tensor {
    // oneHot(..., 'float32') is wrong on wasm in tfjs 4.22 (int bit patterns); cast an int32 one.
    const oneHot = tf.cast(tf.oneHot(value, this.numCategories), 'float32');
    // log(sum(oneHot)) is 0 for labels in 0..K-1 and -Infinity outside (oneHot is all zeros there).
    return tf.add(tf.sum(tf.mul(oneHot, clampedLogProbs(this.logits)), -1), tf.log(tf.sum(oneHot, -1)));
  }

  private labels(): tf.Tensor {
    return tf.range(0, this.numCategories, 1, 'float32');
  }
}

/** logSoftmax with -inf clamped to the most negative float, so that 0 * log 0 = 0. */
export function clampedLogProbs(logits: tf.Tensor): tf.Tensor {
  return tf.maximum(tf.logSoftmax(logits), MIN_LOG);
}

function prepare(params: CategoricalParams, validate: boolean): { logits: tf.Tensor; created: tf.Tensor[] } {
  const hasLogits = params.logits !== undefined;
  const hasProbs = params.probs !== undefined;
  if (hasLogits === hasProbs) {
    throw new ValidationError(`${NAME}: pass exactly one of logits or probs, got ${hasLogits ? 'both' : 'neither'}`);
  }
  const param = hasLogits ? 'logits' : 'probs';
  const x = toParam(NAME, param, (hasLogits ? params.logits : params.probs)!);
  const created: tf.Tensor[] = x.created ? [x.tensor] : [];
  try {
    checkMinRank(NAME, param, x.tensor.shape, 1, 'the last axis indexes the categories');
    const k = x.tensor.shape[x.tensor.rank - 1]!;
    if (k < 1) throw new ValidationError(`${NAME}: ${param} must have at least 1 category on the last axis, got 0`);
    if (hasLogits) {
      if (validate) checkConstraint(NAME, 'logits', x.tensor, real);
      return { logits: x.tensor, created };
    }
    if (validate) checkSimplex(x.tensor);
    const logits = tf.log(x.tensor);
    if (x.created) x.tensor.dispose();
    return { logits, created: [logits] };
  } catch (e) {
    for (const t of created) t.dispose();
    throw e;
  }
}

function checkSimplex(probs: tf.Tensor): void {
  checkConstraint(NAME, 'probs', probs, simplex);
  const k = probs.shape[probs.rank - 1]!;
  const values = probs.dataSync();
  const rows = values.length / k;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += values[r * k + j]!;
    if (Math.abs(s - 1) > 1e-5 * Math.max(k, 10)) {
      const where = probs.rank > 1 ? ` in row ${formatIndex(r, probs.shape.slice(0, -1))}` : '';
      throw new ValidationError(`${NAME}: probs must sum to 1 along the last axis, got a sum of ${s}${where} (pass logits for unnormalized weights)`);
    }
  }
}
