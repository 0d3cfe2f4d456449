import * as tf from '@tensorflow/tfjs-core';
import type { Posterior, PosteriorSample, SampleOptions } from './types/posterior';

/**
 * Each row of `t` repeated `n` times, draw-major: row i * batch + j of the result is row j of `t`
 * (the layout of `n` draws per row that the IWAE reshapes to [n, batch]). For n = 1 it is `t`
 * itself, no copy: one draw per row needs no tiling.
 */
export function tileDraws<T extends tf.Tensor>(t: T, n: number): T {
  return n === 1 ? t : (tf.tile(t, [n, ...t.shape.slice(1).map(() => 1)]) as T);
}

/**
 * `n` draws of q(z | x) per row of x by sampling x tiled `n` times (and the label with it): what
 * every family can do, and what a family's own `sampleDraws` falls back to while training, where
 * each draw keeps its own dropout mask. The tiled copies belong to the caller's scope: call it inside
 * `tf.tidy`, as a gradient through the networks still needs them.
 */
export function sampleTiled(posterior: Posterior, x: tf.Tensor2D, n: number, options: SampleOptions): PosteriorSample {
  const { label, ...rest } = options;
  return posterior.sample(tileDraws(x, n), label ? { ...rest, label: tileDraws(label, n) } : rest);
}

/**
 * `n` draws of q(z | x) per row of x, draw-major ([n * batch] rows; row i * batch + j is draw i of
 * row j): the family's own `sampleDraws` where it has one (it runs its networks of x once per row),
 * else `sample` on x tiled `n` times. Both have the same law, and for the families of this
 * repository the same draws under the same seed (the conformance kit checks it). Call it inside
 * `tf.tidy`.
 */
export function sampleDraws(posterior: Posterior, x: tf.Tensor2D, n: number, options: SampleOptions): PosteriorSample {
  return posterior.sampleDraws ? posterior.sampleDraws(x, n, options) : sampleTiled(posterior, x, n, options);
}
