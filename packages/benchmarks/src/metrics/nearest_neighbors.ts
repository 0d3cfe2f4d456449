import type { Points } from './points';

/**
 * The k nearest reference points of every query point (Euclidean), by exact brute force.
 *
 * Why brute force in plain TypeScript rather than a library or tfjs: ml-knn (the one npm kNN
 * classifier) is barely used and leaves ties to its tree's visiting order, and a tfjs `topk` over
 * float32 distances ranks near-ties by rounding. Here distances are float64 and the order is
 * total: by squared distance, then by reference index (the lower index wins a tie), so results
 * do not depend on the platform. A linear scan with an early "not better than the current k-th"
 * test costs one compare per pair; measured ~3 s for 60k x 10k 2-D latents on one core.
 *
 * Returns row-major [nQuery, k] reference indices, nearest first. With `excludeSelf`, query i
 * never gets reference i (leave-one-out on one set; requires query === reference).
 */
export function nearestNeighbors(reference: Points, query: Points, k: number, excludeSelf = false): Int32Array {
  const out = new Int32Array(query.n * k);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  const R = reference.data;
  const Q = query.data;
  const n = reference.n;
  const d = reference.dim;
  for (let q = 0; q < query.n; q++) {
    bestD.fill(Infinity);
    bestI.fill(-1);
    let worst = Infinity;
    const skip = excludeSelf ? q : -1;
    if (d === 2) {
      // The paper's latents are 2-D: an unrolled loop, about twice as fast as the general one.
      const qx = Q[2 * q]!;
      const qy = Q[2 * q + 1]!;
      for (let r = 0; r < n; r++) {
        const dx = R[2 * r]! - qx;
        const dy = R[2 * r + 1]! - qy;
        const dist = dx * dx + dy * dy;
        if (dist < worst && r !== skip) worst = insert(bestD, bestI, k, dist, r);
      }
    } else {
      const qo = q * d;
      for (let r = 0; r < n; r++) {
        const ro = r * d;
        let dist = 0;
        for (let j = 0; j < d && dist < worst; j++) {
          const diff = R[ro + j]! - Q[qo + j]!;
          dist += diff * diff;
        }
        if (dist < worst && r !== skip) worst = insert(bestD, bestI, k, dist, r);
      }
    }
    out.set(bestI, q * k);
  }
  return out;
}

/**
 * Inserts (dist, index) into the ascending top-k lists, dropping the last; returns the new k-th
 * distance. References are scanned in increasing index, so an equal distance never displaces an
 * earlier (lower-index) neighbour: the strict `<` keeps ties in index order.
 */
function insert(bestD: Float64Array, bestI: Int32Array, k: number, dist: number, index: number): number {
  let pos = k - 1;
  while (pos > 0 && bestD[pos - 1]! > dist) {
    bestD[pos] = bestD[pos - 1]!;
    bestI[pos] = bestI[pos - 1]!;
    pos--;
  }
  bestD[pos] = dist;
  bestI[pos] = index;
  return bestD[k - 1]!;
}
