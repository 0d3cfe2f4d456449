import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@ddvi/core';
import { REFERENCE_KDE_BANDWIDTHS } from '@ddvi/distributions';
import type { CellResult } from './cell_store';
import type { BenchConfig } from './config';
import { LATENTS_DIR, readLatentFile } from './latent_file';
import type { KeptLatents } from './latent_file';
import { allFinite, scoreLatents } from './latent_scores';
import type { ClusteringSpec } from './latent_scores';
import { latentNllMetrics } from './kept_latents';
import type { MetricKey } from './metric_table';

/** What `ddvi bench report --rescore` changes; every unset key keeps the run's own setting. */
export interface RescoreOptions {
  /** Neighbours of the kNN accuracy. */
  knnK?: number;
  /** KDE bandwidths of the latent NLL column. */
  latentNllBandwidths?: number[];
  /** A second bandwidth set (the "latent NLL, alt H" column). */
  altLatentNllBandwidths?: number[];
  /** Clustering of NMI / purity: method and / or number of components (one per class when unset). */
  clustering?: Partial<ClusteringSpec>;
}

/** What results.json records of a rescoring, and results.md states. */
export interface RescoreRecord {
  /** The metrics recomputed from the kept latents; every other column is the run's. */
  metrics: MetricKey[];
  knnK: number;
  latentNllBandwidths: number[];
  altLatentNllBandwidths?: number[];
  /** The clustering asked for (a cell without it keeps its own: k-means, or the genotypes GMM). */
  clustering?: Partial<ClusteringSpec>;
  /** Cells rescored, and cells left as the run scored them (no latents file: failed, or written before latents were kept). */
  rescored: number;
  kept: string[];
}

const LABEL_METRICS: MetricKey[] = ['knnAccuracy', 'logisticAccuracy', 'nmi', 'purity'];

/** Checks the options before any file is read: each complaint names the option, the expectation and the value. */
export function checkRescoreOptions(options: RescoreOptions): void {
  const fail = (name: string, expected: string, got: unknown) => {
    throw new ValidationError(`rescore: ${name} must be ${expected}, got ${JSON.stringify(got)}`);
  };
  if (options.knnK !== undefined && !(Number.isInteger(options.knnK) && options.knnK >= 1)) fail('knnK', 'an integer >= 1', options.knnK);
  for (const key of ['latentNllBandwidths', 'altLatentNllBandwidths'] as const) {
    const h = options[key];
    if (h !== undefined && !(h.length > 0 && h.every((v) => Number.isFinite(v) && v > 0))) fail(key, 'a non-empty list of positive bandwidths', h);
  }
  const c = options.clustering;
  if (c?.method !== undefined && c.method !== 'kmeans' && c.method !== 'gmm') fail('clustering.method', '"kmeans" or "gmm"', c.method);
  if (c?.components !== undefined && !(Number.isInteger(c.components) && c.components >= 1)) fail('clustering.components', 'an integer >= 1', c.components);
}

/**
 * A cell's latent metrics scored again from its kept latents with `options` over the run's
 * settings (kNN k, latent-NLL bandwidths, clustering): the label metrics (kNN, logistic regression,
 * NMI, purity) always, the latent NLLs where the file holds the prior samples (families, not
 * baselines). With the run's own settings this reproduces the run's numbers exactly.
 */
export function rescoreLatents(result: CellResult, latents: KeptLatents, config: BenchConfig, options: RescoreOptions): CellResult {
  const { meta } = latents;
  const clustering: ClusteringSpec = {
    method: options.clustering?.method ?? meta.clustering.method,
    ...(options.clustering?.components !== undefined ? { components: options.clustering.components } : meta.clustering.components !== undefined ? { components: meta.clustering.components } : {}),
  };
  const scores = scoreLatents({
    trainZ: latents.trainZ, testZ: latents.testZ, dim: meta.dim, numClasses: meta.numClasses, seed: meta.seed, clustering,
    knnK: options.knnK ?? config.knnK,
    ...(latents.trainY ? { trainY: latents.trainY } : {}), ...(latents.testY ? { testY: latents.testY } : {}),
  });
  const metrics = { ...result.metrics, ...scores };
  if (latents.priorZ) {
    const finite = allFinite(latents.testZ) && allFinite(latents.trainZ);
    const h = {
      latentNllBandwidths: options.latentNllBandwidths ?? config.latentNllBandwidths ?? [...REFERENCE_KDE_BANDWIDTHS],
      ...(options.altLatentNllBandwidths ?? config.altLatentNllBandwidths ? { altLatentNllBandwidths: options.altLatentNllBandwidths ?? config.altLatentNllBandwidths } : {}),
    };
    Object.assign(metrics, latentNllMetrics(h, finite ? latents.testZ : null, latents.priorZ));
  }
  return { ...result, metrics };
}

/** The kept-latents file of a cell (the `latents/` entry of its files), when it is on disk. */
export function keptLatentPath(out: string, result: CellResult): string | undefined {
  const file = result.files.find((f) => f.startsWith(`${LATENTS_DIR}/`) && f.endsWith('.npz'));
  return file !== undefined && existsSync(join(out, file)) ? join(out, file) : undefined;
}

/** Rescores every cell that has its latents kept; the others stay as they are and are named in the record. */
export function rescoreCells(out: string, cells: readonly CellResult[], config: BenchConfig, options: RescoreOptions): { cells: CellResult[]; record: RescoreRecord } {
  checkRescoreOptions(options);
  const kept: string[] = [];
  let rescored = 0;
  let anyPrior = false;
  const next = cells.map((c) => {
    const path = c.error === undefined ? keptLatentPath(out, c) : undefined;
    if (path === undefined) {
      kept.push(c.id);
      return c;
    }
    const latents = readLatentFile(path);
    anyPrior ||= latents.priorZ !== undefined;
    rescored += 1;
    return rescoreLatents(c, latents, config, options);
  });
  const alt = options.altLatentNllBandwidths ?? config.altLatentNllBandwidths;
  const record: RescoreRecord = {
    metrics: [...LABEL_METRICS, ...(anyPrior ? (['latentNll', ...(alt ? ['altLatentNll'] : [])] as MetricKey[]) : [])],
    knnK: options.knnK ?? config.knnK,
    latentNllBandwidths: options.latentNllBandwidths ?? config.latentNllBandwidths ?? [...REFERENCE_KDE_BANDWIDTHS],
    ...(alt ? { altLatentNllBandwidths: alt } : {}),
    ...(options.clustering ? { clustering: options.clustering } : {}),
    rescored, kept,
  };
  return { cells: next, record };
}
