import type { Model, Posterior } from '@ddvi/core';

/**
 * Forwards every member to `target`, with each method of `methods` called as `training: true`
 * (dropout on) whatever the caller asks; `methods` maps a method's name to the position of its
 * options argument.
 */
function withTraining<T extends object>(target: T, methods: Record<string, number>): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof value !== 'function') return value;
      const at = typeof prop === 'string' ? methods[prop] : undefined;
      if (at !== undefined) {
        return (...args: unknown[]) => {
          const forced = [...args];
          forced[at] = { ...(args[at] as Record<string, unknown>), training: true };
          return (value as (...a: unknown[]) => unknown).apply(t, forced);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(t);
    },
  });
}

/**
 * The model and posterior a cell is scored with. With `evalDropout` (the reference's protocol,
 * spec §12.10 / D5: its functional dropout stays on at evaluation) every network applies its
 * dropout in the scoring passes too: the posterior's `sample` and `sampleDraws` and the model's
 * `likelihood` see `training: true`. Only dropout reads that flag in the scoring paths (the objectives get their
 * own `training: false`, so no training-only loss or surrogate is used); the pair is the same
 * objects, so nothing is copied or disposed twice. Without it the pair is returned as is.
 */
export function scoringPair<M extends Model, P extends Posterior>(evalDropout: boolean | undefined, model: M, posterior: P): { model: M; posterior: P } {
  if (!evalDropout) return { model, posterior };
  // sampleDraws (the IWAE's draws) too: it would otherwise run the networks once per row with dropout off.
  return { model: withTraining(model, { likelihood: 1 }), posterior: withTraining(posterior, { sample: 1, sampleDraws: 2 }) };
}
