import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BACKEND_NAMES, Elbo, Iwae, Reconstruction, evaluate, initBackend, listPosteriors, loadCheckpoint, writeFileAtomic } from '@ddvi/core';
import { listDatasets, withLabelBudget } from '@ddvi/benchmarks';
import { loadSplits } from '../data';
import { UsageError } from '../errors';
import { duration, num, terms } from '../format';
import { backendLine, println } from '../io';
import { NO_DENSITY } from '../metrics';
import type { Io } from '../io';
import { choice, integer, seed } from '../parse';
import { REQUIRE_HINT } from '../plugins';
import { buildFromCheckpoint } from '../setup';
import { LATENT_SIZE } from '../train_config';
import type { TrainConfig } from '../train_config';
import { CLI_NAME, CLI_VERSION } from '../version';
import { RUN_FILE } from './train';

export interface EvalFlags {
  checkpoint?: string;
  iwaeK?: string;
  testLimit?: string;
  dataset?: string;
  dataDir?: string;
  seed?: string;
  backend?: string;
  out?: string;
}

/**
 * `ddvi eval`: rebuilds the model and posterior from a checkpoint and reports the test ELBO and
 * IWAE bound. The dataset and its subset come from the run.json beside the checkpoint unless
 * flags say otherwise.
 */
export async function evalCommand(flags: EvalFlags, io: Io): Promise<number> {
  if (!flags.checkpoint) throw new UsageError('--checkpoint <path> is required');
  // A missing checkpoint is the first thing to report, before anything that reads beside it.
  if (!existsSync(flags.checkpoint)) throw new UsageError(`checkpoint not found or unreadable: ${flags.checkpoint}`);
  const iwaeK = flags.iwaeK === undefined ? 100 : integer('--iwae-k', flags.iwaeK, 0);
  const backendName = flags.backend === undefined ? undefined : choice('--backend', flags.backend, BACKEND_NAMES);
  const run = readRunConfig(flags.checkpoint);
  const datasetName = flags.dataset ?? run?.dataset;
  if (datasetName === undefined) {
    throw new UsageError(`--dataset is required: no ${RUN_FILE} beside ${flags.checkpoint} names the dataset (known: ${listDatasets().join(', ')})`);
  }
  const dataset = choice('--dataset', datasetName, listDatasets());
  const testLimit = flags.testLimit === undefined ? run?.testLimit : integer('--test-limit', flags.testLimit, 1);
  const evalSeed = flags.seed === undefined ? (run?.seed ?? 0) : seed('--seed', flags.seed);

  const backend = await initBackend(backendName);
  println(io.stdout, backendLine(backend));
  const payload = await loadCheckpoint(flags.checkpoint);
  if (!listPosteriors().includes(payload.posterior.kind)) {
    throw new UsageError(
      `${flags.checkpoint}: the checkpoint's posterior family ${JSON.stringify(payload.posterior.kind)} is not registered in this ddvi (known: ${listPosteriors().join(', ')}); ${REQUIRE_HINT}`,
    );
  }
  const { model, posterior } = buildFromCheckpoint(payload, flags.checkpoint);
  try {
    const prior = String((payload.model.config as Record<string, unknown>).prior);
    const loaded = await loadSplits({ dataset, dataDir: flags.dataDir ?? run?.dataDir, testLimit, prior, latentSize: LATENT_SIZE }, true);
    // A family that reads labels is scored on log p(x), as at the end of training: test labels hidden.
    const test = posterior.capabilities.supportsLabels && loaded.test.labels ? withLabelBudget(loaded.test, { labelled: 0, seed: evalSeed }) : loaded.test;
    if (test.dataSize !== model.dataSize) {
      throw new UsageError(`${flags.checkpoint}: the model expects ${model.dataSize} features but dataset ${dataset} has ${test.dataSize}; pass the --dataset it was trained on`);
    }
    println(io.stdout, `checkpoint: ${flags.checkpoint} (${payload.posterior.kind} posterior, step ${payload.step}, epoch ${payload.epoch})`);
    println(io.stdout, `data: ${test.name} ${test.size} examples`);

    const t0 = Date.now();
    const density = posterior.capabilities.hasDensity;
    const elbo = evaluate(model, posterior, density ? new Elbo() : new Reconstruction(), test, { seed: evalSeed });
    println(io.stdout, `test ELBO: ${density ? `${num(elbo.bound)} nats` : NO_DENSITY} (${terms(elbo)})`);
    let iwae: { k: number; bound: number } | null = null;
    if (iwaeK > 0 && !density) {
      println(io.stdout, `test IWAE bound: ${NO_DENSITY}; --iwae-k ${iwaeK} ignored`);
    } else if (iwaeK > 0 && posterior.capabilities.supportsIWAE) {
      const r = evaluate(model, posterior, new Iwae({ k: iwaeK, chunk: Math.min(iwaeK, 50) }), test, {
        seed: evalSeed, batchSize: Math.max(1, Math.floor(5000 / Math.min(iwaeK, 50))),
      });
      iwae = { k: iwaeK, bound: r.bound! };
      println(io.stdout, `test IWAE bound (k = ${iwaeK}): ${num(r.bound)} nats`);
    } else if (iwaeK > 0) {
      println(io.stdout, `test IWAE bound: not available (the ${payload.posterior.kind} family does not support importance weighting)`);
    }
    const out = flags.out ?? join(dirname(flags.checkpoint), 'eval.json');
    const record = {
      tool: { name: CLI_NAME, version: CLI_VERSION }, checkpoint: flags.checkpoint, step: payload.step, epoch: payload.epoch,
      posterior: payload.posterior.kind, backend, dataset, test: { name: test.name, size: test.size }, seed: evalSeed,
      elbo: elbo.bound ?? null, terms: elbo, iwae, densityMetrics: density ? 'reported' : NO_DENSITY, seconds: (Date.now() - t0) / 1000,
    };
    await writeFileAtomic(out, `${JSON.stringify(record, null, 2)}\n`);
    println(io.stdout, `wrote ${out} (${duration(record.seconds)})`);
    return 0;
  } finally {
    model.dispose();
    posterior.dispose();
  }
}

/** The training run's config from run.json beside the checkpoint, when there is one. */
function readRunConfig(checkpoint: string): Partial<TrainConfig> | undefined {
  const path = join(dirname(checkpoint), RUN_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { config?: Partial<TrainConfig> };
    return parsed.config;
  } catch (e) {
    throw new UsageError(`${path}: not valid JSON (${(e as Error).message}); fix or delete it, or pass --dataset`);
  }
}
