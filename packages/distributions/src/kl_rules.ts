/**
 * Closed-form KL divergences, registered with core's `registerKL` when this module is imported
 * (a side effect; `index.ts` imports it). Each returns KL(p || q) summed over event dims, with shape
 * `broadcast(p.batchShape, q.batchShape)`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerKL, ValidationError } from '@ddvi/core';
import type { Distribution } from '@ddvi/core';
import { Bernoulli } from './bernoulli';
import { Categorical, clampedLogProbs } from './categorical';
import { DiagNormal } from './diag_normal';
import { Normal } from './normal';
import { broadcastShapes } from './internal/params';
import { normalKL } from './internal/math';

function checkEvents(where: string, p: Distribution, q: Distribution): void {
  const pe = p.eventShape;
  const qe = q.eventShape;
  if (pe.length !== qe.length || pe.some((d, i) => d !== qe[i])) {
    throw new ValidationError(`${where}: p and q must have the same event shape, got [${pe.join(', ')}] and [${qe.join(', ')}]`);
  }
  broadcastShapes(where, { 'p batch': p.batchShape, 'q batch': q.batchShape });
}

/** KL(N(m1, s1) || N(m2, s2)) per element. */
export function klNormalNormal(p: Normal, q: Normal): tf.Tensor {
  checkEvents('kl(Normal || Normal)', p, q);
  return tf.tidy(() => {
    const kl = normalKL(p.loc, p.scale, q.loc, q.scale);
    return tf.broadcastTo(kl, broadcastShapes('kl', { p: p.batchShape, q: q.batchShape }));
  });
}

/** KL between diagonal normals, summed over the last axis. */
export function klDiagNormalDiagNormal(p: DiagNormal, q: DiagNormal): tf.Tensor {
  checkEvents('kl(DiagNormal || DiagNormal)', p, q);
  return tf.tidy(() => {
    const kl = normalKL(p.loc, p.scale, q.loc, q.scale);
    const batch = broadcastShapes('kl', { p: p.batchShape, q: q.batchShape });
    return tf.sum(tf.broadcastTo(kl, [...batch, ...p.eventShape]), -1);
  });
}

/** sum_d p log(p/q) + (1-p) log((1-p)/(1-q)), from logits (softplus form). */
export function klBernoulliBernoulli(p: Bernoulli, q: Bernoulli): tf.Tensor {
  checkEvents('kl(Bernoulli || Bernoulli)', p, q);
  return tf.tidy(() => {
    const l1 = p.logits;
    const l2 = q.logits;
    const pos = tf.mul(tf.sigmoid(l1), tf.sub(tf.softplus(tf.neg(l2)), tf.softplus(tf.neg(l1))));
    const neg = tf.mul(tf.sigmoid(tf.neg(l1)), tf.sub(tf.softplus(l2), tf.softplus(l1)));
    const batch = broadcastShapes('kl', { p: p.batchShape, q: q.batchShape });
    return tf.sum(tf.broadcastTo(tf.add(pos, neg), [...batch, ...p.eventShape]), -1);
  });
}

/** sum_k p_k (log p_k - log q_k), with 0 log 0 = 0. */
export function klCategoricalCategorical(p: Categorical, q: Categorical): tf.Tensor {
  if (p.numCategories !== q.numCategories) {
    throw new ValidationError(`kl(Categorical || Categorical): p and q must have the same number of categories, got ${p.numCategories} and ${q.numCategories}`);
  }
  checkEvents('kl(Categorical || Categorical)', p, q);
  return tf.tidy(() => {
    const lp = clampedLogProbs(p.logits);
    const lq = clampedLogProbs(q.logits);
    const kl = tf.sum(tf.mul(tf.exp(lp), tf.sub(lp, lq)), -1);
    return tf.broadcastTo(kl, broadcastShapes('kl', { p: p.batchShape, q: q.batchShape }));
  });
}

registerKL(Normal, Normal, klNormalNormal);
registerKL(DiagNormal, DiagNormal, klDiagNormalDiagNormal);
registerKL(Bernoulli, Bernoulli, klBernoulliBernoulli);
registerKL(Categorical, Categorical, klCategoricalCategorical);
