import type * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '../errors';
import { Adam } from '../optim/adam';
import type { AdamOptions, AdamState } from '../optim/adam';
import type { Model } from '../types/model';
import type { AuxiliaryLoss, Posterior } from '../types/posterior';
import { qualifyVariableName } from './variable_names';
import type { VariableOwner } from './variable_names';

/** An auxiliary loss as the trainer runs it: its variables under qualified names (./variable_names.ts). */
export interface RunAuxiliaryLoss extends AuxiliaryLoss {
  owner: VariableOwner;
}

/** The run's auxiliary losses: the posterior's, then the model's. */
export function runAuxiliaryLosses(model: Model, posterior: Posterior): RunAuxiliaryLoss[] {
  const of = (owner: VariableOwner, losses: AuxiliaryLoss[]): RunAuxiliaryLoss[] =>
    losses.map((a) => ({ ...a, owner, loss: a.loss.bind(a), variables: a.variables.map((v) => qualifyVariableName(owner, v)) }));
  return [...of('posterior', posterior.auxiliaryLosses()), ...of('model', model.auxiliaryLosses?.() ?? [])];
}

/** The variables an auxiliary loss updates, by qualified name; an unknown name fails naming the loss. */
export function auxiliaryVariables(aux: AuxiliaryLoss, variables: Record<string, tf.Variable>): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const key of aux.variables) {
    const v = variables[key];
    if (!v) throw new ValidationError(`Trainer: auxiliary loss ${aux.name} names unknown variable ${JSON.stringify(key)}`);
    out[key] = v;
  }
  return out;
}

/** Optimizer keys: one Adam per phase of the main objective and one per auxiliary loss, each with its own moments. */
export const phaseKey = (phase: string): string => `phase:${phase}`;
export const auxKey = (aux: string): string => `aux:${aux}`;

/**
 * The run's Adam optimizers by key, each made on first use with its learning rate. The rule, in
 * one place: a phase uses `learningRate`; an auxiliary loss its own `learningRate`, else
 * `auxLearningRate`, else `learningRate`.
 */
export class Optimizers {
  private readonly byKey = new Map<string, Adam>();

  constructor(
    private readonly rates: { learningRate: number; auxLearningRate?: number | undefined },
    private readonly adam: Omit<AdamOptions, 'learningRate'> | undefined,
    private readonly auxiliary: () => AuxiliaryLoss[],
  ) {}

  learningRateOf(key: string): number {
    if (!key.startsWith('aux:')) return this.rates.learningRate;
    const aux = this.auxiliary().find((a) => auxKey(a.name) === key);
    return aux?.learningRate ?? this.rates.auxLearningRate ?? this.rates.learningRate;
  }

  get(key: string): Adam {
    let opt = this.byKey.get(key);
    if (!opt) {
      opt = new Adam({ ...this.adam, learningRate: this.learningRateOf(key) });
      this.byKey.set(key, opt);
    }
    return opt;
  }

  states(): Record<string, AdamState> {
    return Object.fromEntries([...this.byKey].map(([k, opt]) => [k, opt.state()]));
  }

  /** Replaces the optimizers named in `states` with ones holding that state (a resume). */
  load(states: Record<string, AdamState>): void {
    for (const [key, state] of Object.entries(states)) {
      const opt = new Adam({ ...this.adam, learningRate: this.learningRateOf(key) });
      opt.loadState(state);
      this.byKey.get(key)?.dispose();
      this.byKey.set(key, opt);
    }
  }

  dispose(): void {
    for (const opt of this.byKey.values()) opt.dispose();
    this.byKey.clear();
  }
}
