import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from './ops';
import type { SeedStream } from './random/seed_stream';

/** Each row's class, as the semi-supervised bound uses it. */
export interface ClassAssignment {
  /** [B, K]: the row's label where it has one in [0, K), else a draw from pi(c | x). */
  onehot: tf.Tensor2D;
  /** [B]: 1 on rows without a label (their class is an auxiliary variable), else 0. */
  unlabelled: tf.Tensor1D;
  /** [B]: log pi(c | x) of the chosen class, without a gradient (see `assignClasses`). */
  logPiChosen: tf.Tensor1D;
  /** [B]: the labelled rows' cross-entropy -log pi(c | x) (0 on unlabelled rows), with its gradient. */
  crossEntropy: tf.Tensor1D;
}

/**
 * Labelled rows keep their class; unlabelled rows (label outside [0, K), or no labels at all) draw
 * c ~ pi(c | x) by Gumbel-max, seeded. log pi enters the bound without a gradient: its pathwise
 * gradient through a sampled c is zero, and the score-function term would be the only signal, so
 * pi learns from the labelled rows' cross-entropy instead. Shared by DDVI's own semi-supervised form
 * and the `semi` wrapper of @ddvi/posterior-semi. Call inside a tidy.
 */
export function assignClasses(logits: tf.Tensor2D, label: tf.Tensor1D | undefined, seed: SeedStream): ClassAssignment {
  const [B, K] = logits.shape;
  const logPi = tf.logSoftmax(logits);
  // Float masks throughout: the wasm backend's Select on bool values corrupts its heap (docs/tfjs-traps.md).
  const range = tf.expandDims(tf.range(0, K, 1, 'int32'), 0);
  const oneHotOf = (c: tf.Tensor1D) => tf.cast(tf.equal(tf.expandDims(c, 1), range), 'float32') as tf.Tensor2D;
  const given = label ? oneHotOf(label.dtype === 'int32' ? label : (tf.cast(label, 'int32') as tf.Tensor1D)) : (tf.zeros([B, K]) as tf.Tensor2D);
  const labelled = tf.sum(given, 1, true);
  const gumbel = tf.neg(tf.log(tf.neg(tf.log(tf.randomUniform([B, K], 1e-7, 1, 'float32', seed.next())))));
  const drawn = oneHotOf(tf.argMax(tf.add(stopGradient(logits), gumbel), 1) as tf.Tensor1D);
  const onehot = tf.add(given, tf.mul(tf.sub(1, labelled), drawn)) as tf.Tensor2D;
  const logPiChosen = tf.sum(tf.mul(onehot, logPi), 1) as tf.Tensor1D;
  const unlabelled = tf.sub(1, tf.squeeze(labelled, [1])) as tf.Tensor1D;
  const crossEntropy = tf.mul(tf.sub(1, unlabelled), tf.neg(logPiChosen)) as tf.Tensor1D;
  return { onehot, unlabelled, logPiChosen: stopGradient(logPiChosen), crossEntropy };
}
