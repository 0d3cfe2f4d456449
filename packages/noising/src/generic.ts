import * as tf from '@tensorflow/tfjs-core';
import { invalid, toSeedStream } from '@ddvi/core';
import type { SeedLike } from '@ddvi/core';
import type { NoisingProcess, StepInput } from './types';

/** A noise predictor eps(y_t, t): y_t [B, d], t int32 [B] (paper indexing) -> [B, d]. */
export type NoisePredictor = (yt: tf.Tensor2D, t: tf.Tensor1D) => tf.Tensor2D;

/** Draws one step per example, uniform in 1..T, from the seed (host side, deterministic). */
export function sampleSteps(T: number, batch: number, seed: SeedLike): tf.Tensor1D {
  const s = toSeedStream(seed);
  const v = new Int32Array(batch);
  for (let i = 0; i < batch; i++) v[i] = 1 + Math.min(T - 1, Math.floor(s.uniform() * T));
  return tf.tensor1d(v, 'int32');
}

/**
 * The epsilon-prediction denoising loss for any NoisingProcess: t ~ U{1..T} per example (or the
 * given t), y_t = m_t y_0 + s_t eps, loss = mean over batch and coordinates of (predict(y_t, t) - eps)^2.
 * A scalar, differentiable in the predictor's variables. Written only against the interface.
 */
export function denoisingLoss(
  process: NoisingProcess,
  predict: NoisePredictor,
  y0: tf.Tensor2D,
  seed: SeedLike,
  options: { t?: StepInput } = {},
): tf.Scalar {
  const seeds = toSeedStream(seed);
  const B = y0.shape[0];
  const t = options.t === undefined ? sampleSteps(process.T, B, seeds) : typeof options.t === 'number' ? tf.fill([B], options.t, 'int32') as tf.Tensor1D : options.t;
  try {
    return tf.tidy(() => {
      const { yt, noise } = process.marginalSample(y0, t, seeds);
      return tf.mean(tf.square(tf.sub(predict(yt, t), noise))) as tf.Scalar;
    });
  } finally {
    if (t !== options.t) t.dispose();
  }
}

export interface ReverseSampleOptions {
  /** 'ancestral' (default): y_{t-1} ~ N(posteriorFromNoise mean, reverseVariance); 'ddim': eta = 0. */
  mode?: 'ancestral' | 'ddim';
  /** Reverse variance for 'ancestral' (see NoisingProcess.reverseVariance), default 'posterior'. */
  variance?: 'posterior' | 'forward';
  /** Add noise at the last step t = 1 too (default false: y_0 is the mean, as DDPM). */
  noiseAtLastStep?: boolean;
}

/**
 * Runs the reverse chain from y_T with a noise predictor, for any NoisingProcess: returns
 * [T + 1, B, d] with index t holding y_t (index T is y_T as given, index 0 the sample y_0).
 * With the exact predictor of a point-mass y_0 (eps = predictNoiseFromY0(y_t, y_0, t)) and
 * y_T ~ r(y_T | y_0), the ancestral chain samples r(y_{0:T-1} | y_T, y_0) exactly, so each y_t
 * has the forward marginal r(y_t | y_0): the property the docs' worked example tests.
 */
export function reverseSample(
  process: NoisingProcess,
  predict: NoisePredictor,
  yT: tf.Tensor2D,
  seed: SeedLike,
  options: ReverseSampleOptions = {},
): tf.Tensor3D {
  const mode = options.mode ?? 'ancestral';
  if (mode !== 'ancestral' && mode !== 'ddim') invalid('reverseSample', 'mode', "'ancestral' or 'ddim'", mode);
  const seeds = toSeedStream(seed);
  const [B, d] = yT.shape;
  return tf.tidy(() => {
    const states: tf.Tensor2D[] = [yT];
    let y = yT;
    for (let t = process.T; t >= 1; t--) {
      const tt = tf.fill([B], t, 'int32') as tf.Tensor1D;
      const eps = predict(y, tt);
      if (mode === 'ddim') {
        y = process.ddimStep(y, eps, t);
      } else {
        const { mean } = process.posteriorFromNoise(y, eps, t);
        if (t > 1 || options.noiseAtLastStep) {
          const { variance } = process.reverseVariance(t, [B, d], options.variance ?? 'posterior');
          y = tf.add(mean, tf.mul(tf.sqrt(variance), tf.randomNormal([B, d], 0, 1, 'float32', seeds.next())));
        } else {
          y = mean;
        }
      }
      states.push(y);
    }
    return tf.stack(states.reverse()) as tf.Tensor3D;
  });
}
