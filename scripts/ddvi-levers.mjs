#!/usr/bin/env node
/* global console, process */
// DDVI's levers on MNIST with the pinwheel prior (or --prior), each variant one `ddvi bench` command on a
// validation split carved from the training data (never the test set), so the defaults chosen from
// this table are not tuned on test numbers:
//
//   node scripts/ddvi-levers.mjs                          # every variant, quick budget
//   node scripts/ddvi-levers.mjs --variants base,floor --epochs 8 --train-limit 20500 --validation 500
//
// Each variant writes <out>/<variant>/ (config.json, results.json, cells/...) through the real
// `ddvi bench`; a finished variant is read back, so a killed sweep resumes. The table, with the
// bound split into its terms (reconstruction, log p(z), encoder log q(y_T | x), the chain's
// log-ratio), goes to <out>/levers.md and levers.json, gathering every variant already finished in
// <out> at the same budget (earlier invocations' rows included).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'apps', 'cli', 'dist', 'bin.js');

/** Each variant: the family and its own settings (posterior options, beta, warm-up, lr) over the sweep's. */
const VARIANTS = {
  'mean-field': { family: 'gaussian', settings: {} },
  iaf: { family: 'iaf', settings: {} },
  base: { family: 'ddvi', settings: {} },
  floor: { family: 'ddvi', settings: { posteriorConfig: { varianceFloor: 1e-3 } } },
  'small-noise': { family: 'ddvi', settings: { posteriorConfig: { noising: { kind: 'linear', T: 40, end: 0.002 } } } },
  'small-noise-floor': { family: 'ddvi', settings: { posteriorConfig: { noising: { kind: 'linear', T: 40, end: 0.002 }, varianceFloor: 1e-3 } } },
  'tiny-noise-floor': { family: 'ddvi', settings: { posteriorConfig: { noising: { kind: 'linear', T: 40, start: 1e-5, end: 2e-4 }, varianceFloor: 1e-3 } } },
  T5: { family: 'ddvi', settings: { posteriorConfig: { noising: { kind: 'linear', T: 5 } } } },
  T2: { family: 'ddvi', settings: { posteriorConfig: { noising: { kind: 'linear', T: 2 }, priorGuidance: 2 } } },
  // One step: the encoder's Gaussian refined once (with guidance); and T = 2 with the sleep term's
  // updates raised, since a short chain's two denoiser steps may need more prior draws than 3 a batch.
  T1: { family: 'ddvi', settings: { posteriorConfig: { noising: { kind: 'linear', T: 1 }, priorGuidance: 1 } } },
  'T2-sleep-10': { family: 'ddvi', settings: { posteriorConfig: { noising: { kind: 'linear', T: 2 }, priorGuidance: 2, sleepRepeats: 10 } } },
  // KL warm-up at the equal weight (beta 1 at the end, reached over the first three epochs): the
  // encoder lays the digits out before the prior's pull, as warm-up does for VAEs.
  'T2-warmup-3': { family: 'ddvi', settings: { klWarmup: 3, posteriorConfig: { noising: { kind: 'linear', T: 2 }, priorGuidance: 2 } } },
  realnvp: { family: 'realnvp', settings: {} },
  // The context a = Q2(x) is all the chain knows of x: eight dimensions and lighter dropout let the
  // two steps place z by x rather than by y_T alone.
  'T2-context-8': { family: 'ddvi', settings: { posteriorConfig: { noising: { kind: 'linear', T: 2 }, priorGuidance: 2, contextSize: 8, contextDropout: 0.2 } } },
  // A schedule ending at 0.005 instead of 0.02: the encoder's y_T spread (sqrt(1 - abar_T)) and the
  // chain's noise halve, so one draw of z sits nearer its x's mean.
  'T2-end-0.005': { family: 'ddvi', settings: { posteriorConfig: { noising: { kind: 'linear', T: 2, end: 0.005 }, priorGuidance: 2 } } },
  'T2-end-0.001': { family: 'ddvi', settings: { posteriorConfig: { noising: { kind: 'linear', T: 2, end: 0.001 }, priorGuidance: 2 } } },
  // The sleep term spreads the latents over the whole curve (docs/ddvi.md): a lighter one lets them
  // gather where the digits separate, at some cost in coverage.
  'T2-sleep-0.3': { family: 'ddvi', settings: { posteriorConfig: { noising: { kind: 'linear', T: 2 }, priorGuidance: 2, sleepWeight: 0.3 } } },
  // A faster lr for the family furthest from convergence, with the gradient's norm clipped.
  'T2-lr-2e-3-clip': { family: 'ddvi', settings: { learningRate: 2e-3, clipNorm: 100, posteriorConfig: { noising: { kind: 'linear', T: 2 }, priorGuidance: 2 } } },
  'T2-no-guidance': { family: 'ddvi', settings: { posteriorConfig: { noising: { kind: 'linear', T: 2 }, priorGuidance: 0 } } },
  T10: { family: 'ddvi', settings: { posteriorConfig: { noising: { kind: 'linear', T: 10 } } } },
  T20: { family: 'ddvi', settings: { posteriorConfig: { noising: { kind: 'linear', T: 20 } } } },
  'T5-floor': { family: 'ddvi', settings: { posteriorConfig: { noising: { kind: 'linear', T: 5 }, varianceFloor: 1e-3 } } },
  'beta-2.35': { family: 'ddvi', settings: { beta: 2.35, klWarmup: 1 } },
  // The prior's weight for every family alike (one epoch of warm-up): at beta 1 a posterior can spread off a
  // thin prior and keep more of x; a heavier prior asks every family to fit the prior's shape.
  'T5-beta-2.35': { family: 'ddvi', settings: { beta: 2.35, klWarmup: 1, posteriorConfig: { noising: { kind: 'linear', T: 5 } } } },
  'mean-field-beta-2.35': { family: 'gaussian', settings: { beta: 2.35, klWarmup: 1 } },
  'iaf-beta-2.35': { family: 'iaf', settings: { beta: 2.35, klWarmup: 1 } },
  'T5-beta-5': { family: 'ddvi', settings: { beta: 5, klWarmup: 1, posteriorConfig: { noising: { kind: 'linear', T: 5 } } } },
  'mean-field-beta-5': { family: 'gaussian', settings: { beta: 5, klWarmup: 1 } },
  'iaf-beta-5': { family: 'iaf', settings: { beta: 5, klWarmup: 1 } },
  // The reference's weights for its VAE and IAF (KL weight 0.01 on a per-pixel mean: beta 7.84), with our lr and warm-up.
  'mean-field-beta-7.84': { family: 'gaussian', settings: { beta: 7.84, klWarmup: 1 } },
  'iaf-beta-7.84': { family: 'iaf', settings: { beta: 7.84, klWarmup: 1 } },
  'sleep-once': { family: 'ddvi', settings: { posteriorConfig: { sleepRepeats: 1 } } },
  'sleep-10': { family: 'ddvi', settings: { posteriorConfig: { sleepRepeats: 10 } } },
  'sleep-20': { family: 'ddvi', settings: { posteriorConfig: { sleepRepeats: 20 } } },
  'no-sleep': { family: 'ddvi', settings: { posteriorConfig: { sleepWeight: 0 } } },
  'sleep-0.1': { family: 'ddvi', settings: { posteriorConfig: { sleepWeight: 0.1 } } },
  'no-sleep-floor': { family: 'ddvi', settings: { posteriorConfig: { sleepWeight: 0, varianceFloor: 1e-3 } } },
  'no-sleep-T5': { family: 'ddvi', settings: { posteriorConfig: { sleepWeight: 0, noising: { kind: 'linear', T: 5 } } } },
  pretrain: { family: 'ddvi', settings: { posteriorConfig: { priorPretrain: 0.25 } } },
  'lr-3e-4': { family: 'ddvi', settings: { learningRate: 3e-4 } },
  // DDVI gains the most from more epochs (docs/ddvi.md, "More epochs"): a faster lr for every family.
  'lr-3e-3': { family: 'ddvi', settings: { learningRate: 3e-3 } },
  'T5-lr-3e-3': { family: 'ddvi', settings: { learningRate: 3e-3, posteriorConfig: { noising: { kind: 'linear', T: 5 } } } },
  'mean-field-lr-3e-3': { family: 'gaussian', settings: { learningRate: 3e-3 } },
  'iaf-lr-3e-3': { family: 'iaf', settings: { learningRate: 3e-3 } },
  'lr-3e-4-floor': { family: 'ddvi', settings: { learningRate: 3e-4, posteriorConfig: { varianceFloor: 1e-3 } } },
  'no-guidance': { family: 'ddvi', settings: { posteriorConfig: { priorGuidance: 0 } } },
  'guide-1': { family: 'ddvi', settings: { posteriorConfig: { priorGuidance: 1 } } },
  'guide-5': { family: 'ddvi', settings: { posteriorConfig: { priorGuidance: 5 } } },
  'guide-10': { family: 'ddvi', settings: { posteriorConfig: { priorGuidance: 10 } } },
  'guide-40': { family: 'ddvi', settings: { posteriorConfig: { priorGuidance: 40 } } },
  'clip-100': { family: 'ddvi', settings: { clipNorm: 100 } },
  'clip-1000': { family: 'ddvi', settings: { clipNorm: 1000 } },
  'mean-field-clip-100': { family: 'gaussian', settings: { clipNorm: 100 } },
  'guide-5-floor': { family: 'ddvi', settings: { posteriorConfig: { priorGuidance: 5, varianceFloor: 1e-3 } } },
  'guide-constant': { family: 'ddvi', settings: { posteriorConfig: { guidanceGradient: 'constant' } } },
  'no-limit': { family: 'ddvi', settings: { posteriorConfig: { guidanceStepLimit: 0 } } },
  'constant-limit-1.5': { family: 'ddvi', settings: { posteriorConfig: { guidanceGradient: 'constant', guidanceStepLimit: 1.5 } } },
  'constant-limit-6': { family: 'ddvi', settings: { posteriorConfig: { guidanceGradient: 'constant', guidanceStepLimit: 6 } } },
  'constant-no-limit': { family: 'ddvi', settings: { posteriorConfig: { guidanceGradient: 'constant', guidanceStepLimit: 0 } } },
  // The context a = Q2(x) is the chain's main channel for which z an x gets: y_T is noisy by design
  // (it should look like r(y_T | z), spread 0.58 at T = 40). These widen or clean that channel.
  'context-no-dropout': { family: 'ddvi', settings: { posteriorConfig: { contextDropout: 0 } } },
  'context-8': { family: 'ddvi', settings: { posteriorConfig: { contextSize: 8 } } },
  'context-8-no-dropout': { family: 'ddvi', settings: { posteriorConfig: { contextSize: 8, contextDropout: 0 } } },
  'sleep-keeps-context': { family: 'ddvi', settings: { posteriorConfig: { sleepTrainsContext: false } } },
  // The sleep term's fantasy x: the decoder's mean (the reference) instead of a draw, which for a
  // Bernoulli decoder is a binary image unlike the grey-level data the context encoder sees awake.
  'fantasy-mean': { family: 'ddvi', settings: { posteriorConfig: { fantasy: 'mean' } } },
};
const DEFAULT_VARIANTS = ['base', 'no-guidance', 'guide-1', 'guide-10', 'floor', 'small-noise', 'T5', 'small-noise-floor', 'T5-floor', 'no-sleep', 'sleep-once', 'beta-2.35', 'pretrain', 'lr-3e-4', 'mean-field', 'iaf'];

const { values: flags } = parseArgs({
  options: {
    variants: { type: 'string', default: DEFAULT_VARIANTS.join(',') },
    epochs: { type: 'string', default: '4' },
    'train-limit': { type: 'string', default: '4500' },
    validation: { type: 'string', default: '500' },
    'iwae-k': { type: 'string', default: '50' },
    seed: { type: 'string', default: '0' },
    prior: { type: 'string', default: 'pinwheel' },
    out: { type: 'string', default: join(ROOT, 'runs', 'ddvi-levers') },
    table: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`usage: node scripts/ddvi-levers.mjs [--variants a,b] [--epochs N] [--train-limit N] [--validation N] [--iwae-k K] [--seed S] [--prior name] [--out dir] [--table]\n  --table: run nothing, rewrite <out>/levers.md from the variants already finished there\n  variants: ${Object.keys(VARIANTS).join(', ')}`);
  process.exit(0);
}
const variants = flags.variants.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = variants.filter((v) => !(v in VARIANTS));
if (unknown.length) {
  console.error(`ddvi-levers: unknown variants ${unknown.join(', ')} (known: ${Object.keys(VARIANTS).join(', ')})`);
  process.exit(2);
}
for (const k of ['epochs', 'train-limit', 'validation', 'iwae-k', 'seed']) {
  if (!/^\d+$/.test(flags[k])) {
    console.error(`ddvi-levers: --${k} must be a non-negative integer, got ${JSON.stringify(flags[k])}`);
    process.exit(2);
  }
}
if (!existsSync(CLI)) {
  console.error(`ddvi-levers: ${relative(ROOT, CLI)} is missing: build first (turbo run build --filter=@ddvi/cli...)`);
  process.exit(2);
}

function writeAtomic(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
const fmt = (v, digits = 2) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

const out = resolve(flags.out);
mkdirSync(out, { recursive: true });

/** The sweep's budget: a variant folder joins the table only if it was run at this budget. */
const budget = (config) =>
  JSON.stringify([config.priors, config.seeds, config.epochs, config.trainLimit, config.validation, config.iwaeK, config.learningRate]);

/** The sweep's shared settings, from the flags; each variant adds its family and that family's settings. */
const sweep = {
  priors: [flags.prior], seeds: [Number(flags.seed)], datasets: ['mnist'],
  epochs: Number(flags.epochs), trainLimit: Number(flags['train-limit']), validation: Number(flags.validation),
  iwaeK: Number(flags['iwae-k']), learningRate: 1e-3,
};

function configFor(name) {
  const { family, settings } = VARIANTS[name];
  return { families: [family], ...sweep, familySettings: { [family]: settings } };
}

/** One table row from a finished variant folder's parsed results.json. */
function rowFor(name, dir, results) {
  const { family, settings } = VARIANTS[name];
  const cell = results.cells[0];
  const t = cell.test ?? {};
  const m = cell.metrics ?? {};
  // kl = logQ - log p(z), logRatio = logQ for an unsupervised family: log p(z) = logRatio - kl.
  const logPz = t.logRatio !== undefined && t.kl !== undefined ? t.logRatio - t.kl : null;
  return {
    variant: name, family, settings, command: `ddvi bench --config ${relative(ROOT, join(dir, 'config.json'))} --out ${relative(ROOT, dir)}`,
    elbo: m.elbo ?? null, iwae: m.iwae ?? null, reconstruction: t.reconstruction ?? null, kl: t.kl ?? null,
    logPz, encoderLogQ: t.encoderLogQ ?? null, chainLogRatio: t.chainLogRatio ?? null,
    knn: m.knnAccuracy ?? null, latentNll: m.latentNll ?? null, nmi: m.nmi ?? null, msPerStep: m.msPerStep ?? null,
    error: cell.error ?? null,
  };
}

/**
 * Every finished variant under <out> at this sweep's budget, this invocation's first, so the table
 * gathers the rows of earlier invocations into the same folder instead of keeping only its own.
 */
function gatheredRows() {
  const want = budget(sweep);
  const names = [...variants, ...readdirSync(out).filter((n) => n in VARIANTS && !variants.includes(n)).sort()];
  return names.flatMap((name) => {
    const dir = join(out, name);
    if (!existsSync(join(dir, 'results.json'))) return [];
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    // The results' own config, not config.json: a failed rerun at another budget rewrites config.json
    // but leaves the older results.json behind.
    return budget(results.config ?? {}) === want ? [rowFor(name, dir, results)] : [];
  });
}

function writeTable() {
  const rows = gatheredRows();
  const table = [
    `# DDVI levers: MNIST, ${flags.prior} prior, scored on a validation split`,
    '',
    `${flags['train-limit']} training images minus ${flags.validation} held out for validation, ${flags.epochs} epochs, lr 1e-3 unless the variant says, seed ${flags.seed}, IWAE k ${flags['iwae-k']}. ` +
      'Bounds in nats per validation image. log p(z), log q(y_T|x) and the chain log-ratio split the KL term: KL = log q(y_T|x) + chain - log p(z).',
    '',
    '| variant | ELBO | IWAE | reconstruction | KL term | log p(z) | log q(y_T\\|x) | chain log-ratio | kNN | latent NLL | NMI | ms/step |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.variant} | ${fmt(r.elbo)} | ${fmt(r.iwae)} | ${fmt(r.reconstruction)} | ${fmt(r.kl)} | ${fmt(r.logPz)} | ${fmt(r.encoderLogQ)} | ${fmt(r.chainLogRatio)} | ${fmt(r.knn, 3)} | ${fmt(r.latentNll)} | ${fmt(r.nmi, 3)} | ${fmt(r.msPerStep, 0)} |${r.error ? ` ${r.error}` : ''}`),
    '',
  ].join('\n');
  writeAtomic(join(out, 'levers.md'), table);
  writeAtomic(join(out, 'levers.json'), `${JSON.stringify({ flags, rows }, null, 2)}\n`);
  console.log(table);
}

if (flags.table) {
  writeTable();
  process.exit(0);
}
variants.forEach((name, i) => {
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  const configPath = join(dir, 'config.json');
  writeAtomic(configPath, `${JSON.stringify(configFor(name), null, 2)}\n`);
  const command = ['bench', '--config', configPath, '--out', dir];
  console.log(`[${i + 1}/${variants.length}] ${name}: ddvi ${command.map((a) => relative(ROOT, a) || a).join(' ')}`);
  const run = spawnSync(process.execPath, [CLI, ...command], { stdio: 'inherit' });
  if (run.status !== 0 || !existsSync(join(dir, 'results.json'))) {
    console.error(`ddvi-levers: variant ${name} failed (exit ${run.status}); rerun to resume it`);
    return;
  }
  writeTable();
});
