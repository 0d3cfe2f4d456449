#!/usr/bin/env node
/* global console, process, performance */
// The IWAE evaluation of a `standard` cell with each family's networks of x run once per row
// (Posterior.sampleDraws) against the same family sampling x tiled k times (the path before it, and
// still the fallback), in the same run: untrained networks of the preset's shape (the work per image
// does not depend on the weights), the first --images MNIST test images, k = 50 in chunks of 50 as
// the bench scores it, the two paths alternated --rounds times after one untimed run each. Prints
// ms per image (median over rounds), the ratio, and both bounds (the same draws: they agree to
// float rounding).
//
//   node scripts/bench-iwae.mjs [--families gaussian,iaf,hiaf,realnvp,maf,ddvi] [--priors square,pinwheel] [--images 200] [--rounds 3]
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { integerArg, scriptArgs } from './script_args.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (pkg) => import(pathToFileURL(join(ROOT, 'packages', pkg, 'dist', 'index.js')).href);
const usage = (m) => {
  if (m) console.error(`bench-iwae: ${m}`);
  console.error('usage: node scripts/bench-iwae.mjs [--families a,b] [--priors a,b] [--images N] [--rounds N]');
  process.exit(m ? 2 : 0);
};
const a = scriptArgs({ families: { type: 'string' }, priors: { type: 'string' }, images: { type: 'string' }, rounds: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, usage);
if (a.help) usage();
const core = await dist('core');
const bench = await dist('benchmarks');
for (const p of ['posterior-diffusion', 'posterior-flow', 'posterior-gaussian']) await dist(p);
const backend = await core.initBackend('wasm');
console.warn = () => {};
const families = (a.families ?? 'gaussian,iaf,hiaf,realnvp,maf,ddvi').split(',');
const priors = (a.priors ?? 'square,pinwheel').split(',');
const images = integerArg('images', a.images, 200, 1, usage);
const rounds = integerArg('rounds', a.rounds, 3, 1, usage);

// The `standard` preset's settings that shape a cell's networks (apps/cli/src/bench_presets.ts): DDVI's two guided steps on the broad priors.
const SHORT = { posteriorConfig: { noising: { kind: 'linear', T: 2 }, priorGuidance: 2 } };
const settings = { epochs: 10, trainLimit: 20000, familySettings: { ddvi: { byPrior: { swiss_roll: SHORT, square: SHORT } } } };
const { test } = await bench.loadSplits({ dataset: 'mnist', testLimit: images }, true);

/** The posterior without its own sampleDraws: the IWAE then samples x tiled k times. */
const tiledOnly = (posterior) => new Proxy(posterior, { get: (t, p) => (p === 'sampleDraws' ? undefined : (typeof t[p] === 'function' ? t[p].bind(t) : t[p])) });
const median = (xs) => [...xs].sort((u, v) => u - v)[Math.floor(xs.length / 2)];

console.log(`# IWAE-50 on ${images} MNIST test images, ${backend.kernels ?? backend.name}, load ${loadavg().map((l) => l.toFixed(1)).join(" ")}, ${rounds} rounds (median ms per image)\n`);
console.log('| family | prior | tiled x | once per row | speed-up | bound, tiled | bound, once per row |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const prior of priors) {
  for (const family of families) {
    const config = bench.resolveBenchConfig({ ...settings, datasets: ['mnist'], priors: [prior], families: [family], seeds: [0], testLimit: images, iwaeK: 50 });
    const cell = bench.expandGrid(config)[0];
    const { model, posterior } = bench.buildCellPair(config, cell, 784);
    const paths = { tiled: tiledOnly(posterior), shared: posterior };
    const times = { tiled: [], shared: [] };
    const bounds = {};
    for (let r = -1; r < rounds; r++) {
      for (const [name, q] of Object.entries(paths)) {
        const t0 = performance.now();
        // As the bench's iwaeBound scores a cell: chunks of 50 draws, 100 images a batch.
        bounds[name] = core.evaluate(model, q, new core.Iwae({ k: 50, chunk: 50 }), test, { seed: 0, batchSize: 100 }).bound;
        if (r >= 0) times[name].push((performance.now() - t0) / images);
      }
    }
    const [t, s] = [median(times.tiled), median(times.shared)];
    console.log(`| ${family} | ${prior} | ${t.toFixed(2)} | ${s.toFixed(2)} | ${(t / s).toFixed(2)}x | ${bounds.tiled.toFixed(4)} | ${bounds.shared.toFixed(4)} |`);
    posterior.dispose();
    model.dispose();
  }
}
