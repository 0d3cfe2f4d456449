#!/usr/bin/env node
/* global console, process, performance */
// One training step of the paper's MNIST VAE network, timed on every available tfjs backend.
//
//   pnpm bench:step                      # builds, then runs with the defaults below
//   node scripts/bench-step.mjs --steps 20 --warmup 3 --backends wasm,wasm-stock
//
// Network (spec section 6): encoder MLP 784 -> 1000 -> 1000 -> heads [2, 2] (mu, logvar), decoder
// MLP 2 -> 1000 -> 1000 -> 784 (sigmoid of the logits), LeakyReLU(0.2), dropout 0.2 (on, training);
// loss = mean over the batch of [BCE summed over pixels + KL(N(mu, sigma^2) || N(0, I))] with a
// reparameterized z; batch 128; forward + backward + Adam. Data are a fixed random binary batch:
// the timing does not depend on pixel values. Uses @ddvi/nn and @ddvi/core from their built dist/.
//
// Backends: 'tensorflow' (tfjs-node, only if importable), 'wasm' (with the @ddvi/core matMul fix),
// 'wasm-stock' (wasm with tfjs' own kernels: the baseline), 'cpu'. Prints ms/step (median of
// --steps after --warmup) with the speedup over the baseline, asserts tf.memory().numTensors is flat
// across steps, and writes the results to runs/bench-step.json (temp file + rename).

import { createRequire } from 'node:module';
import { mkdirSync, renameSync, writeFileSync, readFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { integerArg, listArg, scriptArgs } from './script_args.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_BACKENDS = ['tensorflow', 'wasm', 'wasm-stock', 'cpu'];
// 'wasm-gradfix' (opt-in): stock wasm kernels, tfjs' BatchMatMul gradient re-registered with explicit
// transposes: the alternative to the kernel-level fix, kept here to compare the two in one run.
const ALL_BACKENDS = [...DEFAULT_BACKENDS, 'wasm-gradfix'];
const BASELINE = 'wasm-stock';
const BATCH = 128;
const PIXELS = 784;
const LATENT = 2;
const HIDDEN = [1000, 1000];
const DROPOUT = 0.2;

function usage(message) {
  if (message) console.error(`bench-step: ${message}`);
  console.error(
    'usage: node scripts/bench-step.mjs [--steps N] [--warmup N] [--rounds N] [--backends list] [--out file]\n' +
      `  --steps     timed steps per backend (default 10)\n` +
      `  --warmup    untimed steps first (default 3)\n` +
      `  --rounds    run the backend list this many times, interleaved, pooling the timed steps\n` +
      `              (default 1; more rounds even out a machine whose load changes)\n` +
      `  --backends  comma-separated, from ${ALL_BACKENDS.join(', ')}\n` +
      `              (default ${DEFAULT_BACKENDS.join(',')}; tensorflow is skipped when not installed)\n` +
      `  --out       result file (default runs/bench-step.json)`,
  );
  process.exit(message ? 2 : 0);
}

function parseOptions() {
  const a = scriptArgs({
    steps: { type: 'string' }, warmup: { type: 'string' }, rounds: { type: 'string' }, backends: { type: 'string' }, out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, usage);
  if (a.help) usage();
  return {
    steps: integerArg('steps', a.steps, 10, 1, usage), warmup: integerArg('warmup', a.warmup, 3, 0, usage), rounds: integerArg('rounds', a.rounds, 1, 1, usage),
    backends: listArg('backends', a.backends, DEFAULT_BACKENDS, ALL_BACKENDS, usage), explicitBackends: a.backends !== undefined,
    out: a.out === undefined ? join(ROOT, 'runs', 'bench-step.json') : resolve(a.out),
  };
}

/** The packages' built dist, and the one tfjs-core instance they use. */
async function load() {
  const nnDist = join(ROOT, 'packages', 'nn', 'dist', 'index.js');
  const coreDist = join(ROOT, 'packages', 'core', 'dist', 'index.js');
  let nn;
  let core;
  try {
    nn = await import(pathToFileURL(nnDist).href);
    core = await import(pathToFileURL(coreDist).href);
  } catch (e) {
    console.error(`bench-step: cannot load the built packages (${e.message}); run \`pnpm build\` (or \`npx tsup\` in packages/core and packages/nn) first`);
    process.exit(1);
  }
  const requireFromCore = createRequire(join(ROOT, 'packages', 'core', 'package.json'));
  const tfPath = requireFromCore.resolve('@tensorflow/tfjs-core');
  const tf = await import(pathToFileURL(tfPath).href);
  const tfVersion = JSON.parse(readFileSync(requireFromCore.resolve('@tensorflow/tfjs-core/package.json'), 'utf8')).version;
  return { nn, core, tf, tfVersion };
}

function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median, min: s[0], p90: q(0.9), max: s[s.length - 1] };
}

const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const round_ = (x) => round(x, 1);

/** Builds the VAE on the active backend and returns { step, dispose }. */
function buildVae({ nn, core, tf }) {
  const seeds = new core.SeedStream(2024);
  const encoder = new nn.MLP({ inputSize: PIXELS, hidden: HIDDEN, outputs: [LATENT, LATENT], activation: 'leakyRelu', dropout: DROPOUT, seed: seeds.next(), name: 'encoder' });
  // The decoder's head gives logits: the sigmoid is folded into the BCE below (stable form).
  const decoder = new nn.MLP({ inputSize: LATENT, hidden: HIDDEN, outputs: [PIXELS], activation: 'leakyRelu', dropout: DROPOUT, seed: seeds.next(), name: 'decoder' });
  const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([BATCH, PIXELS], 0, 1, 'float32', 7), 0.5), 'float32'));
  const optimizer = tf.train.adam(1e-3);
  const vars = [...encoder.variables(), ...decoder.variables()];
  let stepIndex = 0;

  const loss = (stream) => {
    const [mu, logvar] = encoder.apply(x, { training: true, seed: stream });
    const eps = tf.randomNormal([BATCH, LATENT], 0, 1, 'float32', stream.next());
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps));
    const [logits] = decoder.apply(z, { training: true, seed: stream });
    // BCE(sigmoid(l), x) = softplus(l) - x l, summed over pixels (the stable form of the reference's
    // sigmoid output + binary_cross_entropy)
    const bce = tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)), 1);
    // KL(N(mu, e^logvar) || N(0, I)) = -1/2 sum(1 + logvar - mu^2 - e^logvar)
    const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logvar), tf.square(mu)), tf.exp(logvar)), 1));
    return tf.mean(tf.add(bce, kl));
  };

  return {
    step() {
      const stream = seeds.fork(stepIndex++);
      const value = optimizer.minimize(() => loss(stream), true, vars);
      const v = value.dataSync()[0];
      value.dispose();
      if (!Number.isFinite(v)) throw new Error(`non-finite loss ${v}`);
      return v;
    },
    dispose() {
      encoder.dispose();
      decoder.dispose();
      optimizer.dispose();
      x.dispose();
    },
  };
}

/** tfjs' BatchMatMul gradient, with explicit transposes instead of transpose flags. */
function transposingBatchMatMulGradient(tf) {
  const t = (x) => {
    const perm = x.shape.map((_, i) => i);
    [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
    return tf.transpose(x, perm);
  };
  return {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b], { transposeA, transposeB }) => {
      if (!transposeA && !transposeB) return { a: () => tf.matMul(dy, t(b)), b: () => tf.matMul(t(a), dy) };
      if (!transposeA) return { a: () => tf.matMul(dy, b), b: () => tf.matMul(t(dy), a) };
      if (!transposeB) return { a: () => tf.matMul(b, t(dy)), b: () => tf.matMul(a, dy) };
      return { a: () => tf.matMul(t(b), t(dy)), b: () => tf.matMul(t(dy), t(a)) };
    },
  };
}

let stockGradient;

async function selectBackend({ core, tf }, name) {
  if (name === 'tensorflow') return core.initBackend('tensorflow');
  const info = await core.initBackend(name.startsWith('wasm') ? 'wasm' : name);
  if (name === 'wasm-stock' || name === 'wasm-gradfix') core.uninstallMatMulFix();
  else if (name === 'wasm') core.installMatMulFix();
  stockGradient ??= tf.getGradient('BatchMatMul');
  tf.registerGradient(name === 'wasm-gradfix' ? transposingBatchMatMulGradient(tf) : stockGradient);
  if (tf.getBackend() !== info.name) throw new Error(`expected backend ${info.name}, tfjs reports ${tf.getBackend()}`);
  return info;
}

async function benchOne(mods, name, opts) {
  const { tf, core } = mods;
  const info = await selectBackend(mods, name);
  const tensorsBefore = tf.memory().numTensors;
  const vae = buildVae(mods);
  const losses = [];
  let result;
  try {
    for (let i = 0; i < opts.warmup; i++) losses.push(vae.step());
    if (opts.warmup === 0) losses.push(vae.step()); // Adam creates its slots on the first step
    const tensors = tf.memory().numTensors;
    core.matMulFixStats(true);
    const times = [];
    for (let i = 0; i < opts.steps; i++) {
      const t0 = performance.now();
      losses.push(vae.step());
      times.push(performance.now() - t0);
      const now = tf.memory().numTensors;
      if (now !== tensors) throw new Error(`${name}: tf.memory().numTensors went from ${tensors} to ${now} at timed step ${i + 1}`);
    }
    const matMulPaths = name === 'wasm' ? core.matMulFixStats() : undefined;
    result = { backend: name, tfjsBackend: info.name, reason: info.reason, available: true, ms: stats(times), timesMs: times.map((t) => round(t, 2)), numTensors: tensors, lossFirst: losses[0], lossLast: losses[losses.length - 1], matMulPaths };
  } finally {
    vae.dispose();
    if (name === 'wasm-stock' || name === 'wasm-gradfix') core.installMatMulFix();
    if (stockGradient) tf.registerGradient(stockGradient);
  }
  const after = tf.memory().numTensors;
  if (after !== tensorsBefore) throw new Error(`${name}: ${after - tensorsBefore} tensors left after dispose`);
  return result;
}

function table(results) {
  const base = results.find((r) => r.backend === BASELINE && r.available);
  const rows = [['backend', 'ms/step (median)', 'min', 'p90', `speedup vs ${BASELINE}`]];
  for (const r of results) {
    if (!r.available) {
      rows.push([r.backend, 'n/a', '', '', r.reason]);
      continue;
    }
    rows.push([r.backend, r.ms.median.toFixed(1), r.ms.min.toFixed(1), r.ms.p90.toFixed(1), base ? `${(base.ms.median / r.ms.median).toFixed(2)}x` : '-']);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  return rows.map((row, i) => {
    const line = row.map((cell, c) => (c === 0 || c === 4 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
    return i === 0 ? `${line.trimEnd()}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line.trimEnd();
  }).join('\n');
}

function writeAtomically(file, data) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n');
  renameSync(tmp, file);
}

async function main() {
  const opts = parseOptions();
  const mods = await load();
  const { core } = mods;
  console.warn = () => {}; // tfjs' "already registered" / tfjs-node hints would interleave with the table
  const machine = { node: process.version, platform: `${platform()}-${arch()}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' };
  console.log(`VAE training step (MNIST net, batch ${BATCH}): ${opts.warmup} warm-up + ${opts.steps} timed steps per backend`);
  const loadBefore = loadavg().map((l) => round(l, 2));
  console.log(`Node ${machine.node}, ${machine.cpus} cores (${machine.cpuModel}), tfjs-core ${mods.tfVersion}, load average ${loadBefore.join(' ')}\n`);

  const results = new Map();
  for (let round = 1; round <= opts.rounds; round++) {
    for (const name of opts.backends) {
      if (results.get(name)?.available === false) continue;
      if (name === 'tensorflow' && round === 1) {
        try {
          await core.initBackend('tensorflow'); // imports @tensorflow/tfjs-node if it is installed
        } catch {
          const reason = '@tensorflow/tfjs-node is not installed';
          if (opts.explicitBackends) console.log(`tensorflow: skipped, ${reason}`);
          results.set(name, { backend: name, available: false, reason });
          continue;
        }
      }
      process.stdout.write(`${opts.rounds > 1 ? `round ${round}, ` : ''}${name}: running... `);
      const r = await benchOne(mods, name, opts);
      console.log(`${r.ms.median.toFixed(1)} ms/step`);
      const prev = results.get(name);
      if (prev) {
        const timesMs = [...prev.timesMs, ...r.timesMs];
        results.set(name, { ...prev, timesMs, ms: stats(timesMs), lossLast: r.lossLast, perRoundMedianMs: [...prev.perRoundMedianMs, round_(r.ms.median)] });
      } else {
        results.set(name, { ...r, perRoundMedianMs: [round_(r.ms.median)] });
      }
    }
  }
  const auto = await core.initBackend('auto');

  const list = opts.backends.map((name) => results.get(name));
  console.log(`\n${table(list)}\n`);
  console.log(`default backend (initBackend('auto')): ${auto.name} — ${auto.reason}`);
  const base = list.find((r) => r.backend === BASELINE && r.available);
  const out = {
    benchmark: 'vae-mnist-train-step',
    date: new Date().toISOString(),
    machine: { ...machine, loadAverageBefore: loadBefore, loadAverageAfter: loadavg().map((l) => round(l, 2)) },
    tfjsCore: mods.tfVersion,
    config: { batch: BATCH, encoder: [PIXELS, ...HIDDEN, [LATENT, LATENT]], decoder: [LATENT, ...HIDDEN, PIXELS], activation: 'leakyRelu(0.2)', dropout: DROPOUT, optimizer: 'tf.train.adam', steps: opts.steps, warmup: opts.warmup, rounds: opts.rounds },
    baseline: BASELINE,
    defaultBackend: auto.name,
    results: list.map((r) => (r.available && base ? { ...r, speedupVsBaseline: round(base.ms.median / r.ms.median, 2) } : r)),
  };
  writeAtomically(opts.out, out);
  console.log(`wrote ${opts.out}`);
}

main().catch((e) => {
  console.error(`bench-step: ${e.stack ?? e}`);
  process.exit(1);
});
