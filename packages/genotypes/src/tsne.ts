import { checkPositive, checkPositiveInt, invalid } from '@ddvi/core';
import { Rng } from './random';

/**
 * Exact t-SNE (van der Maaten & Hinton 2008), O(N^2) time and memory per iteration: fine for the
 * ~3,500 individuals of the ancestry task (the dense P matrix is N^2 float64, ~100 MB at N = 3,500).
 *
 * Written here because the npm t-SNE packages checked (`@keckelt/tsne` 1.0.2, `tsne-js` 1.0.3,
 * both ports of karpathy's tsnejs) draw their initialization from `Math.random` with no way to
 * seed it, so their embeddings are not reproducible. The optimization follows scikit-learn's
 * defaults: perplexity 30 (entropy calibrated per point by bisection on the Gaussian precision),
 * symmetrized P, early exaggeration 12 for the first 250 iterations with momentum 0.5, then
 * momentum 0.8; per-parameter gains (+0.2 / x0.8, floor 0.01); learning rate "auto" =
 * max(N / 12 / 4, 50); initial embedding N(0, 0.01^2) from the seed.
 */
export interface TsneOptions {
  /** Output dimensions (default 2). */
  dims?: number;
  /** Perplexity (default 30; must be < N). */
  perplexity?: number;
  /** Gradient iterations (default 1000). */
  iterations?: number;
  /** Learning rate (default max(N / 48, 50)). */
  learningRate?: number;
  /** Early exaggeration factor (default 12) and its iterations (default 250). */
  earlyExaggeration?: number;
  exaggerationIterations?: number;
  seed?: number;
}

/** t-SNE of `data` (n x d row-major); returns n x dims row-major. */
export function tsne(data: ArrayLike<number>, n: number, d: number, options: TsneOptions = {}): Float64Array {
  const where = 'tsne';
  checkPositiveInt(where, 'n', n);
  checkPositiveInt(where, 'd', d);
  if (data.length !== n * d) invalid(where, 'data.length', `n * d = ${n * d}`, data.length);
  const dims = checkPositiveInt(where, 'dims', options.dims ?? 2);
  const perplexity = checkPositive(where, 'perplexity', options.perplexity ?? 30);
  if (n < 2) invalid(where, 'n', 'at least 2 points', n);
  if (perplexity >= n) invalid(where, 'perplexity', `less than the number of points (${n})`, perplexity);
  const iters = checkPositiveInt(where, 'iterations', options.iterations ?? 1000);
  const lr = checkPositive(where, 'learningRate', options.learningRate ?? Math.max(n / 48, 50));
  const exag = checkPositive(where, 'earlyExaggeration', options.earlyExaggeration ?? 12);
  const exagIters = options.exaggerationIterations ?? 250;
  const seed = options.seed ?? 0;

  // Squared distances.
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const t = data[i * d + c]! - data[j * d + c]!;
        s += t * t;
      }
      D[i * n + j] = s;
      D[j * n + i] = s;
    }
  }
  // Conditional P by bisection on beta = 1 / (2 sigma^2) to match log(perplexity) entropy.
  const P = new Float64Array(n * n);
  const target = Math.log(perplexity);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    let minD = Infinity;
    for (let j = 0; j < n; j++) if (j !== i && D[i * n + j]! < minD) minD = D[i * n + j]!;
    for (let it = 0; it < 100; it++) {
      let sum = 0;
      let dsum = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) {
          row[j] = 0;
          continue;
        }
        const dist = D[i * n + j]! - minD; // shifted for stability; cancels in the normalization
        const v = Math.exp(-dist * beta);
        row[j] = v;
        sum += v;
        dsum += dist * v;
      }
      const H = Math.log(sum) + (beta * dsum) / sum;
      const diff = H - target;
      if (Math.abs(diff) < 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
    let sum = 0;
    for (let j = 0; j < n; j++) sum += row[j]!;
    for (let j = 0; j < n; j++) P[i * n + j] = row[j]! / sum;
  }
  // Symmetrize and normalize: p_ij = (p_j|i + p_i|j) / (2N), floored.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = Math.max((P[i * n + j]! + P[j * n + i]!) / (2 * n), 1e-12);
      P[i * n + j] = v;
      P[j * n + i] = v;
    }
    P[i * n + i] = 0;
  }

  const rng = new Rng(seed);
  const Y = new Float64Array(n * dims);
  for (let i = 0; i < Y.length; i++) Y[i] = 1e-2 * rng.normal();
  const update = new Float64Array(n * dims);
  const gains = new Float64Array(n * dims).fill(1);
  const grad = new Float64Array(n * dims);
  const Q = new Float64Array(n * n); // unnormalized 1 / (1 + |yi - yj|^2)
  for (let iter = 0; iter < iters; iter++) {
    const ex = iter < exagIters ? exag : 1;
    const momentum = iter < exagIters ? 0.5 : 0.8;
    let qsum = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let s = 0;
        for (let c = 0; c < dims; c++) {
          const t = Y[i * dims + c]! - Y[j * dims + c]!;
          s += t * t;
        }
        const q = 1 / (1 + s);
        Q[i * n + j] = q;
        Q[j * n + i] = q;
        qsum += 2 * q;
      }
    }
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const q = Q[i * n + j]!;
        const m = 4 * (ex * P[i * n + j]! - q / qsum) * q;
        for (let c = 0; c < dims; c++) grad[i * dims + c] = grad[i * dims + c]! + m * (Y[i * dims + c]! - Y[j * dims + c]!);
      }
    }
    for (let t = 0; t < Y.length; t++) {
      const g = grad[t]!;
      const u = update[t]!;
      let gain = Math.sign(g) !== Math.sign(u) ? gains[t]! + 0.2 : gains[t]! * 0.8;
      if (gain < 0.01) gain = 0.01;
      gains[t] = gain;
      const nu = momentum * u - lr * gain * g;
      update[t] = nu;
      Y[t] = Y[t]! + nu;
    }
    // Keep the embedding centered.
    for (let c = 0; c < dims; c++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += Y[i * dims + c]!;
      mean /= n;
      for (let i = 0; i < n; i++) Y[i * dims + c] = Y[i * dims + c]! - mean;
    }
  }
  return Y;
}
