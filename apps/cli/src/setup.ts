import { SeedStream, ValidationError, createPosterior, posteriorFromJSON } from '@ddvi/core';
import type { CheckpointPayload, Posterior } from '@ddvi/core';
import { trainingPriorOptions } from '@ddvi/benchmarks';
import { DecoderModel } from '@ddvi/models';
import type { DecoderModelConfig } from '@ddvi/models';
import type { TrainConfig } from './train_config';

export interface Pair {
  model: DecoderModel;
  posterior: Posterior;
}

/**
 * A fresh model (the paper's MNIST decoder unless --hidden says otherwise) and posterior of the
 * requested family, from the registry. Both draw their initial weights from the run's seed.
 */
export function buildFresh(config: TrainConfig, dataSize: number): Pair {
  const root = new SeedStream(config.seed);
  // The prior as the bench trains with it: the square's exact density is 0 beyond its corners, so a
  // latent landing there makes the bound -inf at the first steps; the bench's smoothed square is not.
  const priorOptions = trainingPriorOptions(config.prior);
  const modelConfig: DecoderModelConfig = {
    latentSize: config.latentSize, dataSize, prior: config.prior, likelihood: config.likelihood, seed: root.fork('model').next(),
    ...(priorOptions ? { priorOptions } : {}),
    ...(config.hidden ? { hidden: config.hidden } : {}),
    ...(config.trunk ? { trunk: config.trunk } : {}),
    ...(config.gaussianScale !== undefined ? { gaussianScale: config.gaussianScale } : {}),
  };
  const model = new DecoderModel(modelConfig);
  try {
    const posterior = createPosterior(config.posterior, {
      latentSize: config.latentSize, dataSize, seed: root.fork('posterior').next(), config: config.posteriorConfig, prior: model.prior(),
    });
    return { model, posterior };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Model and posterior as saved in a checkpoint (architecture from their configs, then weights). */
export function buildFromCheckpoint(payload: CheckpointPayload, source: string): Pair {
  let model: DecoderModel;
  try {
    model = DecoderModel.fromJSON(payload.model);
  } catch (e) {
    throw new ValidationError(`${source}: cannot rebuild the model: ${(e as Error).message}`);
  }
  try {
    return { model, posterior: posteriorFromJSON(payload.posterior, { prior: model.prior() }) };
  } catch (e) {
    model.dispose();
    throw new ValidationError(`${source}: cannot rebuild the posterior: ${(e as Error).message}`);
  }
}

/** Checks that a checkpoint was made by a run with this configuration's architecture choices. */
export function checkResumable(payload: CheckpointPayload, config: TrainConfig, source: string): void {
  const modelConfig = payload.model.config as Partial<Record<string, unknown>>;
  const mismatch = (what: string, saved: unknown, now: unknown) =>
    new ValidationError(`${source}: cannot resume: the checkpoint's ${what} is ${JSON.stringify(saved)}, this run asks for ${JSON.stringify(now)}`);
  if (payload.posterior.kind !== config.posterior) throw mismatch('posterior family (--posterior)', payload.posterior.kind, config.posterior);
  if (modelConfig.prior !== config.prior) throw mismatch('prior (--prior)', modelConfig.prior, config.prior);
  if (modelConfig.likelihood !== config.likelihood) throw mismatch('likelihood (--likelihood)', modelConfig.likelihood, config.likelihood);
  if (config.hidden && JSON.stringify(modelConfig.hidden) !== JSON.stringify(config.hidden)) {
    throw mismatch('decoder widths (--hidden)', modelConfig.hidden, config.hidden);
  }
}
