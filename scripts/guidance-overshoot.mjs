#!/usr/bin/env node
/* global console, process */
// Why DDVI's prior guidance has a step limit (docs/ddvi.md, "Guided steps' size"): the K guided
// steps m <- m + eta_t grad log p(m) of the default schedule (T = 40 linear, K = 5,
// eta_t = min(beta_t, v) f with v = 1 / E_p |grad log p|^2 and f the learned factor 2 sigmoid(s_t)),
// applied without the denoiser to pinwheel draws moved off their arm by N(0, off^2) noise, with
// and without the limit |move| <= kappa sqrt(beta_t). Prints per case: the median and lower
// percentiles of log p after the steps, the jumps' cost |move|^2 / (2 beta_t) summed over the steps
// (mean and worst draw: what the bound's chain log-ratio pays), and the largest single jump.
//
//   node scripts/guidance-overshoot.mjs [--draws 2000] [--seed 1]

import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { integerArg, scriptArgs } from './script_args.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (pkg) => import(pathToFileURL(join(ROOT, 'packages', pkg, 'dist', 'index.js')).href);
function usage(message) {
  if (message) console.error(`guidance-overshoot: ${message}`);
  console.error('usage: node scripts/guidance-overshoot.mjs [--draws N] [--seed S]');
  process.exit(message ? 2 : 0);
}
const a = scriptArgs({ draws: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, usage);
if (a.help) usage();
const N = integerArg('draws', a.draws, 2000, 1, usage);
const SEED = integerArg('seed', a.seed, 1, 0, usage);
const core = await dist('core');
const { Pinwheel } = await dist('distributions');
const { createNoisingProcess } = await dist('noising');
const tf = await import(pathToFileURL(createRequire(join(ROOT, 'packages', 'core', 'package.json')).resolve('@tensorflow/tfjs-core')).href);
await core.initBackend('cpu');

const K = 5;
const prior = new Pinwheel();
const process40 = createNoisingProcess({ kind: 'linear', T: 40 });
const betas = Array.from({ length: K }, (_, i) => tf.tidy(() => tf.max(process40.transition(tf.zeros([1, 2]), i + 1).variance).dataSync()[0]));
const draws = prior.sample(new core.SeedStream(SEED), [N]);
const score = (z) => tf.tidy(() => {
  const g = prior.score(z);
  return tf.where(tf.isFinite(g), g, tf.zerosLike(g));
});
const v = 1 / tf.tidy(() => tf.mean(tf.sum(tf.square(score(draws)), 1)).dataSync()[0]);
const q = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

console.log(`pinwheel, ${N} draws (seed ${SEED}), K = ${K} guided steps, beta_1..beta_${K} = ${betas.map((b) => b.toExponential(2)).join(', ')}, v = ${v.toExponential(3)}`);
console.log('| off | factor f | limit kappa | log p median | 5% | 1% | jump cost mean | worst draw | largest jump |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const off of [0.005, 0.03, 0.2]) {
  for (const f of [1, 1.8, 1.9]) {
    for (const kappa of [0, 3]) {
      let z = tf.add(draws, tf.randomNormal(draws.shape, 0, off, 'float32', SEED + 1));
      const cost = new Float64Array(N);
      let largest = 0;
      for (let t = K; t >= 1; t--) {
        const b = betas[t - 1];
        const eta = Math.min(b, v) * f;
        const s = score(z).arraySync();
        const moves = s.map(([x, y]) => {
          let mx = eta * x;
          let my = eta * y;
          const len = Math.hypot(mx, my);
          const limit = kappa * Math.sqrt(b);
          if (kappa > 0 && len > limit) [mx, my] = [(mx * limit) / len, (my * limit) / len];
          return [mx, my];
        });
        moves.forEach(([mx, my], i) => {
          const j2 = mx * mx + my * my;
          cost[i] += j2 / (2 * b);
          largest = Math.max(largest, Math.sqrt(j2));
        });
        const next = tf.add(z, tf.tensor2d(moves));
        z.dispose();
        z = next;
      }
      const lp = Array.from(prior.logProb(z).dataSync()).map((x) => (Number.isFinite(x) ? x : -Infinity)).sort((x, y) => x - y);
      const cs = Array.from(cost).sort((x, y) => x - y);
      const mean = cs.reduce((x, y) => x + y, 0) / N;
      console.log(`| ${off} | ${f} | ${kappa || 'none'} | ${q(lp, 0.5).toFixed(1)} | ${q(lp, 0.05).toFixed(1)} | ${q(lp, 0.01).toFixed(1)} | ${mean.toFixed(1)} | ${cs[N - 1].toFixed(0)} | ${largest.toFixed(3)} |`);
      z.dispose();
    }
  }
}
