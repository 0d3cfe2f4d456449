#!/usr/bin/env node
/* global console, process, performance */
// Where one family's training step goes, by kernel (issue 19): the bench-speed setting
// (scripts/bench-speed-setup.mjs: the paper's MNIST networks, batch 128, pinwheel prior) through the
// real Trainer. Prints the wall time per step (plain, then under tf.profile) and, per kernel name,
// calls and milliseconds per step. Kernel times include nested kernels of custom ops ("unnamed
// scope"), so they can sum to more than the wall time. With DDVI_BLAS=0 the native products are off.
// For DDVI's sections (chain, decoder, sleep updates) see scripts/profile-ddvi-step.mjs.
//
//   node scripts/profile-step.mjs [--family aae] [--steps 8] [--top 25]

import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { integerArg, scriptArgs } from './script_args.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FAMILIES = ['vae', 'ddvi', 'ddvi-guided', 'iaf', 'aae', 'conv-vae'];
function usage(message) {
  if (message) console.error(`profile-step: ${message}`);
  console.error(`usage: node scripts/profile-step.mjs [--family ${FAMILIES.join('|')}] [--steps N] [--top N]`);
  process.exit(message ? 2 : 0);
}
const a = scriptArgs({ family: { type: 'string' }, steps: { type: 'string' }, top: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, usage);
if (a.help) usage();
const family = a.family ?? 'aae';
if (!FAMILIES.includes(family)) usage(`--family must be one of ${FAMILIES.join(', ')}, got ${JSON.stringify(family)}`);
const steps = integerArg('steps', a.steps, 8, 1, usage);
const top = integerArg('top', a.top, 25, 1, usage);

const dist = (pkg) => import(pathToFileURL(join(ROOT, 'packages', pkg, 'dist', 'index.js')).href);
const core = await dist('core');
const { default: setup } = await import(pathToFileURL(join(ROOT, 'scripts', 'bench-speed-setup.mjs')).href);
const tf = await import(pathToFileURL(createRequire(join(ROOT, 'packages', 'core', 'package.json')).resolve('@tensorflow/tfjs-core')).href);
const backend = await core.initBackend('wasm');
console.warn = () => {};

const { model, posterior, objective, train } = setup({ family, examples: 128 * (steps + 3) });
const trainer = (n, seed) => new core.Trainer({ model, posterior, objective, train, batchSize: 128, epochs: 1, learningRate: 1e-4, seed, maxStepsPerEpoch: n });
const fit = async (n, seed) => {
  const t = trainer(n, seed);
  await t.fit();
  t.dispose();
};
await fit(3, 4); // warm-up
let t0 = performance.now();
await fit(steps, 3);
const wall = (performance.now() - t0) / steps;
t0 = performance.now();
const prof = await tf.profile(() => fit(steps, 3));
const profiledWall = (performance.now() - t0) / steps;
const byKernel = new Map();
let calls = 0;
for (const k of prof.kernels) {
  const e = byKernel.get(k.name) ?? { calls: 0, ms: 0 };
  e.calls += 1;
  e.ms += k.kernelTimeMs;
  byKernel.set(k.name, e);
  calls += 1;
}
console.log(`${family}: ${backend.kernels ?? backend.name}; ${wall.toFixed(1)} ms/step (${profiledWall.toFixed(1)} under tf.profile), ${(calls / steps).toFixed(0)} kernel calls/step`);
console.log('| kernel | calls/step | ms/step |\n| --- | ---: | ---: |');
for (const [name, e] of [...byKernel.entries()].sort((x, y) => y[1].ms - x[1].ms).slice(0, top)) {
  console.log(`| ${name} | ${(e.calls / steps).toFixed(1)} | ${(e.ms / steps).toFixed(2)} |`);
}
posterior.dispose();
model.dispose();
