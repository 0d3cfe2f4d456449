import { SeedStream } from '@ddvi/core';
import type { Posterior } from '@ddvi/core';
import { DecoderModel } from '@ddvi/models';
import type { DecoderModelConfig } from '@ddvi/models';
import { modelDataOptions, posteriorDataOptions } from './cell_data';
import type { CellData } from './cell_data';
import type { Cell } from './cell';
import type { BenchConfig } from './config';
import { familySettings } from './family_settings';
import { createCellPosterior } from './semi';
import { trainingPriorOptions } from './training_prior';

/** The model and posterior of a cell, both built from the cell's seed, the posterior through the registry (with `classes`: its semi-supervised form). */
export function buildCellPair(
  config: BenchConfig,
  cell: Cell,
  dataSize: number,
  data: CellData & { classes?: number } = {},
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
    // The family's own settings over the grid's, and its own on the cell's prior (familySettings), in its semi-supervised form when the cell has labels.
    const posteriorConfig = { ...familySettings(config, cell.family, cell.prior).posteriorConfig, ...posteriorDataOptions(data) };
    const posterior = createCellPosterior(config, cell, {
      latentSize: config.latentSize, dataSize, seed: root.fork('posterior').next(), config: posteriorConfig, prior: model.prior(),
    }, data.classes);
    return { model, posterior };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
