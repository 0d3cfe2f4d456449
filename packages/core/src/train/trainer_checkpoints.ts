import type * as tf from '@tensorflow/tfjs-core';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint';
import type { CheckpointPayload } from '../checkpoint/checkpoint';
import { NonFiniteError, ValidationError } from '../errors';
import { assignVariables } from '../serialize';
import type { Model } from '../types/model';
import type { Posterior } from '../types/posterior';
import { nonFiniteParameter } from './guard';
import type { Optimizers } from './optimizers';
import { emptyPartial } from './run_state';
import type { RunState } from './run_state';

/** The settings a checkpoint must share with the run that resumes it (all but `epochs`, which may grow). */
export type RunSettings = Record<string, string | number>;

/**
 * A run's checkpoints: made (to `path`, atomically with a checksum, and/or handed to
 * `onCheckpoint`) and resumed, with the weights, the optimizers' moments and the run state, so a
 * resumed run reproduces an uninterrupted one exactly.
 */
export class TrainerCheckpoints {
  /** The last checkpoint file written or resumed from: what a NonFiniteError or DivergenceError points to. */
  last: string | undefined;

  constructor(
    private readonly run: {
      model: Model; posterior: Posterior; seed: number; settings: RunSettings; variables: Record<string, tf.Variable>; optimizers: Optimizers;
    },
    private readonly target: { path?: string | undefined; onCheckpoint?: ((payload: CheckpointPayload) => void | Promise<void>) | undefined },
  ) {}

  /** Whether checkpoints are made at all. */
  get enabled(): boolean {
    return this.target.path !== undefined || this.target.onCheckpoint !== undefined;
  }

  /** Writes a checkpoint of `state`; returns where (undefined when it went only to onCheckpoint). */
  async save(state: RunState): Promise<string | undefined> {
    const { model, posterior, seed, settings, variables, optimizers } = this.run;
    // A parameter made non-finite outside a step (a callback, a bug) must not replace the last good checkpoint.
    const badParameter = nonFiniteParameter(variables);
    if (badParameter) throw new NonFiniteError(state.step, 'a parameter before the checkpoint', Number.NaN, this.last, badParameter);
    const payload: CheckpointPayload = {
      step: state.step, epoch: state.epoch, stepInEpoch: state.stepInEpoch, seed, settings,
      model: model.toJSON(), posterior: posterior.toJSON(), optimizers: optimizers.states(),
      history: state.history, skippedSteps: state.skipped, partialEpoch: state.partial,
    };
    const { path, onCheckpoint } = this.target;
    if (path) {
      await saveCheckpoint(path, payload);
      this.last = path;
    }
    await onCheckpoint?.(payload);
    return path;
  }

  /** Loads a checkpoint into the model, posterior and optimizers after checking it belongs to this run; returns its state. */
  async restore(from: string | CheckpointPayload): Promise<RunState> {
    const p = typeof from === 'string' ? await loadCheckpoint(from) : from;
    const { model, posterior, seed, settings, optimizers } = this.run;
    // Both sides' keys: a setting only one side names (a schedule, say) differs too.
    for (const k of new Set([...Object.keys(settings), ...Object.keys(p.settings)])) {
      if (k !== 'epochs' && p.settings[k] !== settings[k]) {
        throw new ValidationError(`Trainer: cannot resume: checkpoint has ${k} = ${JSON.stringify(p.settings[k])}, this run has ${JSON.stringify(settings[k])}`);
      }
    }
    if (p.seed !== seed) throw new ValidationError(`Trainer: cannot resume: checkpoint has seed ${p.seed}, this run has ${seed}`);
    if (p.posterior.kind !== posterior.family) {
      throw new ValidationError(`Trainer: cannot resume: checkpoint posterior is ${p.posterior.kind}, this run uses ${posterior.family}`);
    }
    assignVariables('checkpoint model', model.namedVariables(), p.model.weights);
    assignVariables('checkpoint posterior', posterior.namedVariables(), p.posterior.weights);
    optimizers.load(p.optimizers);
    if (typeof from === 'string') this.last = from;
    return {
      step: p.step, epoch: p.epoch, stepInEpoch: p.stepInEpoch, skipped: p.skippedSteps, history: [...p.history],
      partial: p.partialEpoch ?? emptyPartial(),
    };
  }
}
