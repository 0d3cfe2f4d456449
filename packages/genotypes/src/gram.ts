import { checkPositiveInt, ValidationError } from '@ddvi/core';
import { standardizeInto } from './filters';

/**
 * Streaming Gram matrix G = X X^T of the N x M standardized genotype matrix X, accumulated SNP by
 * SNP: memory is O(N^2 + N x block), whatever the number of SNPs, so a file larger than memory can
 * be reduced to principal components (the eigenvectors of G) in one pass.
 *
 * SNPs are buffered `block` at a time (N x block, row-major) and added as a rank-`block` update of
 * the upper triangle with a 4 x 4 register-blocked kernel (about 3x faster than a plain dot loop in
 * V8); `matrix()` mirrors it into a full symmetric matrix.
 */
export class GramAccumulator {
  readonly n: number;
  readonly block: number;
  private readonly g: Float64Array;
  private readonly x: Float64Array;
  private filled = 0;
  private taken = false;
  /** SNPs added so far. */
  snps = 0;

  constructor(n: number, block = 128) {
    this.n = checkPositiveInt('GramAccumulator', 'n', n);
    this.block = checkPositiveInt('GramAccumulator', 'block', block);
    this.g = new Float64Array(n * n);
    this.x = new Float64Array(n * block);
  }

  /** Adds one SNP (dosages of the N samples, -1 missing) with allele frequency p in (0, 1). */
  addSnp(dosage: Int8Array, p: number): void {
    if (this.taken) throw new ValidationError('GramAccumulator: the matrix was handed over by takeMatrix(); the accumulator is spent');
    if (dosage.length !== this.n) throw new ValidationError(`GramAccumulator.addSnp: expected ${this.n} dosages, got ${dosage.length}`);
    if (!(p > 0 && p < 1)) throw new ValidationError(`GramAccumulator.addSnp: allele frequency must be in (0, 1), got ${p}`);
    standardizeInto(dosage, p, this.x, this.filled, this.block);
    this.filled++;
    this.snps++;
    if (this.filled === this.block) this.flush();
  }

  /** Adds one already-standardized column (length N). */
  addColumn(values: ArrayLike<number>): void {
    if (this.taken) throw new ValidationError('GramAccumulator: the matrix was handed over by takeMatrix(); the accumulator is spent');
    if (values.length !== this.n) throw new ValidationError(`GramAccumulator.addColumn: expected ${this.n} values, got ${values.length}`);
    for (let i = 0; i < this.n; i++) this.x[i * this.block + this.filled] = values[i]!;
    this.filled++;
    this.snps++;
    if (this.filled === this.block) this.flush();
  }

  private flush(): void {
    const B = this.filled;
    if (B === 0) return;
    rankUpdateUpper(this.x, this.block, B, this.g, this.n);
    this.filled = 0;
  }

  /**
   * The full symmetric N x N Gram matrix, mirrored in place into the accumulator's own storage,
   * which is handed over: the accumulator cannot be used afterwards (saves an N x N copy).
   */
  takeMatrix(): Float64Array {
    this.flush();
    const n = this.n;
    const g = this.g;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) g[j * n + i] = g[i * n + j]!;
    this.taken = true;
    return g;
  }


  /** The full symmetric N x N Gram matrix (row-major, a new array). */
  matrix(): Float64Array {
    if (this.taken) throw new ValidationError('GramAccumulator: the matrix was handed over by takeMatrix(); the accumulator is spent');
    this.flush();
    const n = this.n;
    const out = new Float64Array(this.g);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[j * n + i] = out[i * n + j]!;
    return out;
  }
}

/** G[i][j] += sum_b X[i][b] X[j][b] for i <= j (X is n x stride row-major, first B columns used). */
function rankUpdateUpper(X: Float64Array, stride: number, B: number, G: Float64Array, n: number): void {
  for (let i = 0; i < n; i += 4) {
    const full = i + 4 <= n;
    for (let j = i; j < n; j += 4) {
      if (full && j + 4 <= n) {
        const a0 = i * stride;
        const a1 = a0 + stride;
        const a2 = a1 + stride;
        const a3 = a2 + stride;
        const b0 = j * stride;
        const b1 = b0 + stride;
        const b2 = b1 + stride;
        const b3 = b2 + stride;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let b = 0; b < B; b++) {
          const x0 = X[a0 + b]!, x1 = X[a1 + b]!, x2 = X[a2 + b]!, x3 = X[a3 + b]!;
          const y0 = X[b0 + b]!, y1 = X[b1 + b]!, y2 = X[b2 + b]!, y3 = X[b3 + b]!;
          s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
          s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
          s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
          s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
        }
        let r = i * n + j;
        G[r] = G[r]! + s00; G[r + 1] = G[r + 1]! + s01; G[r + 2] = G[r + 2]! + s02; G[r + 3] = G[r + 3]! + s03;
        r += n;
        G[r] = G[r]! + s10; G[r + 1] = G[r + 1]! + s11; G[r + 2] = G[r + 2]! + s12; G[r + 3] = G[r + 3]! + s13;
        r += n;
        G[r] = G[r]! + s20; G[r + 1] = G[r + 1]! + s21; G[r + 2] = G[r + 2]! + s22; G[r + 3] = G[r + 3]! + s23;
        r += n;
        G[r] = G[r]! + s30; G[r + 1] = G[r + 1]! + s31; G[r + 2] = G[r + 2]! + s32; G[r + 3] = G[r + 3]! + s33;
      } else {
        for (let ii = i; ii < Math.min(i + 4, n); ii++) {
          for (let jj = Math.max(j, ii); jj < Math.min(j + 4, n); jj++) {
            let s = 0;
            const a = ii * stride;
            const c = jj * stride;
            for (let b = 0; b < B; b++) s += X[a + b]! * X[c + b]!;
            G[ii * n + jj] = G[ii * n + jj]! + s;
          }
        }
      }
    }
  }
}
