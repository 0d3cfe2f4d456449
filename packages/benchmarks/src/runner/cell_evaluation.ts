import { Elbo, Iwae, Reconstruction, evaluate } from '@ddvi/core';
import type { Dataset, Model, Objective, Posterior, TrainResult } from '@ddvi/core';
import type { Cell } from './cell';
import type { BenchConfig } from './config';
import { scoringPair } from './eval_dropout';

export interface CellBounds {
  /** Test-set terms of the final evaluation (bound, reconstruction, kl, ...). */
  finalTest: Record<string, number>;
  /** The IWAE bound and its k (both null where the family has no density or IWAE is off). */
  iwae: number | null;
  iwaeK: number | null;
}

/** The test-set bounds of a trained cell: the last epoch's evaluation (the trainer's), and the IWAE bound. */
export function evaluateCell(input: {
  config: BenchConfig;
  cell: Cell;
  model: Model;
  posterior: Posterior;
  test: Dataset;
  training: { result: TrainResult; evalObjective: Objective };
}): CellBounds {
  const { config, cell, model, posterior, test, training } = input;
  const last = training.result.history[training.result.history.length - 1];
  // Scored as the config says (evalDropout: dropout on, the reference's protocol; then the trainer's own evaluation is not used).
  const scored = scoringPair(config.evalDropout, model, posterior);
  const finalTest = (config.evalDropout ? undefined : last?.test) ?? evaluate(scored.model, scored.posterior, training.evalObjective, test, { seed: cell.seed });
  const iwaeK = cellIwaeK(config, posterior);
  const iwae = iwaeK === null ? null : iwaeBound(scored.model, scored.posterior, test, iwaeK, cell.seed);
  return { finalTest, iwae, iwaeK };
}

/** What a cell's test set is scored with: the ELBO where the family has a density, else the reconstruction. */
export function evaluationObjective(posterior: Posterior): Objective {
  return posterior.capabilities.hasDensity ? new Elbo() : new Reconstruction();
}

/** The IWAE's k a cell is scored with, or null where the family has no density or IWAE is off. */
export function cellIwaeK(config: BenchConfig, posterior: Posterior): number | null {
  const { hasDensity, supportsIWAE } = posterior.capabilities;
  return hasDensity && supportsIWAE && config.iwaeK > 0 ? config.iwaeK : null;
}

/** The IWAE bound on the test set (its first `limit` images when given), in chunks of at most 50 draws. */
export function iwaeBound(model: Model, posterior: Posterior, test: Dataset, k: number, seed: number, limit?: number): number | null {
  const chunk = Math.min(k, 50);
  const values = evaluate(model, posterior, new Iwae({ k, chunk }), test, {
    seed, batchSize: Math.max(1, Math.floor(5000 / chunk)), ...(limit !== undefined ? { limit } : {}),
  });
  return values.bound ?? null;
}
