/* global performance */
// DDVI's training step timed through the real Trainer on random data of a network's shape (timing
// does not depend on the values): the one loop behind bench-ddvi-blas.mjs and
// bench-ddvi-revisions.mjs. The packages come in as arguments, so a script can time another
// checkout's build with it.

/** The networks the DDVI step scripts time: `ddvi bench --preset genotypes`'s, and the paper's MNIST ones. */
export const DDVI_STEP_NETWORKS = {
  genotypes: { dataSize: 15, hidden: [100, 100, 100], likelihood: 'gaussian', binary: false, learningRate: 2e-3 },
  mnist: { dataSize: 784, hidden: [1000, 1000], likelihood: 'bernoulli', binary: true, learningRate: 1e-3 },
};

/**
 * Wall-clock ms of each of `steps` DDVI training steps after `warmup` untimed ones (batch 128,
 * `prior` default the pinwheel: guidance reads its score, whose cost differs by prior). `guidance`: hand the posterior the model's prior, as `ddvi bench` does (a tree
 * whose PosteriorInit has no prior ignores it). Returns the times and the posterior's config.
 */
export async function timeDdviSteps({ core, tf, DecoderModel }, net, { steps, warmup, guidance = true, prior = 'pinwheel' }) {
  const B = 128;
  const total = warmup + steps;
  const rng = new core.SeedStream(5);
  const values = new Float32Array(total * B * net.dataSize);
  for (let i = 0; i < values.length; i++) values[i] = net.binary ? (rng.uniform() < 0.13 ? 1 : 0) : rng.uniform() * 2 - 1;
  const train = {
    name: 'random', size: total * B, dataSize: net.dataSize,
    batch: (idx) => {
      const x = new Float32Array(idx.length * net.dataSize);
      idx.forEach((row, i) => x.set(values.subarray(row * net.dataSize, (row + 1) * net.dataSize), i * net.dataSize));
      return { x: tf.tensor2d(x, [idx.length, net.dataSize]) };
    },
  };
  const model = new DecoderModel({ latentSize: 2, dataSize: net.dataSize, prior, seed: 1, hidden: net.hidden, likelihood: net.likelihood });
  const posterior = core.createPosterior('ddvi', {
    latentSize: 2, dataSize: net.dataSize, seed: 2, config: { hidden: net.hidden }, ...(guidance ? { prior: model.prior() } : {}),
  });
  const config = posterior.config ?? {};
  const stamps = [];
  const trainer = new core.Trainer({
    model, posterior, objective: new core.Elbo(), train, batchSize: B, epochs: 1, learningRate: net.learningRate, seed: 3, maxStepsPerEpoch: total,
    onEvent: (e) => { if (e.type === 'start' || e.type === 'step') stamps.push(performance.now()); },
  });
  try {
    await trainer.fit();
  } finally {
    trainer.dispose();
    posterior.dispose();
    model.dispose();
  }
  return { times: stamps.slice(1).map((t, i) => t - stamps[i]).slice(warmup), config };
}
