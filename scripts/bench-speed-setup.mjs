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
/** conv-vae: the spec's CIFAR-10 networks (§6) on 3x32x32 images stored flat (CHW). */
const CONV = { trunk: { kind: 'conv', shape: [3, 32, 32] } };
const IMAGE_PIXELS = 3072;

/** The registered family and its config for each benchmarked step. */
export function familyConfig(family, T) {
  switch (family) {
    case 'vae':
      return { family: 'gaussian', config: {} };
    case 'ddvi':
      // Without prior guidance: the computation PyTorch's step does (bench_speed_torch.py).
      return { family: 'ddvi', config: { noising: { kind: 'linear', T }, priorGuidance: 0 } };
    case 'ddvi-guided':
      // DDVI as ddvi train / bench run it: prior guidance in the last 5 steps (the default given the prior).
      return { family: 'ddvi', config: { noising: { kind: 'linear', T } } };
    case 'iaf':
      return { family: 'iaf', config: {} };
    case 'aae':
      return { family: 'aae', config: {} };
    case 'conv-vae':
      // The spec's CIFAR encoder: conv trunk -> MultiWayLinear(128, [1000], heads).
      return { family: 'gaussian', config: { ...CONV, hidden: [1000] } };
    default:
      throw new Error(`bench-speed: unknown family ${JSON.stringify(family)} (vae, ddvi, ddvi-guided, iaf, aae, conv-vae)`);
  }
}

function randomData(examples, seed, size = PIXELS, binary = true) {
  const rng = new SeedStream(seed);
  const pixels = new Float32Array(examples * size);
  for (let i = 0; i < pixels.length; i++) pixels[i] = binary ? (rng.uniform() < 0.13 ? 1 : 0) : rng.uniform();
  return {
    name: binary ? 'random-binary' : 'random-uniform', size: examples, dataSize: size,
    batch: (idx) => {
      const x = new Float32Array(idx.length * size);
      idx.forEach((row, i) => x.set(pixels.subarray(row * size, (row + 1) * size), i * size));
      return { x: tf.tensor2d(x, [idx.length, size]) };
    },
  };
}

/** options: { family, T, examples } */
export default function setup(options) {
  const { family, config } = familyConfig(options.family, options.T ?? 40);
  const conv = options.family === 'conv-vae';
  const size = conv ? IMAGE_PIXELS : PIXELS;
  const model = new DecoderModel({
    latentSize: 2, dataSize: size, prior: 'pinwheel', seed: 1, ...(conv ? { ...CONV, likelihood: 'gaussian', gaussianScale: Math.SQRT1_2 } : {}),
  });
  const posterior = createPosterior(family, { latentSize: 2, dataSize: size, seed: 2, config, prior: model.prior() });
  const objective = posterior.capabilities.hasDensity ? new Elbo() : new Reconstruction();
  return { model, posterior, objective, train: randomData(options.examples, 5, size, !conv) };
}
