#!/usr/bin/env node
/* global console, process */
// DDVI's training step in this checkout against another checkout of the repo (an earlier revision,
// built), on the same machine in one run (issue 19's "3x faster than today's step"):
//
//   git worktree add ../ddvi-before 55374d9 && (cd ../ddvi-before && pnpm install && pnpm exec turbo run build --filter=@ddvi/cli...)
//   node scripts/bench-ddvi-revisions.mjs --baseline ../ddvi-before                 # genotypes networks
//   node scripts/bench-ddvi-revisions.mjs --baseline ../ddvi-before --networks mnist --rounds 3
//
// Each measurement is a child process (`--child <tree>`) that loads that tree's built packages
// (packages/*/dist) and times real Trainer steps of a DDVI posterior on random data of the
// networks' shape, as `ddvi bench` builds them: the model's prior handed to the posterior where
// the tree's DDVI takes it (prior guidance), each tree's own defaults and backend choice
// (`initBackend('auto')`: the native products where that tree has them, DDVI_BLAS=0 to turn them
// off in this tree). Baseline and this tree alternate round by round (ABAB) so load changes hit
// both; medians over all timed steps; writes JSON.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DDVI_STEP_NETWORKS as NETWORKS, timeDdviSteps } from './ddvi_step_timing.mjs';
import { integerArg, scriptArgs } from './script_args.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function usage(message) {
  if (message) console.error(`bench-ddvi-revisions: ${message}`);
  console.error('usage: node scripts/bench-ddvi-revisions.mjs --baseline <built checkout> [--networks genotypes|mnist] [--prior name] [--steps N] [--warmup N] [--rounds N] [--out file]');
  process.exit(message ? 2 : 0);
}

const a = scriptArgs({
  baseline: { type: 'string' }, child: { type: 'string' }, networks: { type: 'string' }, prior: { type: 'string' }, steps: { type: 'string' }, warmup: { type: 'string' },
  rounds: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
}, usage);
if (a.help) usage();
const networks = a.networks ?? 'genotypes';
const prior = a.prior ?? 'pinwheel';
if (!(networks in NETWORKS)) usage(`--networks must be one of ${Object.keys(NETWORKS).join(', ')}`);
const steps = integerArg('steps', a.steps, 8, 1, usage);
const warmup = integerArg('warmup', a.warmup, 2, 0, usage);

if (a.child !== undefined) await child(resolve(a.child));
else await parent();

/** Times `steps` DDVI training steps with the tree's own packages; prints one JSON line. */
async function child(tree) {
  const dist = (pkg) => import(pathToFileURL(join(tree, 'packages', pkg, 'dist', 'index.js')).href);
  const net = NETWORKS[networks];
  const core = await dist('core');
  const { DecoderModel } = await dist('models');
  await dist('posterior-diffusion');
  const tf = await import(pathToFileURL(createRequire(join(tree, 'packages', 'core', 'package.json')).resolve('@tensorflow/tfjs-core')).href);
  console.warn = () => {};
  const backend = await core.initBackend('auto');
  const { times, config } = await timeDdviSteps({ core, tf, DecoderModel }, net, { steps, warmup, prior });
  const guided = config.priorGuidance ?? 0;
  console.log(JSON.stringify({ kernels: backend.kernels ?? backend.name, priorGuidance: guided, times }));
}

async function parent() {
  if (a.baseline === undefined) usage('--baseline <built checkout> is required');
  const baseline = resolve(a.baseline);
  for (const tree of [baseline, ROOT]) {
    if (!existsSync(join(tree, 'packages', 'posterior-diffusion', 'dist', 'index.js'))) usage(`${tree} has no built packages (run its build first)`);
  }
  const rounds = integerArg('rounds', a.rounds, 2, 1, usage);
  const out = a.out === undefined ? join(ROOT, 'runs', `bench-ddvi-revisions-${networks}${prior === 'pinwheel' ? '' : `-${prior}`}.json`) : resolve(a.out);
  const git = (tree) => spawnSync('git', ['-C', tree, 'log', '-1', '--format=%h %s'], { encoding: 'utf8' }).stdout.trim();
  const median = (xs) => {
    const s = [...xs].sort((x, y) => x - y);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const r1 = (x) => Math.round(x * 10) / 10;
  const run = (tree) => {
    const args = [fileURLToPath(import.meta.url), '--child', tree, '--networks', networks, '--prior', prior, '--steps', String(steps), '--warmup', String(warmup)];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
    const line = r.stdout.trim().split('\n').pop();
    if (r.status !== 0 || !line?.startsWith('{')) {
      console.error(`bench-ddvi-revisions: the step timing in ${tree} failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
      process.exit(1);
    }
    return JSON.parse(line);
  };
  const sides = { baseline: { tree: baseline, revision: git(baseline), times: [] }, current: { tree: ROOT, revision: git(ROOT), times: [] } };
  for (let round = 1; round <= rounds; round++) {
    for (const side of ['baseline', 'current']) {
      const r = run(sides[side].tree);
      Object.assign(sides[side], { kernels: r.kernels, priorGuidance: r.priorGuidance });
      sides[side].times.push(...r.times);
      console.log(`round ${round}/${rounds}: ${side} (${r.kernels}, prior guidance ${r.priorGuidance}) ${r1(median(r.times))} ms/step`);
    }
  }
  for (const s of Object.values(sides)) s.medianMs = r1(median(s.times));
  const result = {
    generated: new Date().toISOString(), cpus: cpus().length, loadavg: loadavg(), networks, prior, steps, warmup, rounds,
    baseline: sides.baseline, current: sides.current, speedup: Math.round((median(sides.baseline.times) / median(sides.current.times)) * 100) / 100,
  };
  console.log(`DDVI step, ${networks} networks, ${prior} prior: ${sides.baseline.revision.split(' ')[0]} ${result.baseline.medianMs} ms, ` +
    `${sides.current.revision.split(' ')[0]} ${result.current.medianMs} ms: ${result.speedup}x`);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(tmp, out);
}
