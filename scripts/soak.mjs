#!/usr/bin/env node
/* global console, process */
// Soak test (a script, not a CI test): trains every registered posterior family for N steps on a
// small toy setting and samples tf.memory().numTensors, tf.memory().numBytes and the process RSS at
// intervals. Both must stay flat: a tensor leak shows as a growing count, a native or JS leak as
// growing RSS. Writes runs/soak/soak.json and runs/soak/soak.md (temp file + rename).
//
//   pnpm soak                                   # builds, then N = 10,000 steps per family
//   node scripts/soak.mjs --steps 500 --families gaussian,iaf --samples 10
//
// Families come from the registry after importing every packages/posterior-*/dist (none is named
// here). Exit code 1 when a family's tensor count grew between the first and the last sample.

import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    steps: { type: 'string', default: '10000' },
    samples: { type: 'string', default: '20' },
    families: { type: 'string' },
    batch: { type: 'string', default: '64' },
    hidden: { type: 'string', default: '32,32' },
    backend: { type: 'string' },
    out: { type: 'string', default: join(ROOT, 'runs', 'soak') },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('usage: node scripts/soak.mjs [--steps N] [--samples K] [--families a,b] [--batch B] [--hidden 32,32] [--backend wasm|cpu] [--out dir]');
  process.exit(0);
}
const int = (flag, raw, min) => {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) {
    console.error(`soak: --${flag} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return v;
};
const STEPS = int('steps', args.steps, 1);
const SAMPLES = int('samples', args.samples, 2);
const BATCH = int('batch', args.batch, 1);
const HIDDEN = args.hidden.split(',').map((w) => int('hidden', w, 1));

const dist = (pkg) => pathToFileURL(join(ROOT, 'packages', pkg, 'dist', 'index.js')).href;
let core;
let bench;
let models;
try {
  core = await import(dist('core'));
  bench = await import(dist('benchmarks'));
  models = await import(dist('models'));
  for (const pkg of readdirSync(join(ROOT, 'packages')).filter((p) => p.startsWith('posterior-'))) await import(dist(pkg));
} catch (e) {
  console.error(`soak: cannot load the built packages (${e.message}); run \`pnpm build\` first`);
  process.exit(1);
}
const backend = await core.initBackend(args.backend);
// The one tfjs-core instance the built packages use (they keep it external).
const tf = await import(pathToFileURL(createRequire(join(ROOT, 'packages', 'core', 'package.json')).resolve('@tensorflow/tfjs-core')).href);

const registered = core.listPosteriors();
const families = args.families ? args.families.split(',').map((f) => f.trim()) : registered;
for (const f of families) {
  if (!registered.includes(f)) {
    console.error(`soak: --families: unknown family ${JSON.stringify(f)}; registered: ${registered.join(', ')}`);
    process.exit(2);
  }
}

const splits = await bench.loadSplits({ dataset: 'toy', prior: 'pinwheel', latentSize: 2, trainLimit: 2048, testLimit: 256 });
const train = splits.train;
const interval = Math.max(1, Math.floor(STEPS / SAMPLES));
const mb = (bytes) => bytes / (1024 * 1024);
const results = [];

/** Writes soak.json and soak.md with the families done so far (atomically), so a stopped soak keeps them. */
function writeReport() {
  const report = { steps: STEPS, batch: BATCH, hidden: HIDDEN, backend: { name: backend.name, reason: backend.reason }, node: process.version, date: new Date().toISOString(), results };
  const md = [
    `# Soak: ${STEPS} steps per family`,
    '',
    `Toy data (pinwheel, 2,048 examples), batch ${BATCH}, hidden [${HIDDEN.join(', ')}], backend ${backend.name}, ${report.date}.`,
    '',
    '| family | steps | tensors first -> last | RSS first -> last (MB) | RSS max (MB) | RSS slope, 2nd half (MB / 1000 steps) | ms/step |',
    '|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.family} | ${r.steps} | ${r.tensors.first} -> ${r.tensors.last} | ${r.rssMB.first} -> ${r.rssMB.last} | ${r.rssMB.max} | ${r.rssMB.slopePer1000Steps} | ${r.msPerStep} |`),
    '',
  ].join('\n');
  mkdirSync(args.out, { recursive: true });
  for (const [name, text] of [['soak.json', `${JSON.stringify(report, null, 2)}\n`], ['soak.md', md]]) {
    const path = join(args.out, name);
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  }
}

for (const family of families) {
  const model = new models.DecoderModel({ latentSize: 2, dataSize: train.dataSize, prior: 'pinwheel', seed: 1, hidden: HIDDEN });
  const posterior = core.createPosterior(family, { latentSize: 2, dataSize: train.dataSize, seed: 2, config: { hidden: HIDDEN } });
  const objective = posterior.capabilities.hasDensity ? new core.Elbo() : new core.Reconstruction();
  const stepsPerEpoch = Math.min(STEPS, Math.ceil(train.size / BATCH));
  const samples = [];
  const started = Date.now();
  const sample = (step) => {
    const m = tf.memory();
    const rss = process.memoryUsage().rss;
    samples.push({ step, numTensors: m.numTensors, numBytes: m.numBytes, rssMB: Number(mb(rss).toFixed(1)), seconds: (Date.now() - started) / 1000 });
  };
  const trainer = new core.Trainer({
    model, posterior, objective, train, batchSize: BATCH, learningRate: 1e-3, seed: 3, nanPolicy: 'skip', maxSkips: STEPS,
    epochs: Math.ceil(STEPS / stepsPerEpoch), maxStepsPerEpoch: stepsPerEpoch,
    onEvent: (e) => {
      if (e.type === 'step' && (e.step % interval === 0 || e.step === 1)) sample(e.step);
    },
  });
  process.stdout.write(`${family}: ${STEPS} steps, batch ${BATCH}, hidden [${HIDDEN.join(', ')}] ... `);
  let error;
  try {
    await trainer.fit();
  } catch (e) {
    error = e.message;
  }
  trainer.dispose();
  const first = samples.find((s) => s.step >= interval) ?? samples[0];
  const last = samples.at(-1);
  const half = samples.slice(Math.floor(samples.length / 2));
  const rssSlope = half.length > 1 ? ((half.at(-1).rssMB - half[0].rssMB) / (half.at(-1).step - half[0].step)) * 1000 : 0;
  const row = {
    family, steps: last.step, samples, error,
    tensors: { first: first.numTensors, last: last.numTensors, growth: last.numTensors - first.numTensors },
    rssMB: { first: first.rssMB, last: last.rssMB, max: Math.max(...samples.map((s) => s.rssMB)), slopePer1000Steps: Number(rssSlope.toFixed(2)) },
    msPerStep: Number(((1000 * last.seconds) / last.step).toFixed(1)),
  };
  results.push(row);
  console.log(`tensors ${row.tensors.first} -> ${row.tensors.last}, RSS ${row.rssMB.first} -> ${row.rssMB.last} MB (second-half slope ${row.rssMB.slopePer1000Steps} MB / 1000 steps), ${row.msPerStep} ms/step${error ? `; ERROR ${error}` : ''}`);
  model.dispose();
  posterior.dispose();
  writeReport();
}

console.log(`wrote ${join(args.out, 'soak.json')} and soak.md`);
const leaking = results.filter((r) => r.tensors.growth > 0 || r.error);
if (leaking.length) {
  console.error(`soak: tensor count grew or training failed for ${leaking.map((r) => r.family).join(', ')}`);
  process.exit(1);
}
