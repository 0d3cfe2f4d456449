import { SeedStream, createPosterior } from '@ddvi/core';
import type { Posterior } from '@ddvi/core';
import { DecoderModel } from '@ddvi/models';
import type { DecoderModelConfig, LikelihoodName } from '@ddvi/models';
import type { Cell } from './cell';
import type { BenchConfig } from './config';
import { trainingPriorOptions } from './training_prior';

/** The model and posterior of a cell, both built from the cell's seed, the posterior through the registry. */
export function buildCellPair(
  config: BenchConfig,
  cell: Cell,
  dataSize: number,
  data: { likelihood?: LikelihoodName } = {},
): { model: DecoderModel; posterior: Posterior } {
  const root = new SeedStream(cell.seed);
  const priorOptions = trainingPriorOptions(cell.prior);
  const modelConfig: DecoderModelConfig = {
    latentSize: config.latentSize, dataSize, prior: cell.prior, seed: root.fork('model').next(),
    ...(config.hidden ? { hidden: config.hidden } : {}),
    ...(priorOptions ? { priorOptions } : {}),
    ...(data.likelihood ? { likelihood: data.likelihood } : {}),
  };
  const model = new DecoderModel(modelConfig);
  try {
    const posteriorConfig = { ...config.posteriorConfig, ...(config.hidden ? { hidden: config.hidden } : {}) };
    const posterior = createPosterior(cell.family, {
      latentSize: config.latentSize, dataSize, seed: root.fork('posterior').next(), config: posteriorConfig,
    });
    return { model, posterior };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
