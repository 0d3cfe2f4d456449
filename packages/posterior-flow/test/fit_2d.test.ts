import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FIT, fitByMaximumLikelihood, gaussianBaselineLogLik, makeMaf2D, meanLogLik, pinwheelData } from './fit_2d';

describe('a MAF fitted by maximum likelihood to the pinwheel', () => {
  // About 30 s of CPU on wasm; the generous timeout is for shared, loaded CI machines.
  it('reaches the stated held-out log-likelihood, far above the best Gaussian', { timeout: 300_000 }, async () => {
    const { train, test, exactTestLogLik } = pinwheelData(21);
    const flow = makeMaf2D(5);
    const t0 = Date.now();
    const losses = await fitByMaximumLikelihood(flow, train, 7, Number(process.env.FIT_STEPS ?? FIT.steps));
    const flowLL = meanLogLik(flow, test);
    const gaussLL = gaussianBaselineLogLik(train, test);
    console.log(
      `held-out log-likelihood (nats/point): MAF ${flowLL.toFixed(3)}, full-covariance Gaussian ${gaussLL.toFixed(3)}, ` +
        `exact pinwheel ${exactTestLogLik.toFixed(3)}; fit ${((Date.now() - t0) / 1000).toFixed(1)} s; loss every 100 steps ${losses.map((l) => l.toFixed(2)).join(' ')}`,
    );
    // Measured (tfjs 4.22, seeds as above; Gaussian -2.17, exact 2.05 nats/point): the MAF's result
    // moves with float rounding, since 800 minibatch steps at lr 1e-2 amplify it: -0.56 with wasm's
    // products, -0.98 with the native ones, -1.20 in one full CI run (loss trajectories apart from
    // step 100). The bound sits below that spread, and at least 0.6 nats above the best Gaussian: a
    // flow that learned nothing (or a broken step) stays near the Gaussian.
    expect(flowLL).toBeGreaterThan(-1.5);
    expect(flowLL).toBeGreaterThan(gaussLL + 0.6);
    // A wrong log-determinant can also inflate the likelihood: it may not beat the true density.
    expect(flowLL).toBeLessThan(exactTestLogLik + 0.05);
    tf.dispose([train, test]);
    flow.dispose();
  });
});
