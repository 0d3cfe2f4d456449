import { ValidationError } from '@ddvi/core';
import { getEmbedding } from '../baselines/registry';
import { cellId } from './cell';
import type { Cell } from './cell';
import type { CellResult } from './cell_store';
import type { BenchConfig } from './config';
import { DEFAULT_CLUSTERING, scoreLatents } from './latent_scores';
import { writeLatentFile } from './latent_file';
import { plotCell } from './cell_plot';
import { cellTiming } from './cell_result';
import type { LatentPlotter } from './cell_plot';
import type { CellMetrics } from './metric_table';
import { embeddingRows } from './splits';
import type { Splits } from './splits';

export interface RunBaselineOptions {
  config: BenchConfig;
  cell: Cell;
  splits: Splits;
  out: string;
  plotLatents?: LatentPlotter;
}

function gather(z: Float32Array, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * 2);
  for (let k = 0; k < rows.length; k++) {
    out[2 * k] = z[2 * rows[k]!]!;
    out[2 * k + 1] = z[2 * rows[k]! + 1]!;
  }
  return out;
}

function gatherLabels(labels: Int32Array | undefined, rows: Int32Array): Int32Array | undefined {
  return labels ? Int32Array.from(rows, (r) => labels[r]!) : undefined;
}

/**
 * A baseline's cell: the method embeds every example at once (it has no encoder to apply to new
 * data), then its train and test rows are scored exactly as a family's train and test latents are
 * (scoreLatents). Bounds, reconstruction and the latent NLL need a model and a prior: n/a.
 */
export async function runBaselineCell(options: RunBaselineOptions): Promise<CellResult> {
  const { config, cell, splits, out } = options;
  const startedMs = Date.now();
  const rows = embeddingRows(splits);
  if (!rows) throw new ValidationError(`baseline ${JSON.stringify(cell.family)}: dataset ${JSON.stringify(cell.dataset)} is not held in memory, so it cannot be embedded`);
  const method = getEmbedding(cell.family);
  const z = await method.embed({ data: rows.data, n: rows.n, dim: rows.dim, seed: cell.seed });
  if (z.length !== rows.n * 2) throw new Error(`baseline ${method.name} returned ${z.length} numbers for ${rows.n} rows; expected n x 2`);
  const trainZ = gather(z, rows.train);
  const testZ = gather(z, rows.test);
  const trainY = gatherLabels(rows.labels, rows.train);
  const testY = gatherLabels(rows.labels, rows.test);
  const numClasses = splits.test.numClasses ?? (testY ? new Set(testY).size : null);
  const scores = scoreLatents({
    trainZ, testZ, dim: 2, ...(trainY ? { trainY } : {}), ...(testY ? { testY } : {}), numClasses, knnK: config.knnK, seed: cell.seed,
    ...(splits.clustering ? { clustering: splits.clustering } : {}),
  });

  const stem = cellId(cell);
  const title = `${cell.dataset}: ${method.name} (baseline), seed ${cell.seed}`;
  // Kept for `ddvi bench report --rescore`, as a family's latents (no prior samples: a baseline has no prior).
  const kept = await writeLatentFile(out, {
    meta: {
      format: 'ddvi-latents/1', id: stem, seed: cell.seed, dim: 2, numClasses, clustering: splits.clustering ?? DEFAULT_CLUSTERING,
      splits: { test: splits.test.name, train: splits.train?.name ?? '' },
    },
    testZ, trainZ, ...(testY ? { testY } : {}), ...(trainY ? { trainY } : {}),
  });
  const files = await plotCell({
    out, stem, z: testZ, ...(testY ? { labels: testY } : {}), priorSamples: new Float32Array(0), title, labelName: splits.labelName,
    plotLatents: options.plotLatents,
  });
  files.push(kept);
  const finishedMs = Date.now();
  const wallSeconds = (finishedMs - startedMs) / 1000;
  const metrics: CellMetrics = { elbo: null, iwae: null, reconstruction: null, latentNll: null, altLatentNll: null, ...scores, wallSeconds, msPerStep: null };
  return {
    id: stem, cell, capabilities: { hasDensity: false, supportsIWAE: false }, metrics, iwaeK: null, test: {},
    data: {
      train: { name: splits.train?.name ?? '', size: rows.train.length }, test: { name: splits.test.name, size: rows.test.length }, dataSize: rows.dim,
      numClasses,
    },
    steps: { total: 0, skipped: 0 },
    timing: cellTiming(startedMs, finishedMs),
    files,
  };
}
