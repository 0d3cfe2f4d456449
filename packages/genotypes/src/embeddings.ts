import { UMAP } from 'umap-js';
import { checkPositiveInt, invalid } from '@ddvi/core';
import { Rng } from './random';
import { tsne } from './tsne';
import type { TsneOptions } from './tsne';

/**
 * The 2-D baseline embeddings of the ancestry table (spec §5.2, §10.4): PCA, UMAP and t-SNE, all
 * computed from the PC matrix (n x k row-major) and all deterministic given their seed.
 * Each returns an n x 2 (or n x dims) row-major Float32Array.
 */
export interface PcMatrix {
  scores: Float64Array | Float32Array;
  n: number;
  k: number;
}

function check(where: string, pcs: PcMatrix): void {
  checkPositiveInt(where, 'n', pcs.n);
  checkPositiveInt(where, 'k', pcs.k);
  if (pcs.scores.length !== pcs.n * pcs.k) invalid(where, 'scores.length', `n * k = ${pcs.n * pcs.k}`, pcs.scores.length);
}

/** The first `dims` (default 2) principal components. */
export function pcaEmbedding(pcs: PcMatrix, dims = 2): Float32Array {
  check('pcaEmbedding', pcs);
  if (!Number.isInteger(dims) || dims < 1 || dims > pcs.k) invalid('pcaEmbedding', 'dims', `an integer in [1, ${pcs.k}]`, dims);
  const out = new Float32Array(pcs.n * dims);
  for (let i = 0; i < pcs.n; i++) for (let c = 0; c < dims; c++) out[i * dims + c] = pcs.scores[i * pcs.k + c]!;
  return out;
}

function rows(pcs: PcMatrix, use: number): number[][] {
  const out: number[][] = new Array(pcs.n);
  for (let i = 0; i < pcs.n; i++) out[i] = Array.from(pcs.scores.subarray(i * pcs.k, i * pcs.k + use));
  return out;
}

export interface UmapOptions {
  dims?: number;
  /** PCs fed to UMAP (default all). */
  inputComponents?: number;
  nNeighbors?: number;
  minDist?: number;
  nEpochs?: number;
  seed?: number;
}

/** UMAP (npm `umap-js`, McInnes et al.), seeded through its `random` option. */
export function umapEmbedding(pcs: PcMatrix, options: UmapOptions = {}): Float32Array {
  check('umapEmbedding', pcs);
  const use = options.inputComponents ?? pcs.k;
  if (!Number.isInteger(use) || use < 1 || use > pcs.k) invalid('umapEmbedding', 'inputComponents', `an integer in [1, ${pcs.k}]`, use);
  const dims = options.dims ?? 2;
  const nNeighbors = Math.min(options.nNeighbors ?? 15, pcs.n - 1);
  if (nNeighbors < 2) invalid('umapEmbedding', 'n', 'at least 3 points', pcs.n);
  const rng = new Rng(options.seed ?? 0);
  const umap = new UMAP({
    nComponents: dims,
    nNeighbors,
    minDist: options.minDist ?? 0.1,
    ...(options.nEpochs !== undefined ? { nEpochs: options.nEpochs } : {}),
    random: () => rng.uniform(),
  });
  const emb = umap.fit(rows(pcs, use));
  const out = new Float32Array(pcs.n * dims);
  for (let i = 0; i < pcs.n; i++) for (let c = 0; c < dims; c++) out[i * dims + c] = emb[i]![c]!;
  return out;
}

export interface TsneEmbeddingOptions extends TsneOptions {
  /** PCs fed to t-SNE (default min(k, 50), as is customary before t-SNE). */
  inputComponents?: number;
}

/** Exact t-SNE (see `tsne`), seeded. */
export function tsneEmbedding(pcs: PcMatrix, options: TsneEmbeddingOptions = {}): Float32Array {
  check('tsneEmbedding', pcs);
  const use = options.inputComponents ?? Math.min(pcs.k, 50);
  if (!Number.isInteger(use) || use < 1 || use > pcs.k) invalid('tsneEmbedding', 'inputComponents', `an integer in [1, ${pcs.k}]`, use);
  const x = new Float64Array(pcs.n * use);
  for (let i = 0; i < pcs.n; i++) for (let c = 0; c < use; c++) x[i * use + c] = pcs.scores[i * pcs.k + c]!;
  const perplexity = Math.min(options.perplexity ?? 30, (pcs.n - 1) / 3);
  return Float32Array.from(tsne(x, pcs.n, use, { ...options, perplexity }));
}
