import type { Distribution, Latents } from '@ddvi/core';
import { REFERENCE_KDE_BANDWIDTHS } from '@ddvi/distributions';
import { latentNll } from '../metrics/latent_nll';
import type { Cell } from './cell';
import { cellId } from './cell';
import type { BenchConfig } from './config';
import { writeLatentFile } from './latent_file';
import { DEFAULT_CLUSTERING } from './latent_scores';
import type { ClusteringSpec } from './latent_scores';
import type { CellMetrics } from './metric_table';

/** The latent NLLs of a cell: its bandwidths (default D7's) and, when the config asks, a second set beside them. */
export function latentNllMetrics(
  config: Pick<BenchConfig, 'latentNllBandwidths' | 'altLatentNllBandwidths'>,
  testZ: Float32Array | null,
  priorZ: Float32Array,
): Pick<CellMetrics, 'latentNll' | 'altLatentNll'> {
  const score = (bandwidths: readonly number[]) => (testZ ? latentNll({ latents: { data: testZ, dim: 2 }, priorSamples: { data: priorZ, dim: 2 }, bandwidths }) : null);
  return {
    latentNll: score(config.latentNllBandwidths ?? REFERENCE_KDE_BANDWIDTHS),
    altLatentNll: config.altLatentNllBandwidths ? score(config.altLatentNllBandwidths) : null,
  };
}

export interface KeepLatentsInput {
  config: BenchConfig;
  cell: Cell;
  out: string;
  test: Latents;
  train: Latents;
  /** The model's prior: the latent NLL's samples are drawn from it (config.latentNllSamples, the cell's seed). */
  prior: Distribution;
  numClasses: number | null;
  /** Whether every latent is finite (else the latent NLL is null, as the other latent metrics). */
  finite: boolean;
  clustering?: ClusteringSpec;
  splitNames: { test: string; train: string };
}

/**
 * Scores a family cell's latent NLLs and keeps its latents (test, train, labels, and the prior
 * samples the NLL scored) in `<out>/latents/<id>.npz`, so `ddvi bench report --rescore` can score
 * them again with other settings without retraining. Returns the metrics and the file (relative to
 * `out`). The prior samples are the ones `latentNll({ prior, samples, seed })` would draw.
 */
export async function keepAndScoreLatents(input: KeepLatentsInput): Promise<Pick<CellMetrics, 'latentNll' | 'altLatentNll'> & { file: string }> {
  const { config, cell, test, train } = input;
  const samples = config.latentNllSamples;
  const drawn = input.prior.sample(cell.seed, [samples]);
  const priorZ = Float32Array.from(drawn.dataSync());
  drawn.dispose();
  const metrics = latentNllMetrics(config, input.finite ? test.z : null, priorZ);
  const file = await writeLatentFile(input.out, {
    meta: {
      format: 'ddvi-latents/1', id: cellId(cell), seed: cell.seed, dim: test.latentSize, numClasses: input.numClasses,
      clustering: input.clustering ?? DEFAULT_CLUSTERING, splits: input.splitNames, latentNll: { samples, seed: cell.seed },
    },
    testZ: test.z, trainZ: train.z, priorZ,
    ...(test.labels ? { testY: test.labels } : {}), ...(train.labels ? { trainY: train.labels } : {}),
  });
  return { ...metrics, file };
}
