import { ValidationError } from '@ddvi/core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { tsneEmbedding, umapEmbedding } from '@ddvi/genotypes';

/** Rows to embed: row-major [n, dim]. */
export interface EmbeddingInput {
  data: Float32Array;
  n: number;
  dim: number;
  seed: number;
}

/**
 * A 2-D embedding method benchmarked beside the posterior families (spec §5.2: PCA, t-SNE, UMAP):
 * it sees every individual at once (transductive) and returns [n, 2] row-major.
 */
export interface EmbeddingMethod {
  name: string;
  description: string;
  embed(input: EmbeddingInput): Float32Array | Promise<Float32Array>;
}

const METHODS = new Map<string, EmbeddingMethod>();

/** Adds a baseline; the runner reads baselines from here only. A name is registered once. */
export function registerEmbedding(method: EmbeddingMethod): void {
  if (METHODS.has(method.name)) throw new ValidationError(`registerEmbedding: ${JSON.stringify(method.name)} is already registered`);
  METHODS.set(method.name, method);
}

export function listEmbeddings(): string[] {
  return [...METHODS.keys()];
}

export function getEmbedding(name: string): EmbeddingMethod {
  const m = METHODS.get(name);
  if (!m) throw new ValidationError(`unknown baseline ${JSON.stringify(name)}; known baselines: ${listEmbeddings().join(', ')}`);
  return m;
}

/** The top two principal components of the rows (covariance eigenvectors, ml-matrix), signs fixed by the largest loading. */
export function pcaProjection(input: EmbeddingInput): Float32Array {
  const { data, n, dim } = input;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] = mean[j]! + data[i * dim + j]! / n;
  const cov = new Matrix(dim, dim);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      const xa = data[i * dim + a]! - mean[a]!;
      if (xa === 0) continue;
      for (let b = a; b < dim; b++) cov.set(a, b, cov.get(a, b) + xa * (data[i * dim + b]! - mean[b]!));
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov.set(a, b, cov.get(b, a));
  const evd = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]).map(([, i]) => i);
  const vectors = evd.eigenvectorMatrix;
  const out = new Float32Array(n * 2);
  for (let c = 0; c < Math.min(2, dim); c++) {
    const col = order[c]!;
    let big = 0;
    for (let j = 0; j < dim; j++) if (Math.abs(vectors.get(j, col)) > Math.abs(big)) big = vectors.get(j, col);
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (data[i * dim + j]! - mean[j]!) * vectors.get(j, col);
      out[i * 2 + c] = sign * s;
    }
  }
  return out;
}

const asPcs = (input: EmbeddingInput) => ({ scores: input.data, n: input.n, k: input.dim });

registerEmbedding({ name: 'pca', description: 'the first two principal components', embed: pcaProjection });
registerEmbedding({
  name: 'umap',
  description: 'UMAP (umap-js 1.4: 15 neighbours, min dist 0.1), seeded',
  embed: (input) => umapEmbedding(asPcs(input), { seed: input.seed }),
});
registerEmbedding({
  name: 'tsne',
  description: 'exact t-SNE (perplexity 30, early exaggeration 12, 1000 iterations, first 50 inputs), seeded',
  embed: (input) => tsneEmbedding(asPcs(input), { seed: input.seed }),
});
