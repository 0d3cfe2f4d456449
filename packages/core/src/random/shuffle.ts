import { SeedStream } from './seed_stream';

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, seed: SeedStream): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(seed.uniform() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
