// The training run scripts/bench-speed.mjs times, as a DataParallelTrainer setup module: the
// single-thread runs call this same function, so both build identical models. The paper's MNIST
// setting: DecoderModel 2 -> 1000 -> 1000 -> 784 (Bernoulli) with the pinwheel prior, a family's
// default posterior (DDVI with T linear steps), ELBO (reconstruction for posteriors without a
// density), a fixed random binary dataset with one batch per step (timing does not depend on the
// pixel values).
//
// Scripts sit outside the workspace packages, so the built dist/ files are imported by path (as
// the other scripts do), and tfjs-core is the one @ddvi/core resolves.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (pkg) => import(pathToFileURL(join(ROOT, 'packages', pkg, 'dist', 'index.js')).href);
const tf = await import(pathToFileURL(createRequire(join(ROOT, 'packages', 'core', 'package.json')).resolve('@tensorflow/tfjs-core')).href);
const { Elbo, Reconstruction, SeedStream, createPosterior } = await dist('core');
const { DecoderModel } = await dist('models');
for (const family of ['posterior-adversarial', 'posterior-diffusion', 'posterior-flow', 'posterior-gaussian']) await dist(family);

export const PIXELS = 784;

/** The registered family and its config for each benchmarked step. */
export function familyConfig(family, T) {
  switch (family) {
    case 'vae':
      return { family: 'gaussian', config: {} };
    case 'ddvi':
      return { family: 'ddvi', config: { noising: { kind: 'linear', T } } };
    case 'iaf':
      return { family: 'iaf', config: {} };
    case 'aae':
      return { family: 'aae', config: {} };
    default:
      throw new Error(`bench-speed: unknown family ${JSON.stringify(family)} (vae, ddvi, iaf, aae)`);
  }
}

function randomBinary(examples, seed) {
  const rng = new SeedStream(seed);
  const pixels = new Float32Array(examples * PIXELS);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.uniform() < 0.13 ? 1 : 0;
  return {
    name: 'random-binary', size: examples, dataSize: PIXELS,
    batch: (idx) => {
      const x = new Float32Array(idx.length * PIXELS);
      idx.forEach((row, i) => x.set(pixels.subarray(row * PIXELS, (row + 1) * PIXELS), i * PIXELS));
      return { x: tf.tensor2d(x, [idx.length, PIXELS]) };
    },
  };
}

/** options: { family, T, examples } */
export default function setup(options) {
  const { family, config } = familyConfig(options.family, options.T ?? 40);
  const model = new DecoderModel({ latentSize: 2, dataSize: PIXELS, prior: 'pinwheel', seed: 1 });
  const posterior = createPosterior(family, { latentSize: 2, dataSize: PIXELS, seed: 2, config });
  const objective = posterior.capabilities.hasDensity ? new Elbo() : new Reconstruction();
  return { model, posterior, objective, train: randomBinary(options.examples, 5) };
}
