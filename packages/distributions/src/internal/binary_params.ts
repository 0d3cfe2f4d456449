import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '@ddvi/core';
import { real, unitInterval } from '../constraints';
import { checkConstraint, checkMinRank, toParam } from './params';
import type { ParamInput } from './params';
import { probsToLogits } from './math';

/** Parameters of Bernoulli-like distributions: exactly one of probs in [0, 1] or logits. */
export type BinaryParams = { probs: ParamInput; logits?: never } | { logits: ParamInput; probs?: never };

export interface PreparedBinary {
  logits: tf.Tensor;
  /** The probs tensor when probs were given (used as is for means and sampling). */
  probs: tf.Tensor | undefined;
  created: tf.Tensor[];
}

/** Converts and validates {probs} | {logits}; the last axis is the event axis. */
export function prepareBinary(where: string, params: BinaryParams, validate: boolean): PreparedBinary {
  const hasLogits = params.logits !== undefined;
  const hasProbs = params.probs !== undefined;
  if (hasLogits === hasProbs) {
    throw new ValidationError(`${where}: pass exactly one of probs or logits, got ${hasLogits ? 'both' : 'neither'}`);
  }
  const param = hasLogits ? 'logits' : 'probs';
  const x = toParam(where, param, (hasLogits ? params.logits : params.probs)!);
  const created: tf.Tensor[] = x.created ? [x.tensor] : [];
  try {
    checkMinRank(where, param, x.tensor.shape, 1, 'the last axis is the event axis, e.g. 784 pixels');
    if (validate) checkConstraint(where, param, x.tensor, hasLogits ? real : unitInterval);
    if (hasLogits) return { logits: x.tensor, probs: undefined, created };
    const logits = probsToLogits(x.tensor);
    created.push(logits);
    return { logits, probs: x.tensor, created };
  } catch (e) {
    for (const t of created) t.dispose();
    throw e;
  }
}
