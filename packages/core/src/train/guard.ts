import * as tf from '@tensorflow/tfjs-core';
import { NonFiniteError } from '../errors';
import { squaredNorm } from '../ops';

export interface StepValues {
  loss: number;
  terms: Record<string, number>;
  gradNorm: number;
}

/**
 * Reads the loss, its named terms and the global gradient norm in one host sync (the only sync of
 * a training step), so the guard and the progress bar cost one round trip.
 */
export function readStep(loss: tf.Scalar, terms: Record<string, tf.Scalar>, grads: tf.Tensor[]): StepValues {
  const names = Object.keys(terms);
  const packed = tf.tidy(() => {
    const norm = tf.sqrt(squaredNorm(grads));
    return tf.stack([loss, ...names.map((k) => terms[k]!), norm]);
  });
  const values = packed.dataSync();
  packed.dispose();
  const out: Record<string, number> = {};
  names.forEach((k, i) => (out[k] = values[i + 1]!));
  return { loss: values[0]!, terms: out, gradNorm: values[names.length + 1]! };
}

/** The first non-finite quantity of a step, named for the error message; undefined when all finite. */
export function firstNonFinite(
  values: StepValues,
  grads: Record<string, tf.Tensor>,
): { term: string; value: number } | undefined {
  for (const [k, v] of Object.entries(values.terms)) if (!Number.isFinite(v)) return { term: `term "${k}"`, value: v };
  if (!Number.isFinite(values.loss)) return { term: 'loss', value: values.loss };
  if (!Number.isFinite(values.gradNorm)) {
    for (const [name, g] of Object.entries(grads)) {
      const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(g))).dataSync()[0] === 1);
      if (bad) return { term: `gradient of ${name}`, value: values.gradNorm };
    }
    return { term: 'gradient norm', value: values.gradNorm };
  }
  return undefined;
}

/** Positions of the non-finite entries of a tensor (read on the failure path only, so its cost never slows a healthy step). */
function nonFinitePositions(t: tf.Tensor): number[] {
  const values = t.dataSync();
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) out.push(i);
  return out;
}

const listed = (xs: number[]): string => (xs.length > 5 ? `${xs.slice(0, 5).join(', ')}, ...` : xs.join(', '));

/**
 * Where a non-finite step came from, when it can be told: non-finite input data (the batch rows
 * that hold them, as dataset indices) or a parameter that is already non-finite (its name). The
 * term the guard found names the symptom; this names the cause. Undefined when both look finite
 * (the objective or its gradient overflowed by itself).
 */
export function nonFiniteOrigin(x: tf.Tensor2D, indices: Int32Array, variables: Record<string, tf.Variable>): string | undefined {
  const width = x.shape[1];
  const bad = nonFinitePositions(x);
  if (bad.length > 0) {
    const rows = [...new Set(bad.map((i) => indices[Math.floor(i / width)]!))];
    return `the data: ${bad.length} non-finite value(s) in training example(s) ${listed(rows)}`;
  }
  return nonFiniteParameter(variables);
}

/** The first variable holding a non-finite value, named with how many; one host sync for all of them. */
export function nonFiniteParameter(variables: Record<string, tf.Variable>): string | undefined {
  const names = Object.keys(variables);
  if (names.length === 0) return undefined;
  const flags = tf.tidy(() => tf.stack(names.map((k) => tf.cast(tf.all(tf.isFinite(variables[k]!)), 'float32'))));
  const ok = flags.dataSync();
  flags.dispose();
  const i = ok.findIndex((v) => v !== 1);
  if (i < 0) return undefined;
  const v = variables[names[i]!]!;
  return `parameter ${names[i]} (${nonFinitePositions(v).length} of ${v.size} values non-finite)`;
}

/**
 * The run's policy for a non-finite update: 'stop' throws a NonFiniteError at the first one;
 * 'skip' drops that update and counts it, up to `maxSkips`, then throws too. The error names the
 * step, the optimizer and term, the value, its cause when found, and the last good checkpoint.
 */
export class NonFiniteGuard {
  constructor(
    private readonly policy: 'stop' | 'skip',
    private readonly maxSkips: number,
    /** The last checkpoint written or resumed from, named in the error. */
    private readonly lastCheckpoint: () => string | undefined,
    private readonly onSkip: (skip: { step: number; term: string; value: number; skipped: number; origin?: string }) => void,
  ) {}

  /** True when the update may be applied; counts a skipped one in `state.skipped`. */
  admit(
    values: StepValues, grads: Record<string, tf.Tensor>, at: { optimizer: string; state: { step: number; skipped: number } }, origin: () => string | undefined,
  ): boolean {
    const bad = firstNonFinite(values, grads);
    if (!bad) return true;
    const { state } = at;
    const cause = origin();
    if (this.policy === 'stop' || state.skipped >= this.maxSkips) {
      const limit = this.policy === 'skip' ? ` (after ${state.skipped} skipped updates: the maxSkips limit)` : '';
      throw new NonFiniteError(state.step, `${at.optimizer} ${bad.term}${limit}`, bad.value, this.lastCheckpoint(), cause);
    }
    state.skipped += 1;
    this.onSkip({ step: state.step, term: `${at.optimizer} ${bad.term}`, value: bad.value, skipped: state.skipped, ...(cause ? { origin: cause } : {}) });
    return false;
  }
}
