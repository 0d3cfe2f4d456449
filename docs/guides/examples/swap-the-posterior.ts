// Guide 2: a VAE on the toy dataset, and the same model with DDVI, a flow or the AAE as its
// posterior. Sizes are tiny so the guide's test runs in seconds; drop maxStepsPerEpoch and raise
// epochs and hidden for a real run.
// #region example
import { Elbo, Reconstruction, Trainer, createPosterior, evaluate, initBackend } from '@ddvi/core';
import { loadSplits } from '@ddvi/benchmarks';
import { DecoderModel } from '@ddvi/models';
// Importing a family's package registers it by name.
import '@ddvi/posterior-gaussian'; // 'gaussian' (the VAE encoder)
import '@ddvi/posterior-diffusion'; // 'ddvi'
import '@ddvi/posterior-flow'; // 'iaf', 'hiaf', 'realnvp', 'maf'
import '@ddvi/posterior-adversarial'; // 'aae'

export async function trainVae(family = 'gaussian') {
  await initBackend();
  const { train, test } = await loadSplits({ dataset: 'toy', prior: 'pinwheel', latentSize: 2, trainLimit: 256, testLimit: 128 });
  const dataSize = test.dataSize;
  const hidden = [32];
  const model = new DecoderModel({ latentSize: 2, dataSize, prior: 'pinwheel', hidden, seed: 1 });

  // The one line that picks the posterior: 'gaussian' is a VAE; 'ddvi', 'iaf' or 'aae' swap it.
  const posterior = createPosterior(family, { latentSize: 2, dataSize, seed: 2, config: { hidden } });

  // A family without a density (the AAE) trains on the reconstruction; every other on the ELBO.
  const objective = posterior.capabilities.hasDensity ? new Elbo() : new Reconstruction();
  const trainer = new Trainer({
    model, posterior, objective, train: train!, test, batchSize: 64, epochs: 2, maxStepsPerEpoch: 3, learningRate: 1e-3, seed: 3,
  });
  const { steps } = await trainer.fit();
  const report = evaluate(model, posterior, objective, test, { seed: 4 });
  trainer.dispose();
  posterior.dispose();
  model.dispose();
  return { family, steps, report };
}
// #endregion example
