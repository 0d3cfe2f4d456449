#!/usr/bin/env node
/* global console, process, performance */
// Where one DDVI training step's milliseconds go (issue 19): the bench-speed setting (paper's MNIST
// networks, batch 128, T = 40, 3 sleep updates) through the real Trainer, timed two ways:
//
//   node scripts/profile-ddvi-step.mjs [--steps N] [--warmup N] [--T N] [--hidden 1000] [--no-kernels] [--no-guidance] [--out file]
//
// 1. Sections (no profiler, wall clock): the main update (encoder + context encoder, the reverse
//    chain as posterior.sample, the decoder, then backward + Adam + the guard's read) and each sleep
//    update (forward, backward + Adam), read off timestamps taken when each part starts and ends.
// 2. Kernels (tf.profile over whole steps): per kernel name, calls and ms inside kernels, and the
//    rest of the step (JS: op dispatch, tape, gradient bookkeeping) as wall minus kernel time.
// The posterior gets the model's prior, as in `ddvi bench`, so prior guidance runs (--no-guidance: without
// it). With DDVI_BLAS=0 the native products are off. Writes JSON to --out (default runs/profile-ddvi-step.json).

import { createRequire } from 'node:module';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { integerArg, scriptArgs } from './script_args.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (pkg) => import(pathToFileURL(join(ROOT, 'packages', pkg, 'dist', 'index.js')).href);

function usage(message) {
  if (message) console.error(`profile-ddvi-step: ${message}`);
  console.error('usage: node scripts/profile-ddvi-step.mjs [--steps N] [--warmup N] [--T N] [--hidden W] [--networks mnist|genotypes] [--no-kernels] [--no-guidance] [--out file]');
  process.exit(message ? 2 : 0);
}

const a = scriptArgs({
  steps: { type: 'string' }, warmup: { type: 'string' }, T: { type: 'string' }, hidden: { type: 'string' }, out: { type: 'string' }, networks: { type: 'string' },
  'no-kernels': { type: 'boolean' }, 'no-guidance': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
}, usage);
if (a.help) usage();
const o = {
  steps: integerArg('steps', a.steps, 4, 1, usage), warmup: integerArg('warmup', a.warmup, 2, 0, usage), T: integerArg('T', a.T, 40, 1, usage),
  hidden: a.hidden === undefined ? undefined : integerArg('hidden', a.hidden, 1000, 1, usage),
  networks: a.networks ?? 'mnist', kernels: a['no-kernels'] !== true, guidance: a['no-guidance'] !== true, out: a.out === undefined ? join(ROOT, 'runs', 'profile-ddvi-step.json') : resolve(a.out),
};

const core = await dist('core');
const { DecoderModel } = await dist('models');
await dist('posterior-diffusion');
const tf = await import(pathToFileURL(createRequire(join(ROOT, 'packages', 'core', 'package.json')).resolve('@tensorflow/tfjs-core')).href);
const backend = await core.initBackend('wasm');
console.warn = () => {};
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r1 = (x) => Math.round(x * 10) / 10;

const B = 128;
// --networks genotypes: the genotypes preset's (15 PCs, hidden 100 x 3, Gaussian); mnist the paper's.
const NET = o.networks === 'genotypes' ? { D: 15, hidden: [100, 100, 100], likelihood: 'gaussian' } : { D: 784, hidden: o.hidden === undefined ? undefined : [o.hidden, o.hidden], likelihood: 'bernoulli' };
function build(total) {
  const hidden = NET.hidden === undefined ? {} : { hidden: NET.hidden };
  const D = NET.D;
  const model = new DecoderModel({ latentSize: 2, dataSize: D, prior: 'pinwheel', seed: 1, likelihood: NET.likelihood, ...hidden });
  const posterior = core.createPosterior('ddvi', { latentSize: 2, dataSize: D, seed: 2, config: { noising: { kind: 'linear', T: o.T }, ...hidden }, ...(o.guidance ? { prior: model.prior() } : {}) });
  const rng = new core.SeedStream(5);
  const pixels = new Float32Array(total * B * D);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.uniform() < 0.13 ? 1 : 0;
  const train = {
    name: 'random-binary', size: total * B, dataSize: D,
    batch: (idx) => {
      const x = new Float32Array(idx.length * D);
      idx.forEach((row, i) => x.set(pixels.subarray(row * D, (row + 1) * D), i * D));
      return { x: tf.tensor2d(x, [idx.length, D]) };
    },
  };
  return { model, posterior, train };
}

/** Runs warmup + steps Trainer steps, recording section timestamps; `profiled` wraps each timed step in tf.profile. */
async function run(profiled) {
  const total = o.warmup + o.steps;
  const { model, posterior, train } = build(total);
  // Section stamps: patched methods record when each part starts and ends (wasm kernels are synchronous).
  let marks = [];
  const mark = (name) => marks.push([name, performance.now()]);
  const sample = posterior.sample.bind(posterior);
  posterior.sample = (x, opts) => {
    mark('chainStart');
    const out = sample(x, opts);
    mark('chainEnd');
    return out;
  };
  const auxs = posterior.auxiliaryLosses.bind(posterior);
  posterior.auxiliaryLosses = () => auxs().map((aux) => ({
    ...aux,
    loss: (ctx) => {
      mark('sleepStart');
      const l = aux.loss(ctx);
      mark('sleepForwardEnd');
      return l;
    },
  }));
  const likelihood = model.likelihood.bind(model);
  model.likelihood = (z, opts) => {
    if (!opts.training) return likelihood(z, opts); // the sleep fantasy (training: false)
    mark('decoderStart');
    const out = likelihood(z, opts);
    mark('decoderEnd');
    return out;
  };
  const stepMarks = [];
  const kernels = new Map();
  let kernelMs = 0;
  let kernelCalls = 0;
  const walls = [];
  const trainer = new core.Trainer({
    model, posterior, objective: new core.Elbo(), train, batchSize: B, epochs: 1, learningRate: 1e-4, seed: 3, maxStepsPerEpoch: total,
    onEvent: (e) => {
      if (e.type === 'start' || e.type === 'step') {
        mark('stepEnd');
        stepMarks.push(marks);
        marks = [['stepStart', performance.now()]];
      }
    },
  });
  // The kernel run: a warm-up fit, then tf.profile over a fit of `steps` steps on the same networks.
  if (profiled) {
    const warm = new core.Trainer({ model, posterior, objective: new core.Elbo(), train, batchSize: B, epochs: 1, learningRate: 1e-4, seed: 4, maxStepsPerEpoch: o.warmup });
    await warm.fit();
    warm.dispose();
    const t0 = performance.now();
    const prof = await tf.profile(async () => {
      const t = new core.Trainer({ model, posterior, objective: new core.Elbo(), train, batchSize: B, epochs: 1, learningRate: 1e-4, seed: 3, maxStepsPerEpoch: o.steps });
      await t.fit();
      t.dispose();
    });
    walls.push(performance.now() - t0);
    for (const k of prof.kernels) {
      const e = kernels.get(k.name) ?? { calls: 0, ms: 0 };
      e.calls += 1;
      e.ms += k.kernelTimeMs;
      kernels.set(k.name, e);
      kernelMs += k.kernelTimeMs;
      kernelCalls += 1;
    }
  } else {
    await trainer.fit();
  }
  trainer.dispose();
  posterior.dispose();
  model.dispose();
  if (profiled) {
    const perStep = (x) => x / o.steps;
    return {
      wallMsPerStep: r1(perStep(walls[0])), kernelMsPerStep: r1(perStep(kernelMs)), kernelCallsPerStep: Math.round(perStep(kernelCalls)),
      outsideKernelsMsPerStep: r1(perStep(walls[0] - kernelMs)),
      byKernel: [...kernels.entries()].map(([name, e]) => ({ name, callsPerStep: r1(perStep(e.calls)), msPerStep: r1(perStep(e.ms)) })).sort((x, y) => y.msPerStep - x.msPerStep),
    };
  }
  // Sections from the stamps of each timed step.
  const steps = stepMarks.slice(1 + o.warmup).map((ms) => {
    const at = (name, k = 0) => ms.filter(([n]) => n === name)[k]?.[1];
    const sleepStarts = ms.filter(([n]) => n === 'sleepStart').map(([, t]) => t);
    const sleepFwdEnds = ms.filter(([n]) => n === 'sleepForwardEnd').map(([, t]) => t);
    const start = at('stepStart');
    const end = at('stepEnd');
    const sec = {
      total: end - start,
      'main: before chain (batch, encode start)': at('chainStart') - start,
      'main: posterior.sample (encoder, context, 40-step chain, bound terms)': at('chainEnd') - at('chainStart'),
      'main: decoder forward': at('decoderEnd') - at('decoderStart'),
      'main: backward + Adam + guard (to first sleep start)': sleepStarts[0] - at('decoderEnd'),
    };
    sleepStarts.forEach((s, i) => {
      const next = sleepStarts[i + 1] ?? end;
      sec[`sleep ${i + 1}: forward`] = sleepFwdEnds[i] - s;
      sec[`sleep ${i + 1}: backward + Adam + guard`] = next - sleepFwdEnds[i];
    });
    return sec;
  });
  const keys = Object.keys(steps[0] ?? {});
  return Object.fromEntries(keys.map((k) => [k, r1(median(steps.map((s) => s[k])))]));
}

const sections = await run(false);
console.log(`backend ${backend.kernels ?? backend.name}; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('sections (ms, median over timed steps):');
for (const [k, v] of Object.entries(sections)) console.log(`  ${k.padEnd(72)} ${v}`);
let kernels;
if (o.kernels) {
  kernels = await run(true);
  console.log(`\ntf.profile: wall ${kernels.wallMsPerStep} ms/step (profiled), in kernels ${kernels.kernelMsPerStep}, outside kernels ${kernels.outsideKernelsMsPerStep}, ${kernels.kernelCallsPerStep} kernel calls/step`);
  for (const k of kernels.byKernel.slice(0, 25)) console.log(`  ${k.name.padEnd(24)} ${String(k.callsPerStep).padStart(8)} calls ${String(k.msPerStep).padStart(8)} ms`);
}
const result = { generated: new Date().toISOString(), backend, loadavg: loadavg(), options: o, sections, kernels };
mkdirSync(dirname(o.out), { recursive: true });
const tmp = `${o.out}.${process.pid}.tmp`;
writeFileSync(tmp, `${JSON.stringify(result, null, 2)}\n`);
renameSync(tmp, o.out);
