#!/usr/bin/env node
/* global console, process */
// DDVI ablations on MNIST with the pinwheel prior, next to the mean-field VAE, through the real
// `ddvi train` command (so every number is what a user gets):
//
//   pnpm ablation:ddvi                                # quick preset, the default variants below
//   node scripts/ddvi-ablation.mjs --epochs 10 --train-limit 20000 --variants mean-field,ddvi,ddvi-no-sleep
//
// Variants: mean-field (the Gaussian VAE encoder), ddvi (our defaults), ddvi-no-sleep (sleep weight
// 0), ddvi-T1 / -T5 / -T20 / -T40 (number of noising steps), ddvi-reference (the reference's
// training: Huber wake term, KL(q(y_T|x) || N(0, I)), fixed posterior variances), ddvi-pretrain (the
// first quarter of the epochs trains only the sleep term, spec §4.3 stage 0), ddvi-sleep-mean (the
// decoder's mean as the sleep fantasy, as the reference), ddvi-sleep-once (1 sleep update per batch
// instead of 3), ddvi-sleep-denoiser-only (the sleep term leaves the context encoder alone). Each run writes
// its own folder (checkpoint, metrics.json/.md, latent.png); a run whose metrics.json exists is not
// repeated, so a killed ablation resumes. The table goes to <out>/ablation.md and ablation.json
// (temp file + rename).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scriptArgs } from './script_args.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'apps', 'cli', 'dist', 'bin.js');

const VARIANTS = {
  'mean-field': { posterior: 'gaussian', config: {} },
  ddvi: { posterior: 'ddvi', config: {} },
  'ddvi-no-sleep': { posterior: 'ddvi', config: { sleepWeight: 0 } },
  'ddvi-T1': { posterior: 'ddvi', config: { noising: { kind: 'linear', T: 1 } } },
  'ddvi-T5': { posterior: 'ddvi', config: { noising: { kind: 'linear', T: 5 } } },
  'ddvi-T20': { posterior: 'ddvi', config: { noising: { kind: 'linear', T: 20 } } },
  'ddvi-T40': { posterior: 'ddvi', config: { noising: { kind: 'linear', T: 40 } } },
  'ddvi-pretrain': { posterior: 'ddvi', config: { priorPretrain: 0.25 } },
  'ddvi-sleep-mean': { posterior: 'ddvi', config: { fantasy: 'mean' } },
  'ddvi-sleep-once': { posterior: 'ddvi', config: { sleepRepeats: 1 } },
  'ddvi-sleep-denoiser-only': { posterior: 'ddvi', config: { sleepTrainsContext: false } },
  'ddvi-reference': { posterior: 'ddvi', config: { wake: 'huber', reverseVariance: 'posterior', fantasy: 'mean' } },
};
const DEFAULT_VARIANTS = Object.keys(VARIANTS);

function usage(message) {
  if (message) console.error(`ddvi-ablation: ${message}`);
  console.error(
    'usage: node scripts/ddvi-ablation.mjs [--variants a,b] [--epochs N] [--train-limit N] [--test-limit N] [--seed N] [--iwae-k N] [--out dir]\n' +
      `  --variants  from ${DEFAULT_VARIANTS.join(', ')} (default: all)\n` +
      '  other flags go to `ddvi train` (default: its quick preset); --out defaults to runs/ddvi-ablation',
  );
  process.exit(message ? 2 : 0);
}

const PASSED = ['epochs', 'train-limit', 'test-limit', 'seed', 'iwae-k', 'lr', 'batch-size', 'beta'];

function parseOptions() {
  const a = scriptArgs({
    variants: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' },
    ...Object.fromEntries(PASSED.map((k) => [k, { type: 'string' }])),
  }, usage);
  if (a.help) usage();
  const pass = [];
  for (const k of PASSED) {
    if (a[k] === undefined) continue;
    if (!Number.isFinite(Number(a[k]))) usage(`--${k} must be a number, got ${JSON.stringify(a[k])}`);
    pass.push(`--${k}`, a[k]);
  }
  return {
    variants: a.variants === undefined ? DEFAULT_VARIANTS : a.variants.split(',').map((s) => s.trim()).filter(Boolean).map((v) => (v in VARIANTS ? v : usage(`--variants: unknown ${JSON.stringify(v)}; known: ${DEFAULT_VARIANTS.join(', ')}`))),
    out: a.out === undefined ? join(ROOT, 'runs', 'ddvi-ablation') : resolve(a.out),
    pass,
  };
}

function writeAtomic(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

const fmt = (v, digits = 2) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

function main() {
  const opts = parseOptions();
  if (!existsSync(CLI)) usage(`${relative(ROOT, CLI)} is missing: build first (pnpm ablation:ddvi builds it)`);
  mkdirSync(opts.out, { recursive: true });
  const rows = [];
  opts.variants.forEach((name, i) => {
    const { posterior, config } = VARIANTS[name];
    const dir = join(opts.out, name);
    const metricsPath = join(dir, 'metrics.json');
    if (!existsSync(metricsPath)) {
      console.log(`[${i + 1}/${opts.variants.length}] ${name}: ddvi train --posterior ${posterior} --posterior-config '${JSON.stringify(config)}'`);
      const args = [CLI, 'train', '--preset', 'quick', '--posterior', posterior, '--posterior-config', JSON.stringify(config), '--out', dir, '--overwrite', ...opts.pass];
      const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
      if (run.status !== 0) throw new Error(`ddvi-ablation: variant ${name} failed (exit ${run.status}); its folder keeps the last checkpoint`);
    } else {
      console.log(`[${i + 1}/${opts.variants.length}] ${name}: done before, reading ${relative(ROOT, metricsPath)}`);
    }
    const m = JSON.parse(readFileSync(metricsPath, 'utf8'));
    const test = m.final.test;
    rows.push({
      variant: name, posterior, config,
      elbo: m.final.elbo ?? null, iwae: m.final.iwae?.bound ?? null, iwaeK: m.final.iwae?.k ?? null,
      reconstruction: test.reconstruction, kl: test.kl,
      msPerStep: m.timing?.msPerStep ?? null, trainSeconds: m.timing?.trainSeconds ?? null,
      latentPlot: relative(opts.out, join(dir, 'latent.png')),
    });
  });
  const result = { generated: new Date().toISOString(), args: opts.pass, rows };
  writeAtomic(join(opts.out, 'ablation.json'), `${JSON.stringify(result, null, 2)}\n`);
  const md = [
    '# DDVI ablation: MNIST, pinwheel prior',
    '',
    `\`ddvi train --preset quick ${opts.pass.join(' ')}\` per variant; bounds in nats per test image (higher is better).`,
    '',
    '| variant | test ELBO | test IWAE | reconstruction | KL term | ms/step | latent |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.variant} | ${fmt(r.elbo)} | ${r.iwae === null ? 'n/a' : `${fmt(r.iwae)} (k=${r.iwaeK})`} | ${fmt(r.reconstruction)} | ${fmt(r.kl)} | ${fmt(r.msPerStep, 0)} | ![${r.variant}](${r.latentPlot}) |`),
    '',
  ].join('\n');
  writeAtomic(join(opts.out, 'ablation.md'), md);
  console.log(md);
}

main();
