import { SeedStream, encodeLatents, evaluate } from '@ddvi/core';
import type { Dataset, Distribution, Latents, Model, Posterior } from '@ddvi/core';
import type { Cell } from './cell';
import type { BenchConfig } from './config';
import { cellIwaeK, evaluationObjective, iwaeBound } from './cell_evaluation';
import { scoringPair } from './eval_dropout';
import { labelScores } from './cell_latents';
import { latentNllMetrics } from './kept_latents';
import type { ClusteringSpec } from './latent_scores';

/** Wall seconds per image of each part of a cell's evaluation. */
export interface EvaluationCost {
  /** The test bound (the trainer's last evaluation), per test image. */
  bound: number;
  /** The IWAE bound per test image (0 where the cell scores none). */
  iwae: number;
  /** One posterior draw per image, for the kept latents of the test and train sets. */
  latents: number;
}

/**
 * Images each part is timed on, after one untimed run on as many: the first run at a batch's size
 * pays one-time costs (measured: DDVI's IWAE on 100 images took 12.5 s the first time, 3.7 s the
 * second, after a warm-up on 4 images), which a cell pays once, not per batch.
 */
const TIMED_IMAGES = 100;
/** The IWAE is timed on at most this many draws (images x k): the paper preset's k = 1000 would make 100 images take minutes. */
const TIMED_IWAE_DRAWS = 5000;

/**
 * Times the parts of a cell's evaluation that grow with the data (./run_cell: the test bound, the
 * IWAE bound, the latents of both sets) on a few test images, with the calls and batch sizes the
 * cell makes. Their work per image does not depend on the weights, so an untrained pair gives it;
 * the latent scores and the plot are not timed (45 s of a standard DDVI cell on a busy machine). Dropout at
 * evaluation (`evalDropout`) is honoured as the cell honours it.
 */
export function timeEvaluation(config: BenchConfig, cell: Cell, model: Model, posterior: Posterior, test: Dataset): EvaluationCost {
  const scored = scoringPair(config.evalDropout, model, posterior);
  const objective = evaluationObjective(posterior);
  const iwaeK = cellIwaeK(config, posterior);
  const perImage = (run: (limit: number) => void, timedImages = TIMED_IMAGES): number => {
    const images = Math.max(1, Math.min(timedImages, test.size));
    run(images);
    const started = performance.now();
    run(images);
    return (performance.now() - started) / 1000 / images;
  };
  return {
    // With dropout at evaluation the cell scores the test bound again after the trainer's own pass (./cell_evaluation).
    bound: perImage((limit) => evaluate(scored.model, scored.posterior, objective, test, { seed: cell.seed, limit })) * (config.evalDropout ? 2 : 1),
    iwae: iwaeK === null ? 0 : perImage((limit) => iwaeBound(scored.model, scored.posterior, test, iwaeK, cell.seed, limit), Math.floor(TIMED_IWAE_DRAWS / iwaeK)),
    latents: perImage((limit) => encodeLatents(scored.posterior, test, { seed: cell.seed, limit })),
  };
}

/** A cell's evaluation seconds from the per-image costs: both bounds on the test set, latents of both sets. */
export function evaluationSeconds(cost: EvaluationCost, sizes: { test: number; train: number }): number {
  return (cost.bound + cost.iwae) * sizes.test + cost.latents * (sizes.test + sizes.train);
}

/**
 * Wall seconds of one cell's latent scores (./cell_latents: kNN and logistic regression fit on the
 * train latents, the clustering of the test latents with NMI and purity, the latent NLL against
 * `config.latentNllSamples` prior draws) at the cell's set sizes, through the cell's own calls. Their
 * cost depends on the sizes and the labels, not on the family, so prior draws stand in for the
 * latents, with the sets' real labels.
 */
export function timeLatentScores(
  config: BenchConfig, cell: Cell, prior: Distribution, sets: { train: Dataset; test: Dataset }, clustering?: ClusteringSpec,
): number {
  const seeds = new SeedStream(cell.seed).fork('timed-scores');
  const draw = (n: number): Float32Array => {
    const t = prior.sample(seeds.next(), [n]);
    const z = Float32Array.from(t.dataSync());
    t.dispose();
    return z;
  };
  const latents = (set: Dataset): Latents => {
    const labels = set.labels?.();
    return { z: draw(set.size), latentSize: config.latentSize, ...(labels ? { labels } : {}) };
  };
  const [train, test, priorZ] = [latents(sets.train), latents(sets.test), draw(config.latentNllSamples)];
  const started = performance.now();
  labelScores(config, cell, { train, test }, sets.test, clustering);
  latentNllMetrics(config, test.z, priorZ);
  return (performance.now() - started) / 1000;
}
