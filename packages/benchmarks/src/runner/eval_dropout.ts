import type { Model, Posterior } from '@ddvi/core';

/** Forwards every member to `target`, with `method` called as `training: true` (dropout on) whatever the caller asks. */
function withTraining<T extends object>(target: T, method: string): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === method) {
        return (input: unknown, options: Record<string, unknown>, ...rest: unknown[]) =>
          (value as (...a: unknown[]) => unknown).call(t, input, { ...options, training: true }, ...rest);
      }
      return (value as (...a: unknown[]) => unknown).bind(t);
    },
  });
}

/**
 * The model and posterior a cell is scored with. With `evalDropout` (the reference's protocol,
 * spec §12.10 / D5: its functional dropout stays on at evaluation) every network applies its
 * dropout in the scoring passes too: the posterior's `sample` and the model's `likelihood` see
 * `training: true`. Only dropout reads that flag in the scoring paths (the objectives get their
 * own `training: false`, so no training-only loss or surrogate is used); the pair is the same
 * objects, so nothing is copied or disposed twice. Without it the pair is returned as is.
 */
export function scoringPair<M extends Model, P extends Posterior>(evalDropout: boolean | undefined, model: M, posterior: P): { model: M; posterior: P } {
  if (!evalDropout) return { model, posterior };
  return { model: withTraining(model, 'likelihood'), posterior: withTraining(posterior, 'sample') };
}
