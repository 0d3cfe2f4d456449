import * as tf from '@tensorflow/tfjs-core';
import type { CheckpointPayload, EpochRecord } from '../checkpoint/checkpoint';
import { DivergenceError, ValidationError, checkPositive, checkPositiveInt, invalid } from '../errors';
import type { AdamOptions } from '../optim/adam';
import { SeedStream } from '../random/seed_stream';
import { permutation } from '../random/shuffle';
import type { Dataset } from '../types/dataset';
import type { Model } from '../types/model';
import type { Objective } from '../types/objective';
import type { PhaseSpec, Posterior } from '../types/posterior';
import { evaluate } from './evaluate';
import { TrainEvents } from './events';
import type { TrainEvent } from './events';
import { NonFiniteGuard, nonFiniteOrigin } from './guard';
import { checkMemoryFits, estimateTrainingMemory } from './memory_estimate';
import { Optimizers, auxKey, auxiliaryVariables, phaseKey, runAuxiliaryLosses } from './optimizers';
import { TRAIN_ALL, schedulePhases } from './phases';
import type { ScheduledPhase } from './phases';
import { emptyPartial, freshRunState } from './run_state';
import type { PartialEpoch, RunState } from './run_state';
import { ALONE, shardExchange } from './shard_exchange';
import type { ShardHooks, StepExchange } from './shard_exchange';
import { TrainerCheckpoints } from './trainer_checkpoints';
import type { RunSettings } from './trainer_checkpoints';
import { gradientUpdate } from './update';
import { LEARNING_RATE_SCHEDULES, learningRateFactor } from './learning_rate_schedule';
import type { LearningRateSchedule } from './learning_rate_schedule';
import { qualifiedVariables } from './variable_names';

export type { ShardHooks } from './shard_exchange';

export interface TrainerOptions {
  model: Model;
  posterior: Posterior;
  /** The training objective (its `loss` is minimized). */
  objective: Objective;
  train: Dataset;
  /** Evaluated after each `evalEvery` epochs with `evalObjective` (default: `objective`), training off. */
  test?: Dataset;
  evalObjective?: Objective;
  evalEvery?: number;
  evalLimit?: number;
  batchSize: number;
  epochs: number;
  learningRate: number;
  /** How every optimizer's rate moves over the run's steps (default 'constant'; ./learning_rate_schedule.ts). */
  learningRateSchedule?: LearningRateSchedule;
  /** Auxiliary losses' learning rate (default: learningRate; a loss's own learningRate wins, see ./optimizers.ts). */
  auxLearningRate?: number;
  adam?: Omit<AdamOptions, 'learningRate'>;
  seed: number;
  /** Cap on steps per epoch, for quick runs on a subset of each shuffled epoch. */
  maxStepsPerEpoch?: number;
  /** Phases (which variables train when); default: the posterior's own phases, else one phase. */
  phases?: PhaseSpec[];
  /** Written atomically after every epoch, and every `checkpointEverySteps` steps when set. */
  checkpointPath?: string;
  checkpointEverySteps?: number;
  /**
   * Receives every checkpoint the trainer makes, in the format `checkpointPath` files hold
   * (`encodeCheckpoint` gives that file's text). Checkpoints are made when either is set; without
   * a file system (a browser, a worker) this is how a run keeps them.
   */
  onCheckpoint?: (payload: CheckpointPayload) => void | Promise<void>;
  /**
   * Aborting stops `fit` after the step in progress; with checkpoints on, one is made at that
   * step first, so `fit(payload)` continues exactly as an uninterrupted run would.
   */
  signal?: AbortSignal;
  /** 'stop' (default) throws at the first non-finite term; 'skip' drops that update, up to maxSkips. */
  nanPolicy?: 'stop' | 'skip';
  maxSkips?: number;
  onEvent?: (event: TrainEvent) => void;
  /**
   * Memory the run may use; when given, the constructor estimates what training needs
   * (estimateTrainingMemory) and refuses up front with the breakdown if it does not fit.
   */
  memoryBudget?: { availableBytes: number; totalBytes?: number; source?: string };
  /**
   * Set by `DataParallelTrainer` in each of its workers (not for direct use): this process trains on
   * shard `index` of `count` of every batch and averages each update's loss, terms and gradients
   * with the other shards through `reduce` before the guard and the optimizer see them
   * (./shard_exchange.ts; the trainer itself only sees a `StepExchange`).
   */
  shard?: ShardHooks;
}

export interface TrainResult {
  history: EpochRecord[];
  steps: number;
  skippedSteps: number;
  seconds: number;
  /** True when `signal` stopped the run before its last epoch ended. */
  stopped: boolean;
}

/**
 * Fits a posterior (and the model) by stochastic optimization of an objective. Deterministic given
 * the seed: step n draws from seed.fork(n) and epoch e's shuffle from seed.fork('epoch:e'), so a
 * run resumed from a checkpoint reproduces an uninterrupted one exactly (same backend).
 *
 * The loop is here; its parts are collaborators: variable names (./variable_names.ts), optimizers
 * and the learning-rate rule (./optimizers.ts), one gradient step behind the non-finite guard
 * (./update.ts, ./guard.ts), checkpoints and resume (./trainer_checkpoints.ts), events
 * (./events.ts), and a data-parallel worker's share of each step (./shard_exchange.ts).
 */
export class Trainer {
  private readonly options: TrainerOptions;
  private readonly root: SeedStream;
  private readonly phases: ScheduledPhase[];
  private readonly stepsPerEpoch: number;
  private readonly variables: Record<string, tf.Variable>;
  private readonly optimizers: Optimizers;
  private readonly checkpoints: TrainerCheckpoints;
  private readonly events: TrainEvents;
  private readonly guard: NonFiniteGuard;
  private readonly exchange: StepExchange;

  constructor(options: TrainerOptions) {
    this.options = options;
    const { model, posterior, train, test } = options;
    checkPositiveInt('Trainer', 'batchSize', options.batchSize);
    checkPositiveInt('Trainer', 'epochs', options.epochs);
    checkPositive('Trainer', 'learningRate', options.learningRate);
    if (options.maxStepsPerEpoch !== undefined) checkPositiveInt('Trainer', 'maxStepsPerEpoch', options.maxStepsPerEpoch);
    if (options.checkpointEverySteps !== undefined) checkPositiveInt('Trainer', 'checkpointEverySteps', options.checkpointEverySteps);
    if (options.nanPolicy !== undefined && options.nanPolicy !== 'stop' && options.nanPolicy !== 'skip') invalid('Trainer', 'nanPolicy', '"stop" or "skip"', options.nanPolicy);
    if (options.maxSkips !== undefined && !(Number.isInteger(options.maxSkips) && options.maxSkips >= 0)) invalid('Trainer', 'maxSkips', 'an integer >= 0', options.maxSkips);
    if (options.learningRateSchedule !== undefined && !LEARNING_RATE_SCHEDULES.includes(options.learningRateSchedule)) {
      invalid('Trainer', 'learningRateSchedule', LEARNING_RATE_SCHEDULES.map((v) => `"${v}"`).join(' or '), options.learningRateSchedule);
    }
    for (const [name, size] of [['model.dataSize', model.dataSize], ['posterior.dataSize', posterior.dataSize], ['test.dataSize', test?.dataSize ?? train.dataSize]] as const) {
      if (size !== train.dataSize) throw new ValidationError(`Trainer: ${name} must equal train.dataSize = ${train.dataSize}, got ${size}`);
    }
    if (model.latentSize !== posterior.latentSize) {
      throw new ValidationError(`Trainer: posterior.latentSize must equal model.latentSize = ${model.latentSize}, got ${posterior.latentSize}`);
    }
    this.root = new SeedStream(options.seed >>> 0);
    this.phases = schedulePhases(options.phases ?? posterior.phases?.() ?? [TRAIN_ALL], options.epochs);
    const full = Math.ceil(train.size / options.batchSize);
    this.stepsPerEpoch = Math.min(full, options.maxStepsPerEpoch ?? full);
    this.variables = qualifiedVariables(model, posterior);
    if (options.memoryBudget) {
      const estimate = estimateTrainingMemory({
        variables: this.variables, batchSize: Math.min(options.batchSize, train.size), dataSize: train.dataSize, examples: train.size + (test?.size ?? 0),
      });
      checkMemoryFits(estimate, options.memoryBudget, options.batchSize);
    }
    this.optimizers = new Optimizers(options, options.adam, () => runAuxiliaryLosses(model, posterior));
    this.checkpoints = new TrainerCheckpoints(
      { model, posterior, seed: options.seed, settings: this.settings(), variables: this.variables, optimizers: this.optimizers },
      { path: options.checkpointPath, onCheckpoint: options.onCheckpoint },
    );
    this.events = new TrainEvents(options.onEvent, { totalSteps: this.totalSteps, stepsPerEpoch: this.stepsPerEpoch });
    this.guard = new NonFiniteGuard(options.nanPolicy ?? 'stop', options.maxSkips ?? 100, () => this.checkpoints.last, (skip) =>
      this.events.emit({ type: 'skip', ...skip }),
    );
    this.exchange = options.shard ? shardExchange(options.shard) : ALONE;
  }

  get totalSteps(): number {
    return this.stepsPerEpoch * this.options.epochs;
  }

  async fit(resumeFrom?: string | CheckpointPayload): Promise<TrainResult> {
    const started = Date.now();
    const state = resumeFrom === undefined ? freshRunState() : await this.checkpoints.restore(resumeFrom);
    this.events.emit({ type: 'start', totalSteps: this.totalSteps, stepsPerEpoch: this.stepsPerEpoch, epochs: this.options.epochs, resumedAtStep: state.step });
    // Only the first epoch of this call may start part-way (a resume mid-epoch), with the epoch's running sums.
    let from = { step: state.stepInEpoch, partial: state.partial };
    for (let epoch = state.epoch; epoch < this.options.epochs; epoch++) {
      const stopped = await this.runEpoch(epoch, state, from, epoch === state.epoch);
      if (stopped) return this.result(state, started, true);
      from = { step: 0, partial: emptyPartial() };
    }
    return this.result(state, started, false);
  }

  dispose(): void {
    this.optimizers.dispose();
  }

  /** One epoch from step `from.step`; true when `signal` stopped it (after checkpointing, when on). */
  private async runEpoch(epoch: number, state: RunState, from: { step: number; partial: PartialEpoch }, first: boolean): Promise<boolean> {
    const o = this.options;
    const phase = this.phaseAt(epoch);
    if (phase.start === epoch || first) this.events.emit({ type: 'phase', phase: phase.spec.name, epoch });
    const epochStart = Date.now();
    const order = permutation(o.train.size, this.root.fork(`epoch:${epoch}`));
    const sums: Record<string, number> = { ...from.partial.sums };
    let counted = from.partial.counted;
    for (let s = from.step; s < this.stepsPerEpoch; s++) {
      const t0 = Date.now();
      const terms = this.step(order.subarray(s * o.batchSize, Math.min((s + 1) * o.batchSize, o.train.size)), phase.spec, state, epoch);
      state.step += 1;
      if (terms) {
        for (const [k, v] of Object.entries(terms)) sums[k] = (sums[k] ?? 0) + v;
        counted += 1;
      }
      this.events.step({ step: state.step, epoch, stepInEpoch: s + 1 }, terms, Date.now() - t0);
      const midEpoch = (): RunState => ({ ...state, epoch, stepInEpoch: s + 1, partial: { sums: { ...sums }, counted } });
      if (this.checkpoints.enabled && o.checkpointEverySteps && state.step % o.checkpointEverySteps === 0 && s + 1 < this.stepsPerEpoch) {
        await this.checkpoint(midEpoch());
      }
      // Give the event loop a turn every step: signal handlers (Ctrl-C keeps the last checkpoint),
      // progress output, a browser page and a test runner's heartbeat all need it during long fits.
      await yieldToEventLoop();
      if (o.signal?.aborted) {
        // Saved even at an epoch's last step: resuming then only closes the epoch's record.
        if (this.checkpoints.enabled) await this.checkpoint(midEpoch());
        return true;
      }
    }
    const record: EpochRecord = {
      epoch, phase: phase.spec.name,
      train: Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / Math.max(counted, 1)])),
      seconds: (Date.now() - epochStart) / 1000,
    };
    if (o.test && ((epoch + 1) % (o.evalEvery ?? 1) === 0 || epoch === o.epochs - 1)) {
      record.test = evaluate(o.model, o.posterior, o.evalObjective ?? o.objective, o.test, { seed: o.seed, limit: o.evalLimit });
    }
    state.history.push(record);
    this.events.emit({ type: 'epoch', record });
    // Before the checkpoint, so a diverged epoch never overwrites the last good one.
    const problem = o.posterior.checkHealth?.(record, state.history);
    if (problem !== undefined) throw new DivergenceError(epoch, problem, this.checkpoints.last);
    if (this.checkpoints.enabled) await this.checkpoint({ ...state, epoch: epoch + 1, stepInEpoch: 0, partial: emptyPartial() });
    return false;
  }

  /** One main update and the family's auxiliary updates on the batch at `rows`; undefined when the update was skipped. */
  private step(rows: Int32Array, phase: PhaseSpec, state: RunState, epoch: number): Record<string, number> | undefined {
    const o = this.options;
    const indices = this.exchange.rows(rows);
    const share = indices.length / rows.length;
    const batch = o.train.batch(indices);
    try {
      const seed = this.exchange.seed(this.root.fork(state.step));
      const rateFactor = learningRateFactor(o.learningRateSchedule ?? 'constant', state.step, this.totalSteps);
      const update = (optimizer: string, vars: Record<string, tf.Variable>, compute: () => { loss: tf.Scalar; terms: Record<string, tf.Scalar> }) =>
        gradientUpdate({
          vars, compute, exchange: this.exchange, share, guard: this.guard, at: { optimizer, state }, rateFactor,
          origin: () => nonFiniteOrigin(batch.x, indices, this.variables), optimizer: () => this.optimizers.get(optimizer),
        });
      const trainable = Object.fromEntries(Object.entries(this.variables).filter(([k]) => phase.trainable(k)));
      const main = update(phaseKey(phase.name), trainable, () =>
        o.objective.compute(o.model, o.posterior, batch, { seed: seed.fork('main'), training: true, epoch }),
      );
      if (!main) return undefined;
      const terms = { ...main };
      for (const aux of runAuxiliaryLosses(o.model, o.posterior)) {
        const vars = auxiliaryVariables(aux, this.variables);
        const repeats = aux.repeats ?? 1;
        for (let r = 0; r < repeats; r++) {
          const auxSeed = seed.fork(`aux:${aux.name}:${r}`);
          const values = update(auxKey(aux.name), vars, () => {
            const reported: Record<string, tf.Scalar> = {};
            const report = (name: string, value: tf.Scalar) => void (reported[name] = value);
            const loss = aux.loss({ model: o.model, batch, seed: auxSeed, epoch, step: state.step, epochs: o.epochs, report });
            return { loss, terms: reported };
          });
          if (values && r === repeats - 1) {
            const { loss, ...reported } = values;
            terms[aux.name] = loss!;
            // Diagnostics under their own names unless that would overwrite another term.
            for (const [k, v] of Object.entries(reported)) terms[k in terms ? `${aux.name}.${k}` : k] = v;
          }
        }
      }
      return terms;
    } finally {
      tf.dispose(batch as unknown as tf.TensorContainer);
    }
  }

  private async checkpoint(state: RunState): Promise<void> {
    const started = Date.now();
    const path = await this.checkpoints.save(state);
    this.events.emit({ type: 'checkpoint', path, step: state.step, seconds: (Date.now() - started) / 1000 });
  }

  private result(state: RunState, started: number, stopped: boolean): TrainResult {
    return { history: state.history, steps: state.step, skippedSteps: state.skipped, seconds: (Date.now() - started) / 1000, stopped };
  }

  private phaseAt(epoch: number): ScheduledPhase {
    return this.phases.find((p) => epoch >= p.start && epoch < p.end) ?? this.phases[this.phases.length - 1]!;
  }

  private settings(): RunSettings {
    const o = this.options;
    // The schedule only when it is not constant: checkpoints from before it existed still resume.
    const settings: RunSettings = {
      batchSize: o.batchSize, epochs: o.epochs, learningRate: o.learningRate, objective: o.objective.name, trainSize: o.train.size, stepsPerEpoch: this.stepsPerEpoch,
    };
    if (o.learningRateSchedule && o.learningRateSchedule !== 'constant') settings['learningRateSchedule'] = o.learningRateSchedule;
    return settings;
  }
}

function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}
