import { SeedStream, ValidationError } from '@ddvi/core';

/** How MADE orders the input dimensions: identity, a seeded random permutation, or given. */
export type MadeOrdering = 'natural' | 'random' | number[];

/** The connectivity of one MADE: a degree per unit of every layer (Germain et al. 2015). */
export interface MadeDegrees {
  /** Input degrees 1..d: output dimension i may depend on input j only when input[j] < input[i]. */
  input: number[];
  /** One array per hidden layer, degrees in [min(previous), d - 1]. */
  hidden: number[][];
}

/**
 * Seeded degrees: the input ordering (a permutation of 1..d), then hidden degrees drawn uniformly
 * from [min of the previous layer, d - 1] as the reference's MADE (randint) does, so no hidden
 * unit is wasted on a degree nothing can read. Host-side draws from the seed: the same seed gives
 * the same masks on every backend.
 */
export function madeDegrees(where: string, inputSize: number, hidden: readonly number[], ordering: MadeOrdering, seed: number): MadeDegrees {
  const rng = new SeedStream(seed);
  const input = resolveOrdering(where, inputSize, ordering, rng);
  const layers: number[][] = [];
  let low = Math.min(...input);
  for (const width of hidden) {
    const lo = Math.min(low, inputSize - 1);
    const hi = inputSize - 1;
    const degrees = Array.from({ length: width }, () => lo + Math.floor(rng.uniform() * (hi - lo + 1)));
    layers.push(degrees);
    low = Math.min(...degrees);
  }
  return { input, hidden: layers };
}

/** Mask [in, out] between hidden layers: a unit sees every unit of degree <= its own. */
export function hiddenMask(from: readonly number[], to: readonly number[]): Float32Array {
  return maskOf(from, to, (a, b) => b >= a);
}

/** Mask [in, out] into the outputs: output of degree k sees hidden units of degree < k only. */
export function outputMask(from: readonly number[], to: readonly number[]): Float32Array {
  return maskOf(from, to, (a, b) => b > a);
}

function maskOf(from: readonly number[], to: readonly number[], connected: (a: number, b: number) => boolean): Float32Array {
  const m = new Float32Array(from.length * to.length);
  from.forEach((a, i) => to.forEach((b, j) => (m[i * to.length + j] = connected(a, b) ? 1 : 0)));
  return m;
}

function resolveOrdering(where: string, d: number, ordering: MadeOrdering, rng: SeedStream): number[] {
  if (ordering === 'natural') return Array.from({ length: d }, (_, i) => i + 1);
  if (ordering === 'random') {
    const p = Array.from({ length: d }, (_, i) => i + 1);
    for (let i = d - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  }
  const sorted = Array.isArray(ordering) ? [...ordering].sort((a, b) => a - b) : [];
  if (sorted.length !== d || !sorted.every((v, i) => v === i + 1)) {
    throw new ValidationError(
      `${where}: ordering must be 'natural', 'random' or a permutation of 1..${d} (the degree of each input), got ${JSON.stringify(ordering)}`,
    );
  }
  return [...(ordering as number[])];
}
