#!/usr/bin/env node
/* global console, process, performance */
// One training step of the paper's MNIST DDVI network against the mean-field VAE step, in the same
// run, through the real Trainer (main update + every auxiliary update, as `ddvi train` does):
//
//   pnpm bench:ddvi-step                         # builds, then 3 rounds x 10 timed steps per family
//   node scripts/bench-ddvi-step.mjs --steps 10 --rounds 3 --T 40
//
// Both use the paper's decoder (2 -> 1000 -> 1000 -> 784, Bernoulli) and pinwheel prior, batch 128
// of random binary images (timing does not depend on pixel values), the ELBO objective. DDVI: its
// defaults (encoder and context encoder 784 -> 1000 -> 1000, denoiser width 128 x 4 layers, T = 40
// reverse steps, 3 sleep updates). Families alternate round by round so load changes hit both; the
// ratio is median(DDVI) / median(mean-field). Writes runs/bench-ddvi-step.json (temp + rename).

import { createRequire } from 'node:module';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { integerArg, scriptArgs } from './script_args.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (pkg) => import(pathToFileURL(join(ROOT, 'packages', pkg, 'dist', 'index.js')).href);

function usage(message) {
  if (message) console.error(`bench-ddvi-step: ${message}`);
  console.error('usage: node scripts/bench-ddvi-step.mjs [--steps N] [--rounds N] [--warmup N] [--T N] [--out file]');
  process.exit(message ? 2 : 0);
}

function parseOptions() {
  const a = scriptArgs({ steps: { type: 'string' }, rounds: { type: 'string' }, warmup: { type: 'string' }, T: { type: 'string' }, out: { type: 'string' } }, usage);
  return {
    steps: integerArg('steps', a.steps, 10, 1, usage), rounds: integerArg('rounds', a.rounds, 3, 1, usage),
    warmup: integerArg('warmup', a.warmup, 2, 0, usage), T: integerArg('T', a.T, 40, 1, usage),
    out: a.out === undefined ? join(ROOT, 'runs', 'bench-ddvi-step.json') : resolve(a.out),
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const opts = parseOptions();
  const core = await dist('core');
  const { DecoderModel } = await dist('models');
  await dist('posterior-gaussian');
  await dist('posterior-diffusion');
  const backend = await core.initBackend();
  // The one tfjs-core instance the packages use (resolved from core, as scripts/bench-step.mjs does).
  const tf = await import(pathToFileURL(createRequire(join(ROOT, 'packages', 'core', 'package.json')).resolve('@tensorflow/tfjs-core')).href);
  const B = 128;
  const n = B * (opts.warmup + opts.steps);
  // A fixed random binary dataset with exactly one batch per timed step.
  const pixels = new Float32Array(n * 784);
  const rng = new core.SeedStream(1);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.uniform() < 0.13 ? 1 : 0;
  const data = {
    name: 'random-binary', size: n, dataSize: 784,
    batch: (idx) => ({ x: tf.tensor2d(Float32Array.from({ length: idx.length * 784 }, (_, j) => pixels[idx[Math.floor(j / 784)] * 784 + (j % 784)]), [idx.length, 784]) }),
  };
  const families = {
    'mean-field': { family: 'gaussian', config: {} },
    ddvi: { family: 'ddvi', config: { noising: { kind: 'linear', T: opts.T } } },
  };
  const times = Object.fromEntries(Object.keys(families).map((k) => [k, []]));
  for (let round = 0; round < opts.rounds; round++) {
    for (const [name, { family, config }] of Object.entries(families)) {
      const before = tf.memory().numTensors;
      const model = new DecoderModel({ latentSize: 2, dataSize: 784, prior: 'pinwheel', seed: 1 });
      const posterior = core.createPosterior(family, { latentSize: 2, dataSize: 784, seed: 2, config });
      const stamps = [];
      const trainer = new core.Trainer({
        model, posterior, objective: new core.Elbo(), train: data, batchSize: B, epochs: 1, learningRate: 1e-4, seed: 3,
        onEvent: (e) => { if (e.type === 'step') stamps.push(performance.now()); },
      });
      await trainer.fit();
      trainer.dispose();
      posterior.dispose();
      model.dispose();
      const leaked = tf.memory().numTensors - before;
      const deltas = stamps.slice(1).map((t, i) => t - stamps[i]).slice(Math.max(0, opts.warmup - 1));
      times[name].push(...deltas);
      console.log(`round ${round + 1}/${opts.rounds} ${name}: median ${median(deltas).toFixed(0)} ms/step over ${deltas.length} steps (tensors left after disposing everything: ${leaked})`);
    }
  }
  const result = {
    generated: new Date().toISOString(),
    backend, cpus: cpus().length, loadavg: loadavg(), options: opts,
    msPerStep: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length }])),
  };
  result.ratio = result.msPerStep.ddvi.median / result.msPerStep['mean-field'].median;
  mkdirSync(dirname(opts.out), { recursive: true });
  const tmp = `${opts.out}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(tmp, opts.out);
  console.log(`DDVI (T = ${opts.T}) ${result.msPerStep.ddvi.median.toFixed(0)} ms/step vs mean-field ${result.msPerStep['mean-field'].median.toFixed(0)} ms/step: ratio ${result.ratio.toFixed(2)} (backend ${backend.name ?? JSON.stringify(backend)})`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
