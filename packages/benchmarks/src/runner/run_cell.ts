import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Elbo, Iwae, Reconstruction, SeedStream, Trainer, createPosterior, encodeLatents, evaluate, linearWarmup, writeFileAtomic } from '@ddvi/core';
import type { Dataset, Posterior, TrainEvent } from '@ddvi/core';
import { DecoderModel } from '@ddvi/models';
import type { DecoderModelConfig } from '@ddvi/models';
import { trainingPriorOptions } from './training_prior';
import { cellData, modelDataOptions, posteriorDataOptions } from './cell_data';
import type { CellData } from './cell_data';
import { latentNll } from '../metrics/latent_nll';
import { cellId } from './cell';
import type { Cell } from './cell';
import type { CellResult } from './cell_store';
import type { BenchConfig } from './config';
import { allFinite, scoreLatents } from './latent_scores';
import { latentScatterSvg } from './latent_svg';
import { systemMemoryBudget } from './memory_budget';
import type { CellMetrics } from './metric_table';
import type { Splits } from './splits';

/** Writes extra plots of a cell (e.g. the CLI's vega PNG); returns file names relative to `out`. */
export type LatentPlotter = (input: {
  out: string;
  stem: string;
  z: Float32Array;
  labels?: Int32Array;
  priorSamples: Float32Array;
  title: string;
  labelName: string;
}) => Promise<string[]>;

export interface RunCellOptions {
  config: BenchConfig;
  cell: Cell;
  splits: Splits;
  /** The run's folder; the cell's plot goes under `<out>/plots/`. */
  out: string;
  onEvent?: (event: TrainEvent) => void;
  plotLatents?: LatentPlotter;
  /**
   * Where the cell's training is checkpointed (after each epoch, and every `everySteps` steps when
   * set). A checkpoint already there is resumed: the Trainer's resume is exact, so an interrupted
   * cell ends with the numbers of an uninterrupted one.
   */
  checkpoint?: { path: string; everySteps?: number };
}

/** The model and posterior of a cell, both built from the cell's seed, the posterior through the registry. */
export function buildCellPair(
  config: BenchConfig,
  cell: Cell,
  dataSize: number,
  data: CellData = {},
): { model: DecoderModel; posterior: Posterior } {
  const root = new SeedStream(cell.seed);
  const priorOptions = trainingPriorOptions(cell.prior);
  const modelConfig: DecoderModelConfig = {
    latentSize: config.latentSize, dataSize, prior: cell.prior, seed: root.fork('model').next(),
    ...(config.hidden ? { hidden: config.hidden } : {}),
    ...(priorOptions ? { priorOptions } : {}),
    ...modelDataOptions(data),
  };
  const model = new DecoderModel(modelConfig);
  try {
    const posteriorConfig = { ...config.posteriorConfig, ...(config.hidden ? { hidden: config.hidden } : {}), ...posteriorDataOptions(data) };
    const posterior = createPosterior(cell.family, {
      latentSize: config.latentSize, dataSize, seed: root.fork('posterior').next(), config: posteriorConfig,
    });
    return { model, posterior };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * Trains one cell and measures it: objectives follow the family's capabilities (ELBO where it has a
 * density, else the reconstruction), so no family is named here.
 */
export async function runCell(options: RunCellOptions): Promise<CellResult> {
  const { config, cell, splits, out } = options;
  const startedMs = Date.now();
  const train = splits.train;
  if (!train) throw new Error('runCell: the train split is missing');
  const test = splits.test;
  const { model, posterior } = buildCellPair(config, cell, train.dataSize, cellData(splits, config));
  let trainer: Trainer | undefined;
  try {
    const density = posterior.capabilities.hasDensity;
    const beta = config.klWarmup > 0 ? linearWarmup(config.beta, config.klWarmup) : config.beta;
    const evalObjective = density ? new Elbo() : new Reconstruction();
    let steps = 0;
    let stepMs = 0;
    let mark = Date.now();
    trainer = new Trainer({
      model, posterior, objective: density ? new Elbo({ beta }) : new Reconstruction(), evalObjective, train, test,
      evalEvery: config.epochs, batchSize: config.batchSize, epochs: config.epochs, learningRate: config.learningRate, seed: cell.seed,
      maxStepsPerEpoch: config.stepsPerEpoch, nanPolicy: 'stop', memoryBudget: systemMemoryBudget(),
      ...(options.checkpoint
        ? { checkpointPath: options.checkpoint.path, ...(options.checkpoint.everySteps !== undefined ? { checkpointEverySteps: options.checkpoint.everySteps } : {}) }
        : {}),
      onEvent: (e) => {
        const now = Date.now();
        if (e.type === 'step') {
          steps += 1;
          stepMs += now - mark;
        }
        options.onEvent?.(e);
        mark = Date.now();
      },
    });
    const resumeFrom = options.checkpoint && existsSync(options.checkpoint.path) ? options.checkpoint.path : undefined;
    const result = await trainer.fit(resumeFrom);
    const last = result.history[result.history.length - 1];
    const finalTest = last?.test ?? evaluate(model, posterior, evalObjective, test, { seed: cell.seed });

    const iwaeK = density && posterior.capabilities.supportsIWAE && config.iwaeK > 0 ? config.iwaeK : null;
    const iwae = iwaeK === null ? null : iwaeBound(model, posterior, test, iwaeK, cell.seed);

    const testLatents = encodeLatents(posterior, test, { seed: cell.seed });
    const trainLatents = encodeLatents(posterior, train, { seed: cell.seed });
    const prior = model.prior();
    const dim = config.latentSize;
    const finite = allFinite(testLatents.z) && allFinite(trainLatents.z);
    const labelled = testLatents.labels !== undefined && trainLatents.labels !== undefined;
    const numClasses = test.numClasses ?? (labelled ? new Set(testLatents.labels).size : null);
    const scores = scoreLatents({
      trainZ: trainLatents.z, testZ: testLatents.z, dim, ...(trainLatents.labels ? { trainY: trainLatents.labels } : {}),
      ...(testLatents.labels ? { testY: testLatents.labels } : {}), numClasses, knnK: config.knnK, seed: cell.seed,
      ...(splits.clustering ? { clustering: splits.clustering } : {}),
    });
    const metrics: CellMetrics = {
      elbo: density ? (finalTest.bound ?? null) : null,
      iwae,
      reconstruction: finalTest.reconstruction ?? null,
      ...scores,
      latentNll: finite ? latentNll({ latents: { data: testLatents.z, dim }, prior, samples: config.latentNllSamples, seed: cell.seed }) : null,
      wallSeconds: 0,
      msPerStep: steps > 0 ? stepMs / steps : null,
    };

    // The scatter: the test latents over prior samples.
    const priorTensor = prior.sample(new SeedStream(cell.seed).fork('plot'), [1000]);
    const priorSamples = Float32Array.from(priorTensor.dataSync());
    priorTensor.dispose();
    const stem = cellId(cell);
    const title = `${cell.dataset}: ${cell.family} posterior, ${cell.prior} prior, seed ${cell.seed}`;
    const files = [`plots/${stem}.svg`];
    await writeFileAtomic(
      join(out, 'plots', `${stem}.svg`),
      latentScatterSvg({ z: testLatents.z, ...(testLatents.labels ? { labels: testLatents.labels } : {}), priorSamples, title }),
    );
    if (options.plotLatents) {
      files.push(
        ...(await options.plotLatents({
          out, stem, z: testLatents.z, ...(testLatents.labels ? { labels: testLatents.labels } : {}), priorSamples, title, labelName: splits.labelName,
        })),
      );
    }

    const finishedMs = Date.now();
    metrics.wallSeconds = (finishedMs - startedMs) / 1000;
    return {
      id: stem,
      cell,
      capabilities: { hasDensity: density, supportsIWAE: posterior.capabilities.supportsIWAE },
      metrics,
      iwaeK,
      test: finalTest,
      data: {
        train: { name: train.name, size: train.size }, test: { name: test.name, size: test.size }, dataSize: train.dataSize,
        numClasses,
      },
      steps: { total: result.steps, skipped: result.skippedSteps },
      timing: {
        startedAt: new Date(startedMs).toISOString(), finishedAt: new Date(finishedMs).toISOString(), wallSeconds: metrics.wallSeconds,
        trainSeconds: result.history.reduce((a, r) => a + r.seconds, 0), msPerStep: metrics.msPerStep,
      },
      files,
    };
  } finally {
    trainer?.dispose();
    model.dispose();
    posterior.dispose();
  }
}

function iwaeBound(model: DecoderModel, posterior: Posterior, test: Dataset, k: number, seed: number): number | null {
  const chunk = Math.min(k, 50);
  const values = evaluate(model, posterior, new Iwae({ k, chunk }), test, { seed, batchSize: Math.max(1, Math.floor(5000 / chunk)) });
  return values.bound ?? null;
}
