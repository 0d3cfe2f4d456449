// Guide 5: a noising process the library does not ship, written against @ddvi/noising's public
// API, registered by name, and used by DDVI with no change to DDVI.
// #region process
import { ValidationError } from '@ddvi/core';
import { GaussianMarkovProcess, registerNoisingProcess } from '@ddvi/noising';
import type { NoisingSpec } from '@ddvi/noising';

/** dy = -theta y ds + sqrt(2 theta) dW on [0, horizon], discretized exactly on T steps. */
export class OrnsteinUhlenbeck extends GaussianMarkovProcess {
  constructor(T: number, readonly theta: number, readonly horizon: number) {
    const h = horizon / T;
    const at = (f: (t: number) => number) => Float64Array.from({ length: T }, (_, i) => f(i + 1));
    super('ornstein-uhlenbeck', {
      T,
      dim: 1, // one table shared by every coordinate
      a: at(() => Math.exp(-theta * h)), // r(y_t | y_{t-1}) = N(a_t y_{t-1}, b_t)
      b: at(() => -Math.expm1(-2 * theta * h)),
      m: at((t) => Math.exp(-theta * t * h)), // optional: the exact marginals r(y_t | y_0) = N(m_t y_0, s2_t)
      s2: at((t) => -Math.expm1(-2 * theta * t * h)),
    });
  }
}

// DDVI stores its process as JSON ({ kind, T, ...options }), so checkpoints rebuild it by kind.
registerNoisingProcess({
  kind: 'ornstein-uhlenbeck',
  description: 'Ornstein-Uhlenbeck process with rate theta over [0, horizon]',
  create: (spec: NoisingSpec) => {
    const { theta = 1, horizon = 0.5 } = spec as NoisingSpec & { theta?: number; horizon?: number };
    if (!(theta > 0)) throw new ValidationError(`ornstein-uhlenbeck: theta must be > 0, got ${theta}`);
    if (!(horizon > 0)) throw new ValidationError(`ornstein-uhlenbeck: horizon must be > 0, got ${horizon}`);
    return new OrnsteinUhlenbeck(spec.T, theta, horizon);
  },
});
// #endregion process

// #region ddvi
import { Elbo, Trainer, createPosterior, evaluate, initBackend } from '@ddvi/core';
import { loadSplits } from '@ddvi/benchmarks';
import { DecoderModel } from '@ddvi/models';
import '@ddvi/posterior-diffusion';

export async function trainDdviWithOrnsteinUhlenbeck() {
  await initBackend();
  const { train, test } = await loadSplits({ dataset: 'toy', prior: 'pinwheel', latentSize: 2, trainLimit: 256, testLimit: 128 });
  const model = new DecoderModel({ latentSize: 2, dataSize: test.dataSize, prior: 'pinwheel', hidden: [32], seed: 1 });
  const posterior = createPosterior('ddvi', {
    latentSize: 2, dataSize: test.dataSize, seed: 2,
    config: { hidden: [32], noising: { kind: 'ornstein-uhlenbeck', T: 4, theta: 1, horizon: 0.5 } },
  });
  const trainer = new Trainer({
    model, posterior, objective: new Elbo(), train: train!, batchSize: 64, epochs: 2, maxStepsPerEpoch: 3, learningRate: 1e-3, seed: 3,
  });
  await trainer.fit();
  const report = evaluate(model, posterior, new Elbo(), test, { seed: 4 });
  // The process travels with the posterior's JSON, by kind and options.
  const saved = posterior.toJSON();
  trainer.dispose();
  posterior.dispose();
  model.dispose();
  return { report, saved };
}
// #endregion ddvi
