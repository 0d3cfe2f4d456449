import { SeedStream } from '@ddvi/core';

/** Seeded host-side random data for the metric tests (SeedStream: same numbers on every platform). */
export class Rng {
  private readonly s: SeedStream;
  private spare: number | null = null;

  constructor(seed: number) {
    this.s = new SeedStream(seed);
  }

  uniform(): number {
    return this.s.uniform();
  }

  int(n: number): number {
    return Math.min(n - 1, Math.floor(this.uniform() * n));
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u = 1 - this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const t = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }
}

/**
 * n points in `dim` dimensions around the given centres (point i around centre i mod K) with
 * isotropic noise `std`; labels are the centre indices.
 */
export function blobs(rng: Rng, n: number, centers: number[][], std: number): { x: number[][]; y: number[] } {
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % centers.length;
    x.push(centers[c]!.map((m) => m + std * rng.normal()));
    y.push(c);
  }
  return { x, y };
}

/** Random integer labels in 0..k-1. */
export function randomLabels(rng: Rng, n: number, k: number): number[] {
  return Array.from({ length: n }, () => rng.int(k));
}
