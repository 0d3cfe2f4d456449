#!/usr/bin/env node
/* global console, process */
// DDVI's training step with the native products (@ddvi/backend-blas) on and off, in one run (issue 19):
//
//   node scripts/bench-ddvi-blas.mjs                        # the genotypes preset's networks
//   node scripts/bench-ddvi-blas.mjs --networks mnist --steps 5 --rounds 2 --out runs/x.json
//   node scripts/bench-ddvi-blas.mjs --ops-chain            # the reverse chain op by op (the earlier path)
//   node scripts/bench-ddvi-blas.mjs --no-guidance          # without prior guidance (the posterior not given the prior)
//
// Networks: `genotypes` as `ddvi bench --preset genotypes` builds them (apps/cli/src/bench_presets.ts:
// 15 PCs in, hidden 100 -> 100 -> 100 for the encoder, context encoder and decoder, Gaussian
// likelihood, pinwheel prior, batch 128, lr 2e-3; DDVI's defaults otherwise: T = 40, denoiser 4 x 128,
// 3 sleep updates, and prior guidance: the posterior gets the model's prior as `ddvi bench` gives
// it); `mnist` the paper's (784 pixels, Bernoulli, 1000 -> 1000). Random data of the right shape (timing does not depend on the values). Through the real Trainer, on and off alternating
// round by round (ABAB) so load changes hit both; medians over all timed steps; writes JSON.

import { createRequire } from 'node:module';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DDVI_STEP_NETWORKS as NETWORKS, timeDdviSteps } from './ddvi_step_timing.mjs';
import { integerArg, scriptArgs } from './script_args.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (pkg) => import(pathToFileURL(join(ROOT, 'packages', pkg, 'dist', 'index.js')).href);

function usage(message) {
  if (message) console.error(`bench-ddvi-blas: ${message}`);
  console.error('usage: node scripts/bench-ddvi-blas.mjs [--networks genotypes|mnist] [--ops-chain] [--no-guidance] [--steps N] [--warmup N] [--rounds N] [--out file]');
  process.exit(message ? 2 : 0);
}


const a = scriptArgs({
  'ops-chain': { type: 'boolean' }, 'no-guidance': { type: 'boolean' }, networks: { type: 'string' }, steps: { type: 'string' }, warmup: { type: 'string' }, rounds: { type: 'string' }, out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
}, usage);
if (a.help) usage();
const networks = a.networks ?? 'genotypes';
if (!(networks in NETWORKS)) usage(`--networks must be one of ${Object.keys(NETWORKS).join(', ')}`);
const o = {
  networks, steps: integerArg('steps', a.steps, 6, 1, usage), warmup: integerArg('warmup', a.warmup, 2, 0, usage), rounds: integerArg('rounds', a.rounds, 2, 1, usage),
  opsChain: a['ops-chain'] === true, guidance: a['no-guidance'] !== true,
  out: a.out === undefined ? join(ROOT, 'runs', `bench-ddvi-blas-${networks}${a['ops-chain'] ? '-ops' : ''}${a['no-guidance'] ? '-unguided' : ''}.json`) : resolve(a.out),
};
const net = NETWORKS[networks];

const core = await dist('core');
const { DecoderModel } = await dist('models');
const diffusion = await dist('posterior-diffusion');
// --ops-chain: the reverse chain op by op, as before the fused chain (the baseline).
if (o.opsChain) diffusion.setFusedReverseStep(false);
const tf = await import(pathToFileURL(createRequire(join(ROOT, 'packages', 'core', 'package.json')).resolve('@tensorflow/tfjs-core')).href);
const backend = await core.initBackend('wasm');
console.warn = () => {};
if (!backend.kernels?.startsWith('wasm + ')) {
  console.error(`bench-ddvi-blas: the native products are not loaded (${backend.note ?? backend.kernels}); nothing to compare`);
  process.exit(1);
}
const blas = await dist('backend-blas');
const threads = blas.installedBlasKernels()?.threads;
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r1 = (x) => Math.round(x * 10) / 10;
async function timeSteps() {
  const { times } = await timeDdviSteps({ core, tf, DecoderModel }, net, { steps: o.steps, warmup: o.warmup, guidance: o.guidance });
  return times;
}

const on = [];
const off = [];
for (let round = 1; round <= o.rounds; round++) {
  const a1 = await timeSteps();
  blas.uninstallBlasKernels();
  let b1;
  try {
    b1 = await timeSteps();
  } finally {
    blas.installBlasKernels({ threads });
  }
  on.push(...a1);
  off.push(...b1);
  console.log(`round ${round}/${o.rounds}: native on ${r1(median(a1))} ms/step, off ${r1(median(b1))} ms/step`);
}
const result = {
  generated: new Date().toISOString(), backend: backend.kernels, cpus: cpus().length, loadavg: loadavg(), options: o, networks: net,
  onMs: r1(median(on)), offMs: r1(median(off)), speedup: Math.round((median(off) / median(on)) * 100) / 100,
  timesMs: { on: on.map(r1), off: off.map(r1) },
};
console.log(`DDVI step, ${networks} networks: native products on ${result.onMs} ms, off ${result.offMs} ms: ${result.speedup}x`);
mkdirSync(dirname(o.out), { recursive: true });
const tmp = `${o.out}.${process.pid}.tmp`;
writeFileSync(tmp, `${JSON.stringify(result, null, 2)}\n`);
renameSync(tmp, o.out);
