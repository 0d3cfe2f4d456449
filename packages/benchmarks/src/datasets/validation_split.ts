import { ValidationError } from '@ddvi/core';
import type { Dataset } from '@ddvi/core';
import { TensorDataset } from '@ddvi/core';

/** The held-out rows are drawn with this fixed seed, so every run of a sweep validates on the same examples. */
export const VALIDATION_SEED = 0x5eed;

/**
 * Carves `n` seeded examples out of a training split: the rest trains, the held-out rows stand in
 * for the test split (named "<train> validation"). Settings are chosen on them, so the test set is
 * never tuned on. The split depends only on the training set and n.
 */
export function holdOutValidation(train: Dataset, n: number): { train: TensorDataset; validation: TensorDataset } {
  if (!(train instanceof TensorDataset)) throw new ValidationError(`holdOutValidation: the ${train.name} training split is not an in-memory TensorDataset, so it cannot be split`);
  if (!(Number.isInteger(n) && n >= 1 && n < train.size)) {
    throw new ValidationError(`holdOutValidation: n must be an integer in [1, ${train.size - 1}] (below the ${train.size} training examples it is carved from), got ${n}`);
  }
  const order = permutation(train.size, VALIDATION_SEED);
  const held = order.slice(0, n).sort();
  const kept = order.slice(n).sort();
  return { train: train.subset(kept, train.name), validation: train.subset(held, `${train.name} validation`) };
}

/** Fisher-Yates with mulberry32: only the split depends on it, so a small well-mixed generator suffices. */
function permutation(n: number, seed: number): Int32Array {
  const out = Int32Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}
