import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from './types/distribution';

type KlFn = (p: Distribution, q: Distribution) => tf.Tensor;
type Ctor = abstract new (...args: never[]) => Distribution;

// Shared through globalThis, like the posterior registry (see registry.ts).
const table: { p: Ctor; q: Ctor; fn: KlFn }[] = ((globalThis as Record<symbol, unknown>)[Symbol.for('ddvi.klTable')] ??= []) as {
  p: Ctor;
  q: Ctor;
  fn: KlFn;
}[];

/** Registers a closed-form KL(p || q) for a pair of distribution classes (subclasses match too). */
export function registerKL<P extends Distribution, Q extends Distribution>(
  p: abstract new (...args: never[]) => P,
  q: abstract new (...args: never[]) => Q,
  fn: (p: P, q: Q) => tf.Tensor,
): void {
  table.push({ p, q, fn: fn as KlFn });
}

/**
 * Closed-form KL(p || q) summed over event dimensions (shape = batch shape), or undefined when no
 * closed form is registered for the pair, in which case callers fall back to Monte Carlo.
 */
export function klDivergence(p: Distribution, q: Distribution): tf.Tensor | undefined {
  for (let i = table.length - 1; i >= 0; i--) {
    const e = table[i]!;
    if (p instanceof e.p && q instanceof e.q) return e.fn(p, q);
  }
  return undefined;
}

export function hasClosedFormKL(p: Distribution, q: Distribution): boolean {
  return table.some((e) => p instanceof e.p && q instanceof e.q);
}
