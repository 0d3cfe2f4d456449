#!/usr/bin/env node
/* global console, process */
// Where a family's kNN accuracy comes from on the curve priors (swiss roll, square), read from the
// latents a `ddvi bench` run kept (<run>/latents/*.npz); nothing is trained or sampled:
//
//   node scripts/latents-on-curve.mjs --runs runs/standard-flows-s0,runs/standard-flows-s12
//
// Both priors are a 1-D curve with a little noise across it (the swiss roll's std 0.1, the square's
// 0.06), so a posterior whose latents follow the prior codes x by the position along the curve.
// For each cell it prints
//   - kNN: the run's score, recomputed (k = 20, fit on the train latents, scored on the test ones);
//   - on the curve: the share of test latents within 3 noise stds of the curve (where the prior
//     puts 99.7% of its mass);
//   - prior mass covered: the share of the curve's length (in prior mass) where the latents are at
//     least a fifth as dense as the prior (what the latent NLL misses where they are not);
//   - kNN along the curve: the same kNN after every latent (train and test) is moved to its nearest
//     point on the curve, so only its position along the curve is left to separate the digits.
// The curves are the priors' defaults (scale 1; the square's noise level 3), as every preset uses.

import { basename, dirname, join, resolve } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { integerArg, scriptArgs } from './script_args.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const benchmarks = await import(pathToFileURL(join(ROOT, 'packages', 'benchmarks', 'dist', 'index.js')).href);

function usage(message) {
  if (message) console.error(`latents-on-curve: ${message}`);
  console.error('usage: node scripts/latents-on-curve.mjs --runs <run folder>[,<run folder>...] [--k 20] [--nodes 40000]');
  process.exit(message ? 2 : 0);
}

const args = scriptArgs({ runs: { type: 'string' }, k: { type: 'string' }, nodes: { type: 'string' }, help: { type: 'boolean' } }, usage);
if (args.help) usage();
const K = integerArg('k', args.k, 20, 1, usage);
const NODES = integerArg('nodes', args.nodes, 40000, 100, usage);
const runs = (args.runs ?? '').split(',').map((s) => s.trim()).filter(Boolean);
if (!runs.length) usage('name at least one run folder');

/** The prior's curve (scale 1) at `n` points evenly spaced in its parameter, and its noise std. */
const CURVES = {
  swiss_roll: {
    noise: 0.1,
    points(n) {
      // r = 3 sqrt(u), angle = 4.5 pi sqrt(u) (spec §9.2); even in u, which is even in mass.
      const xy = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        const s = Math.sqrt((i + 0.5) / n);
        xy[2 * i] = 3 * s * Math.cos(4.5 * Math.PI * s);
        xy[2 * i + 1] = 3 * s * Math.sin(4.5 * Math.PI * s);
      }
      return xy;
    },
  },
  square: {
    noise: 3 / 50,
    points(n) {
      // The perimeter of [-1, 1]^2: top, right, bottom, left, each a quarter (spec §9.3).
      const xy = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        const pos = (i + 0.5) / n;
        const t = 8 * (pos % 0.25) - 1;
        const edge = Math.floor(pos * 4);
        const [x, y] = edge === 0 ? [t, 1] : edge === 1 ? [1, -t] : edge === 2 ? [-t, -1] : [-1, t];
        xy[2 * i] = x;
        xy[2 * i + 1] = y;
      }
      return xy;
    },
  },
};

/** Each latent moved to its nearest curve point (a uniform grid of buckets over the curve's points), its distance and the point's index. */
function project(z, curve) {
  const cell = 0.05;
  const buckets = new Map();
  const key = (ix, iy) => ix * 100003 + iy;
  for (let j = 0; j < curve.length / 2; j++) {
    const k = key(Math.floor(curve[2 * j] / cell), Math.floor(curve[2 * j + 1] / cell));
    if (!buckets.has(k)) buckets.set(k, []);
    buckets.get(k).push(j);
  }
  const n = z.length / 2;
  const out = new Float32Array(2 * n);
  const dist = new Float64Array(n);
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = z[2 * i];
    const y = z[2 * i + 1];
    const cx = Math.floor(x / cell);
    const cy = Math.floor(y / cell);
    let best = Infinity;
    let arg = -1;
    // Widen the ring of buckets until the nearest point found is closer than the ring's inner edge.
    for (let r = 0; ; r++) {
      for (let ix = cx - r; ix <= cx + r; ix++) {
        for (let iy = cy - r; iy <= cy + r; iy++) {
          if (Math.max(Math.abs(ix - cx), Math.abs(iy - cy)) !== r) continue;
          const list = buckets.get(key(ix, iy));
          if (!list) continue;
          for (const j of list) {
            const d = (curve[2 * j] - x) ** 2 + (curve[2 * j + 1] - y) ** 2;
            if (d < best) {
              best = d;
              arg = j;
            }
          }
        }
      }
      if (arg >= 0 && Math.sqrt(best) <= r * cell) break;
      if (r > 2000) throw new Error(`latents-on-curve: latent ${i} (${x}, ${y}) is more than 100 from the curve`);
    }
    out[2 * i] = curve[2 * arg];
    out[2 * i + 1] = curve[2 * arg + 1];
    dist[i] = Math.sqrt(best);
    index[i] = arg;
  }
  return { z: out, dist, index };
}

/**
 * The share of the prior's mass in the curve's segments that the latents reach: the curve cut into
 * SEGMENTS pieces of equal prior mass (its points are even in mass), a segment counted when the
 * latents within 3 noise stds of it are at least a fifth of what the prior would put there.
 */
const SEGMENTS = 100;
function coverage(projected, noise, nodes) {
  const counts = new Int32Array(SEGMENTS);
  for (let i = 0; i < projected.index.length; i++) {
    if (projected.dist[i] <= 3 * noise) counts[Math.floor((projected.index[i] * SEGMENTS) / nodes)]++;
  }
  const expected = projected.index.length / SEGMENTS;
  return counts.filter((c) => c >= 0.2 * expected).length / SEGMENTS;
}

const rows = [];
const priorNear = new Map();
for (const run of runs) {
  const dir = join(resolve(run), benchmarks.LATENTS_DIR);
  if (!existsSync(dir)) usage(`--runs: ${run} has no ${benchmarks.LATENTS_DIR}/ folder (a \`ddvi bench\` run's folder keeps its cells' latents there)`);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.npz')).sort()) {
    const [dataset, family, prior, seed] = file.replace(/\.npz$/, '').split('__');
    const shape = CURVES[prior];
    if (!shape) continue;
    const kept = benchmarks.readLatentFile(join(dir, file));
    if (!kept.testY || !kept.trainY) continue;
    const curve = shape.points(NODES);
    const test = project(kept.testZ, curve);
    const train = project(kept.trainZ, curve);
    const knn = benchmarks.knnAccuracy({ trainX: { data: kept.trainZ, dim: 2 }, trainY: kept.trainY, testX: { data: kept.testZ, dim: 2 }, testY: kept.testY, k: K });
    const along = benchmarks.knnAccuracy({ trainX: { data: train.z, dim: 2 }, trainY: kept.trainY, testX: { data: test.z, dim: 2 }, testY: kept.testY, k: K });
    const near = test.dist.filter((d) => d <= 3 * shape.noise).length / test.dist.length;
    const covered = coverage(test, shape.noise, NODES);
    if (kept.priorZ && !priorNear.has(prior)) {
      // The check of the measure itself: the prior's own draws (the latent NLL's) are on the curve.
      const p = project(kept.priorZ, curve);
      priorNear.set(prior, { near: p.dist.filter((x) => x <= 3 * shape.noise).length / p.dist.length, covered: coverage(p, shape.noise, NODES) });
    }
    rows.push({ run, dataset, family, prior, seed: seed.replace('seed', ''), knn, near, covered, along });
    console.error(`${file}: kNN ${knn.toFixed(3)}, on the curve ${(100 * near).toFixed(1)}%, curve covered ${(100 * covered).toFixed(0)}%, kNN along the curve ${along.toFixed(3)}`);
  }
}

rows.sort((a, b) => a.prior.localeCompare(b.prior) || a.family.localeCompare(b.family) || a.seed.localeCompare(b.seed) || a.run.localeCompare(b.run));
console.log(`| run | prior | family | seed | kNN (k = ${K}) | test latents within 3 noise stds of the curve | prior mass covered | kNN along the curve |`);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [prior, near] of priorNear) console.log(`| | ${prior} | the prior's own draws | | | ${(100 * near.near).toFixed(1)}% | ${(100 * near.covered).toFixed(0)}% | |`);
for (const r of rows) {
  console.log(`| ${basename(r.run)} | ${r.prior} | ${r.family} | ${r.seed} | ${r.knn.toFixed(3)} | ${(100 * r.near).toFixed(1)}% | ${(100 * r.covered).toFixed(0)}% | ${r.along.toFixed(3)} |`);
}
