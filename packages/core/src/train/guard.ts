import * as tf from '@tensorflow/tfjs-core';

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
    const norm = grads.length ? tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) : tf.scalar(0);
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
