import type * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../types/model';
import type { Posterior } from '../types/posterior';

/**
 * The one naming rule for the variables a run trains, used by the trainer, its checkpoints and the
 * families:
 * - The trainer knows every variable by a qualified name: `model/<name>` for the model's
 *   `namedVariables()`, `posterior/<name>` for the posterior's. Phases (`PhaseSpec.trainable`),
 *   non-finite reports and optimizer state see qualified names.
 * - An auxiliary loss names the variables it updates as its owner's `namedVariables()` does (bare,
 *   e.g. DDVI's sleep loss `denoiser.0.w`, AAE's `discriminator.0.w`, a learned prior's `prior.means`);
 *   the trainer qualifies them with the owner's prefix. A name already qualified is kept, so a
 *   posterior's auxiliary loss may also name `model/...` variables.
 */
export type VariableOwner = 'model' | 'posterior';

export const MODEL_PREFIX = 'model/';
export const POSTERIOR_PREFIX = 'posterior/';

/** `name` under the rule above: kept when already qualified, else prefixed with its owner's prefix. */
export function qualifyVariableName(owner: VariableOwner, name: string): string {
  if (name.startsWith(MODEL_PREFIX) || name.startsWith(POSTERIOR_PREFIX)) return name;
  return `${owner}/${name}`;
}

/** Every variable of the run under its qualified name (the model's first). */
export function qualifiedVariables(model: Model, posterior: Posterior): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const [k, v] of Object.entries(model.namedVariables())) out[`${MODEL_PREFIX}${k}`] = v;
  for (const [k, v] of Object.entries(posterior.namedVariables())) out[`${POSTERIOR_PREFIX}${k}`] = v;
  return out;
}
