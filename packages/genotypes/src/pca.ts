import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { checkPositiveInt, invalid, ValidationError } from '@ddvi/core';

/**
 * Principal components from the N x N Gram matrix G = X X^T of a column-centered data matrix X
 * (N individuals x M SNPs). With G = U diag(lambda) U^T, the PC scores are U diag(sqrt(lambda)) =
 * X V: the same numbers as scikit-learn's `PCA(n_components=k).fit_transform(X)` up to the sign of
 * each component. Signs here are fixed so that each component's largest-magnitude score is
 * positive, so results are deterministic.
 *
 * The eigendecomposition is ml-matrix's symmetric EVD (Householder tridiagonalization + QL,
 * the JAMA algorithm): O(N^3), a few seconds for N = 1000, several minutes for the ~3,500
 * individuals of the 1000 Genomes Affymetrix release (once per dataset).
 */
export interface PcaResult {
  /** Individuals. */
  n: number;
  /** Components kept. */
  k: number;
  /** Scores, row-major n x k (individual i, component c at i*k + c). */
  scores: Float64Array;
  /** Eigenvalues of G (= squared singular values of X), descending, length k. */
  eigenvalues: Float64Array;
  /** eigenvalue / trace(G): the share of the total variance each component explains. */
  explainedVarianceRatio: Float64Array;
}

export function pcaFromGram(gram: Float64Array, n: number, k: number): PcaResult {
  const where = 'pcaFromGram';
  checkPositiveInt(where, 'n', n);
  checkPositiveInt(where, 'k', k);
  if (gram.length !== n * n) invalid(where, 'gram.length', `n * n = ${n * n}`, gram.length);
  if (k > n) invalid(where, 'k', `at most n = ${n} (one component per individual at most)`, k);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += gram[i * n + i]!;
  if (!Number.isFinite(trace)) throw new ValidationError(`${where}: the Gram matrix has non-finite entries`);
  const input = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) input.set(i, j, gram[i * n + j]!);
  const evd = new EigenvalueDecomposition(input, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  const scores = new Float64Array(n * k);
  const eigenvalues = new Float64Array(k);
  const explained = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const col = order[c]!;
    const lambda = Math.max(0, values[col]!);
    eigenvalues[c] = lambda;
    explained[c] = trace > 0 ? lambda / trace : 0;
    let maxAbs = -1;
    let sign = 1;
    for (let i = 0; i < n; i++) {
      const u = vectors.get(i, col);
      if (Math.abs(u) > maxAbs + 1e-12) {
        maxAbs = Math.abs(u);
        sign = u < 0 ? -1 : 1;
      }
    }
    const s = sign * Math.sqrt(lambda);
    for (let i = 0; i < n; i++) scores[i * k + c] = vectors.get(i, col) * s;
  }
  return { n, k, scores, eigenvalues, explainedVarianceRatio: explained };
}
