import type { Points } from './points';

/**
 * A kernel term this many nats below a query's largest is left out: with N points the terms left
 * out weigh less than N e^-CUTOFF of the sum (below 1e-13 of it for N = 10^4), under float64's
 * rounding of the sum itself.
 */
const CUTOFF = 40;
/** The grid has at most this many cells a side, so a query far from every point visits a bounded number of them. */
const MAX_CELLS_PER_SIDE = 128;

/**
 * log q̂(z) for each query z, where q̂ is the equal-weight mixture of Gaussian KDEs on 2-D `points`
 * with bandwidths `bandwidths`:
 *   log q̂(z) = logsumexp_h log KDE_h(z) - log |H|,
 *   log KDE_h(z) = logsumexp_i(-|z - p_i|^2 / (2 h^2)) - log(2 pi) - 2 log h - log N,
 * in float64, no clamp (the latent NLL's density, spec §10.2). Each sum keeps every term within
 * CUTOFF nats of the query's largest one (the nearest point's), found through a uniform grid over
 * the points, so a query costs the points near it rather than all N: the standard cell's 10,000
 * queries against 10,000 latents take about a second (15.5 s for the 5 x 10^8 kernel terms of
 * the full sum, in tfjs). Tested against the full sum.
 */
export function kdeLogDensity(points: Points, queries: Points, bandwidths: readonly number[]): Float64Array {
  const grid = new PointGrid(points, Math.sqrt(2 * CUTOFF) * Math.max(...bandwidths));
  const logNorm = bandwidths.map((h) => -Math.log(2 * Math.PI) - 2 * Math.log(h) - Math.log(points.n));
  const widestSpan = 2 * CUTOFF * Math.max(...bandwidths) ** 2;
  const out = new Float64Array(queries.n);
  const near: number[] = [];
  const perH = new Float64Array(bandwidths.length);
  for (let q = 0; q < queries.n; q++) {
    const x = queries.data[2 * q]!;
    const y = queries.data[2 * q + 1]!;
    const d2min = grid.nearestSquaredDistance(x, y);
    near.length = 0;
    grid.forEachWithin(x, y, d2min + widestSpan, (d2) => near.push(d2 - d2min));
    // Shifted by the nearest point's distance, each sum's largest term is exp(0) = 1: no underflow however far the query.
    for (let k = 0; k < bandwidths.length; k++) {
      const h = bandwidths[k]!;
      const scale = -1 / (2 * h * h);
      const limit = 2 * CUTOFF * h * h;
      let sum = 0;
      for (const e of near) if (e <= limit) sum += Math.exp(e * scale);
      perH[k] = d2min * scale + Math.log(sum) + logNorm[k]!;
    }
    out[q] = logSumExp(perH) - Math.log(bandwidths.length);
  }
  return out;
}

function logSumExp(v: Float64Array): number {
  let max = -Infinity;
  for (const x of v) max = Math.max(max, x);
  let sum = 0;
  for (const x of v) sum += Math.exp(x - max);
  return max + Math.log(sum);
}

/** 2-D points bucketed in square cells: `xs` / `ys` hold them cell by cell (a counting sort), cell c's from `start[c]` to `start[c + 1]`. */
class PointGrid {
  private readonly x0: number;
  private readonly y0: number;
  private readonly size: number;
  private readonly nx: number;
  private readonly ny: number;
  private readonly start: Int32Array;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;

  constructor(points: Points, cell: number) {
    const { data, n } = points;
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, data[2 * i]!);
      maxX = Math.max(maxX, data[2 * i]!);
      minY = Math.min(minY, data[2 * i + 1]!);
      maxY = Math.max(maxY, data[2 * i + 1]!);
    }
    this.size = Math.max(cell, (maxX - minX) / MAX_CELLS_PER_SIDE, (maxY - minY) / MAX_CELLS_PER_SIDE);
    this.x0 = minX;
    this.y0 = minY;
    this.nx = Math.min(MAX_CELLS_PER_SIDE, Math.floor((maxX - minX) / this.size) + 1);
    this.ny = Math.min(MAX_CELLS_PER_SIDE, Math.floor((maxY - minY) / this.size) + 1);
    const cellOf = new Int32Array(n);
    const count = new Int32Array(this.nx * this.ny + 1);
    for (let i = 0; i < n; i++) {
      cellOf[i] = this.index(this.column(data[2 * i]!), this.row(data[2 * i + 1]!));
      count[cellOf[i]! + 1]! += 1;
    }
    for (let c = 0; c < this.nx * this.ny; c++) count[c + 1]! += count[c]!;
    this.start = count;
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    const fill = Int32Array.from(count.subarray(0, this.nx * this.ny));
    for (let i = 0; i < n; i++) {
      const slot = fill[cellOf[i]!]!++;
      this.xs[slot] = data[2 * i]!;
      this.ys[slot] = data[2 * i + 1]!;
    }
  }

  /** Squared distance from (x, y) to its nearest point: rings of cells outward until no farther ring can hold a nearer one. */
  nearestSquaredDistance(x: number, y: number): number {
    // The query's own cell, unclamped: a ring k cells out lies at least (k - 1) cells away, wherever the query is.
    const ci = Math.floor((x - this.x0) / this.size);
    const cj = Math.floor((y - this.y0) / this.size);
    const first = Math.max(0, ci - (this.nx - 1), -ci, cj - (this.ny - 1), -cj);
    let best = Infinity;
    const visit = (i: number, j: number) => {
      if (i >= 0 && i < this.nx) best = Math.min(best, this.nearestInCell(this.index(i, j), x, y));
    };
    for (let k = first; ; k++) {
      const gap = (k - 1) * this.size;
      if (k > first && gap > 0 && gap * gap >= best) return best;
      if (k > first + this.nx + this.ny) return best; // every cell of the grid has been visited
      for (let j = Math.max(0, cj - k); j <= Math.min(this.ny - 1, cj + k); j++) {
        if (j === cj - k || j === cj + k) {
          for (let i = Math.max(0, ci - k); i <= Math.min(this.nx - 1, ci + k); i++) visit(i, j);
        } else {
          visit(ci - k, j);
          if (k > 0) visit(ci + k, j);
        }
      }
    }
  }

  /** Calls `visit(d2)` with the squared distance of every point within squared distance `r2` of (x, y). */
  forEachWithin(x: number, y: number, r2: number, visit: (d2: number) => void): void {
    const r = Math.sqrt(r2);
    const [i0, i1] = [Math.max(0, this.column(x - r)), Math.min(this.nx - 1, this.column(x + r))];
    const [j0, j1] = [Math.max(0, this.row(y - r)), Math.min(this.ny - 1, this.row(y + r))];
    for (let j = j0; j <= j1; j++) {
      for (let i = i0; i <= i1; i++) {
        const c = this.index(i, j);
        for (let s = this.start[c]!; s < this.start[c + 1]!; s++) {
          const dx = this.xs[s]! - x;
          const dy = this.ys[s]! - y;
          const d2 = dx * dx + dy * dy;
          if (d2 <= r2) visit(d2);
        }
      }
    }
  }

  private nearestInCell(c: number, x: number, y: number): number {
    let best = Infinity;
    for (let s = this.start[c]!; s < this.start[c + 1]!; s++) {
      const dx = this.xs[s]! - x;
      const dy = this.ys[s]! - y;
      best = Math.min(best, dx * dx + dy * dy);
    }
    return best;
  }

  /** The column of x, clamped to the grid (points on the far edge fall in the last cell). */
  private column(x: number): number {
    return Math.min(this.nx - 1, Math.max(0, Math.floor((x - this.x0) / this.size)));
  }

  private row(y: number): number {
    return Math.min(this.ny - 1, Math.max(0, Math.floor((y - this.y0) / this.size)));
  }

  private index(i: number, j: number): number {
    return j * this.nx + i;
  }
}
