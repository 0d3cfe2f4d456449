import * as tf from '@tensorflow/tfjs-core';
import type { Adam } from '../optim/adam';
import { readStep } from './guard';
import type { NonFiniteGuard } from './guard';
import type { StepExchange, UpdateValues } from './shard_exchange';

/**
 * One optimizer step on `vars` for the loss `compute` builds: its gradients, combined with other
 * shards' when there are any, behind the non-finite guard, then applied by `optimizer`. Returns the
 * loss and terms as numbers; undefined when the guard skipped the update ({} when `vars` is empty:
 * nothing to update, nothing computed).
 */
export function gradientUpdate(input: {
  vars: Record<string, tf.Variable>;
  compute: () => { loss: tf.Scalar; terms: Record<string, tf.Scalar> };
  exchange: StepExchange;
  /** This process's share of the batch (1 alone). */
  share: number;
  guard: NonFiniteGuard;
  at: { optimizer: string; state: { step: number; skipped: number } };
  origin: () => string | undefined;
  optimizer: () => Adam;
  /** The learning-rate schedule's factor at this step (default 1). */
  rateFactor?: number;
}): Record<string, number> | undefined {
  const { vars } = input;
  const names = Object.keys(vars);
  if (names.length === 0) return {};
  const byTfName = new Map(names.map((k) => [vars[k]!.name, k]));
  let kept: Record<string, tf.Scalar> = {};
  const { value, grads: rawGrads } = tf.variableGrads(() => {
    const r = input.compute();
    kept = Object.fromEntries(Object.entries(r.terms).map(([k, t]) => [k, tf.keep(t)]));
    return r.loss;
  }, names.map((k) => vars[k]!));
  const grads: Record<string, tf.Tensor> = {};
  for (const [tfName, g] of Object.entries(rawGrads)) grads[byTfName.get(tfName)!] = g;
  const own: UpdateValues = { loss: value, terms: kept, grads };
  const step = input.exchange.combine(own, input.share);
  try {
    const values = readStep(step.loss, step.terms, Object.values(step.grads));
    if (!input.guard.admit(values, step.grads, input.at, input.origin)) return undefined;
    input.optimizer().apply(vars, step.grads, values.gradNorm, input.rateFactor ?? 1);
    return { loss: values.loss, ...values.terms };
  } finally {
    tf.dispose([step.loss, ...Object.values(step.grads), ...Object.values(step.terms)]);
  }
}
