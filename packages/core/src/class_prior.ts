import type * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from './errors';
import type { SeedLike } from './random/seed_stream';
import type { Distribution } from './types/distribution';

/**
 * A prior that is a uniform mixture over `numClasses` classes and can say which class each draw
 * came from: what semi-supervised families need (DDVI's sleep term draws (z, c) pairs, the AAE's
 * discriminator sees the class of a prior sample). The paper's 2-D priors (`Prior2D` in
 * `@ddvi/distributions`) are class-aware; a plain Gaussian is not.
 */
export interface ClassAwarePrior extends Distribution {
  readonly numClasses: number;
  /** n draws z [n, d] and the class of each, int32 [n] (uniform over the classes). */
  sampleWithClass(seed: SeedLike, n: number): { z: tf.Tensor2D; label: tf.Tensor1D };
}

/** Whether a distribution offers the class-aware prior capability. */
export function isClassAwarePrior(d: Distribution): d is ClassAwarePrior {
  const c = d as Partial<ClassAwarePrior>;
  return typeof c.sampleWithClass === 'function' && typeof c.numClasses === 'number' && Number.isInteger(c.numClasses) && c.numClasses > 0;
}

/**
 * The prior as a class-aware prior with exactly `classes` classes, or a ValidationError naming
 * `where`, what it needs and what the prior has.
 */
export function requireClassAwarePrior(where: string, prior: Distribution, classes: number): ClassAwarePrior {
  if (!isClassAwarePrior(prior) || prior.numClasses !== classes) {
    const has = isClassAwarePrior(prior) ? `${prior.numClasses} classes` : 'no classes (not a class-aware prior)';
    throw new ValidationError(`${where} needs a model prior with ${classes} classes (sampleWithClass), got ${JSON.stringify(prior.name)} with ${has}`);
  }
  return prior;
}
