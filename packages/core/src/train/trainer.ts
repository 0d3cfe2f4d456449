import * as tf from '@tensorflow/tfjs-core';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint';
import type { CheckpointPayload, EpochRecord } from '../checkpoint/checkpoint';
import { DivergenceError, NonFiniteError, ValidationError, checkPositive, checkPositiveInt, invalid } from '../errors';
import { Adam } from '../optim/adam';
import type { AdamOptions } from '../optim/adam';
import { SeedStream } from '../random/seed_stream';
import { permutation } from '../random/shuffle';
import { assignVariables } from '../serialize';
import type { Batch, Dataset } from '../types/dataset';
import type { Model } from '../types/model';
import type { Objective } from '../types/objective';
import type { AuxiliaryLoss, PhaseSpec, Posterior } from '../types/posterior';
import { evaluate } from './evaluate';
import { checkMemoryFits, estimateTrainingMemory } from './memory_estimate';
import type { TrainEvent } from './events';
import { firstNonFinite, nonFiniteOrigin, nonFiniteParameter, readStep } from './guard';
import { TRAIN_ALL, schedulePhases } from './phases';
import type { ScheduledPhase } from './phases';

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
  /** Auxiliary losses' learning rate (default: learningRate). */
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
   * with the other shards through `reduce` before the guard and the optimizer see them.
   */
  shard?: ShardHooks;
}

/** One worker's part in data-parallel training (see `DataParallelTrainer`). */
export interface ShardHooks {
  index: number;
  count: number;
  /**
   * Called once per update with this shard's values weighted by its share of the batch, in one
   * fixed layout (loss, the terms in key order, then each gradient in key order); returns the sum
   * over all shards in the same layout, added in shard order so every shard gets identical numbers.
   */
  reduce: (values: Float32Array) => Float32Array;
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
 */
export class Trainer {
  private readonly options: TrainerOptions;
  private readonly root: SeedStream;
  private readonly optimizers = new Map<string, Adam>();
  private readonly phases: ScheduledPhase[];
  private readonly stepsPerEpoch: number;
  private readonly variables: Record<string, tf.Variable>;
  private lastCheckpoint: string | undefined;
  /** This shard's share of the current batch (1 without shards): its mean losses weigh that much. */
  private shardWeight = 1;

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
    this.variables = qualified(model, posterior);
    if (options.memoryBudget) {
      const estimate = estimateTrainingMemory({
        variables: this.variables, batchSize: Math.min(options.batchSize, train.size), dataSize: train.dataSize, examples: train.size + (test?.size ?? 0),
      });
      checkMemoryFits(estimate, options.memoryBudget, options.batchSize);
    }
  }

  get totalSteps(): number {
    return this.stepsPerEpoch * this.options.epochs;
  }

  async fit(resumeFrom?: string | CheckpointPayload): Promise<TrainResult> {
    const o = this.options;
    const started = Date.now();
    const state = { step: 0, epoch: 0, stepInEpoch: 0, skipped: 0, history: [] as EpochRecord[], partial: { sums: {} as Record<string, number>, counted: 0 } };
    if (resumeFrom !== undefined) Object.assign(state, await this.restore(resumeFrom));
    const emit = (e: TrainEvent) => o.onEvent?.(e);
    emit({ type: 'start', totalSteps: this.totalSteps, stepsPerEpoch: this.stepsPerEpoch, epochs: o.epochs, resumedAtStep: state.step });
    let msPerStep = 0;
    for (let epoch = state.epoch; epoch < o.epochs; epoch++) {
      const phase = this.phaseAt(epoch);
      if (phase.start === epoch || epoch === state.epoch) emit({ type: 'phase', phase: phase.spec.name, epoch });
      const epochStart = Date.now();
      const order = permutation(o.train.size, this.root.fork(`epoch:${epoch}`));
      // A run resumed mid-epoch carries the epoch's running sums, so its record matches an uninterrupted run.
      const partial = epoch === state.epoch ? state.partial : { sums: {}, counted: 0 };
      const sums: Record<string, number> = { ...partial.sums };
      let counted = partial.counted;
      for (let s = epoch === state.epoch ? state.stepInEpoch : 0; s < this.stepsPerEpoch; s++) {
        const t0 = Date.now();
        const whole = order.subarray(s * o.batchSize, Math.min((s + 1) * o.batchSize, o.train.size));
        const indices = o.shard ? shardOf(whole, o.shard) : whole;
        this.shardWeight = indices.length / whole.length;
        const batch = o.train.batch(indices);
        let terms: Record<string, number> | undefined;
        try {
          terms = this.step(batch, indices, phase.spec, state, epoch, emit);
        } finally {
          tf.dispose(batch as unknown as tf.TensorContainer);
        }
        state.step += 1;
        if (terms) {
          for (const [k, v] of Object.entries(terms)) sums[k] = (sums[k] ?? 0) + v;
          counted += 1;
        }
        const dt = Date.now() - t0;
        msPerStep = msPerStep === 0 ? dt : 0.9 * msPerStep + 0.1 * dt;
        emit({
          type: 'step', step: state.step, totalSteps: this.totalSteps, epoch, stepInEpoch: s + 1, stepsPerEpoch: this.stepsPerEpoch,
          terms: terms ?? {}, msPerStep, etaSeconds: ((this.totalSteps - state.step) * msPerStep) / 1000,
        });
        const midEpoch = () => ({ ...state, epoch, stepInEpoch: s + 1, partial: { sums: { ...sums }, counted } });
        if (this.checkpointing && o.checkpointEverySteps && state.step % o.checkpointEverySteps === 0 && s + 1 < this.stepsPerEpoch) {
          await this.checkpoint(midEpoch(), emit);
        }
        // Give the event loop a turn every step: signal handlers (Ctrl-C keeps the last checkpoint),
        // progress output, a browser page and a test runner's heartbeat all need it during long fits.
        await yieldToEventLoop();
        if (o.signal?.aborted) {
          // Saved even at an epoch's last step: resuming then only closes the epoch's record.
          if (this.checkpointing) await this.checkpoint(midEpoch(), emit);
          return { history: state.history, steps: state.step, skippedSteps: state.skipped, seconds: (Date.now() - started) / 1000, stopped: true };
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
      emit({ type: 'epoch', record });
      // Before the checkpoint, so a diverged epoch never overwrites the last good one.
      const problem = o.posterior.checkHealth?.(record, state.history);
      if (problem !== undefined) throw new DivergenceError(epoch, problem, this.lastCheckpoint);
      if (this.checkpointing) await this.checkpoint({ ...state, epoch: epoch + 1, stepInEpoch: 0, partial: { sums: {}, counted: 0 } }, emit);
    }
    return { history: state.history, steps: state.step, skippedSteps: state.skipped, seconds: (Date.now() - started) / 1000, stopped: false };
  }

  private get checkpointing(): boolean {
    return this.options.checkpointPath !== undefined || this.options.onCheckpoint !== undefined;
  }

  dispose(): void {
    for (const opt of this.optimizers.values()) opt.dispose();
    this.optimizers.clear();
  }

  /** One main update and the family's auxiliary updates; undefined when the update was skipped. */
  private step(
    batch: Batch, indices: Int32Array, phase: PhaseSpec, state: { step: number; skipped: number }, epoch: number, emit: (e: TrainEvent) => void,
  ): Record<string, number> | undefined {
    const o = this.options;
    const origin = () => nonFiniteOrigin(batch.x, indices, this.variables);
    // Shards draw different noise for their examples; one shard (a plain Trainer) keeps the plain stream.
    const seed = o.shard && o.shard.count > 1 ? this.root.fork(state.step).fork(`shard:${o.shard.index}`) : this.root.fork(state.step);
    const trainable = Object.fromEntries(Object.entries(this.variables).filter(([k]) => phase.trainable(k)));
    const main = this.update(`phase:${phase.name}`, o.learningRate, trainable, state, emit, origin, () =>
      o.objective.compute(o.model, o.posterior, batch, { seed: seed.fork('main'), training: true, epoch }),
    );
    if (!main) return undefined;
    const terms = { ...main };
    for (const aux of this.auxiliaryLosses()) {
      const vars = this.auxVariables(aux);
      for (let r = 0; r < (aux.repeats ?? 1); r++) {
        const auxSeed = seed.fork(`aux:${aux.name}:${r}`);
        const values = this.update(`aux:${aux.name}`, aux.learningRate ?? o.auxLearningRate ?? o.learningRate, vars, state, emit, origin, () => {
          const reported: Record<string, tf.Scalar> = {};
          const report = (name: string, value: tf.Scalar) => void (reported[name] = value);
          const loss = aux.loss({ model: o.model, batch, seed: auxSeed, epoch, step: state.step, epochs: o.epochs, report });
          return { loss, terms: reported };
        });
        if (values && r === (aux.repeats ?? 1) - 1) {
          const { loss, ...reported } = values;
          terms[aux.name] = loss!;
          // Diagnostics under their own names unless that would overwrite another term.
          for (const [k, v] of Object.entries(reported)) terms[k in terms ? `${aux.name}.${k}` : k] = v;
        }
      }
    }
    return terms;
  }

  /** Gradient step on `vars` for the loss `compute` builds, behind the non-finite guard. */
  private update(
    optimizerKey: string, learningRate: number, vars: Record<string, tf.Variable>, state: { step: number; skipped: number },
    emit: (e: TrainEvent) => void, origin: () => string | undefined, compute: () => { loss: tf.Scalar; terms: Record<string, tf.Scalar> },
  ): Record<string, number> | undefined {
    const names = Object.keys(vars);
    if (names.length === 0) return {};
    const byTfName = new Map(names.map((k) => [vars[k]!.name, k]));
    let kept: Record<string, tf.Scalar> = {};
    const { value, grads: rawGrads } = tf.variableGrads(() => {
      const r = compute();
      kept = Object.fromEntries(Object.entries(r.terms).map(([k, t]) => [k, tf.keep(t)]));
      return r.loss;
    }, names.map((k) => vars[k]!));
    let grads: Record<string, tf.Tensor> = {};
    for (const [tfName, g] of Object.entries(rawGrads)) grads[byTfName.get(tfName)!] = g;
    let loss: tf.Scalar = value;
    if (this.options.shard) {
      const reduced = reduceAcrossShards(this.options.shard, this.shardWeight, value, kept, grads);
      tf.dispose([value, ...Object.values(kept), ...Object.values(grads)]);
      ({ loss, terms: kept, grads } = reduced);
    }
    try {
      const values = readStep(loss, kept, Object.values(grads));
      const bad = firstNonFinite(values, grads);
      if (bad) {
        const cause = origin();
        const policy = this.options.nanPolicy ?? 'stop';
        const maxSkips = this.options.maxSkips ?? 100;
        if (policy === 'stop' || state.skipped >= maxSkips) {
          const limit = policy === 'skip' ? ` (after ${state.skipped} skipped updates: the maxSkips limit)` : '';
          throw new NonFiniteError(state.step, `${optimizerKey} ${bad.term}${limit}`, bad.value, this.lastCheckpoint, cause);
        }
        state.skipped += 1;
        emit({ type: 'skip', step: state.step, term: `${optimizerKey} ${bad.term}`, value: bad.value, skipped: state.skipped, ...(cause ? { origin: cause } : {}) });
        return undefined;
      }
      this.optimizer(optimizerKey, learningRate).apply(vars, grads);
      return { loss: values.loss, ...values.terms };
    } finally {
      tf.dispose([loss, ...Object.values(grads), ...Object.values(kept)]);
    }
  }

  private optimizer(key: string, learningRate: number): Adam {
    let opt = this.optimizers.get(key);
    if (!opt) {
      opt = new Adam({ ...this.options.adam, learningRate });
      this.optimizers.set(key, opt);
    }
    return opt;
  }

  /** The posterior's auxiliary losses, then the model's (its variable names qualified as model/). */
  private auxiliaryLosses(): AuxiliaryLoss[] {
    const { model, posterior } = this.options;
    const own = (model.auxiliaryLosses?.() ?? []).map((a) => ({
      ...a, loss: a.loss.bind(a), variables: a.variables.map((v) => (v.startsWith('model/') ? v : `model/${v}`)),
    }));
    return [...posterior.auxiliaryLosses(), ...own];
  }

  private auxVariables(aux: AuxiliaryLoss): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const name of aux.variables) {
      const key = name.startsWith('model/') || name.startsWith('posterior/') ? name : `posterior/${name}`;
      const v = this.variables[key];
      if (!v) throw new ValidationError(`Trainer: auxiliary loss ${aux.name} names unknown variable ${JSON.stringify(name)}`);
      out[key] = v;
    }
    return out;
  }

  private phaseAt(epoch: number): ScheduledPhase {
    return this.phases.find((p) => epoch >= p.start && epoch < p.end) ?? this.phases[this.phases.length - 1]!;
  }

  private settings() {
    const o = this.options;
    return { batchSize: o.batchSize, epochs: o.epochs, learningRate: o.learningRate, objective: o.objective.name, trainSize: o.train.size, stepsPerEpoch: this.stepsPerEpoch };
  }

  private async checkpoint(
    state: {
      step: number; epoch: number; stepInEpoch: number; skipped: number; history: EpochRecord[];
      partial: { sums: Record<string, number>; counted: number };
    },
    emit: (e: TrainEvent) => void,
  ): Promise<void> {
    const o = this.options;
    // A parameter made non-finite outside a step (a callback, a bug) must not replace the last good checkpoint.
    const badParameter = nonFiniteParameter(this.variables);
    if (badParameter) throw new NonFiniteError(state.step, 'a parameter before the checkpoint', Number.NaN, this.lastCheckpoint, badParameter);
    const payload: CheckpointPayload = {
      step: state.step, epoch: state.epoch, stepInEpoch: state.stepInEpoch, seed: o.seed, settings: this.settings(),
      model: o.model.toJSON(), posterior: o.posterior.toJSON(),
      optimizers: Object.fromEntries([...this.optimizers].map(([k, opt]) => [k, opt.state()])),
      history: state.history, skippedSteps: state.skipped, partialEpoch: state.partial,
    };
    if (o.checkpointPath) {
      await saveCheckpoint(o.checkpointPath, payload);
      this.lastCheckpoint = o.checkpointPath;
    }
    await o.onCheckpoint?.(payload);
    emit({ type: 'checkpoint', path: o.checkpointPath, step: state.step });
  }

  private async restore(from: string | CheckpointPayload) {
    const p = typeof from === 'string' ? await loadCheckpoint(from) : from;
    const o = this.options;
    const expected = this.settings();
    for (const [k, v] of Object.entries(expected)) {
      if (k !== 'epochs' && p.settings[k] !== v) {
        throw new ValidationError(`Trainer: cannot resume: checkpoint has ${k} = ${JSON.stringify(p.settings[k])}, this run has ${JSON.stringify(v)}`);
      }
    }
    if (p.seed !== o.seed) throw new ValidationError(`Trainer: cannot resume: checkpoint has seed ${p.seed}, this run has ${o.seed}`);
    if (p.posterior.kind !== o.posterior.family) {
      throw new ValidationError(`Trainer: cannot resume: checkpoint posterior is ${p.posterior.kind}, this run uses ${o.posterior.family}`);
    }
    assignVariables('checkpoint model', o.model.namedVariables(), p.model.weights);
    assignVariables('checkpoint posterior', o.posterior.namedVariables(), p.posterior.weights);
    for (const [k, s] of Object.entries(p.optimizers)) {
      const aux = k.startsWith('aux:') ? this.auxiliaryLosses().find((a) => `aux:${a.name}` === k) : undefined;
      const opt = new Adam({ ...o.adam, learningRate: k.startsWith('aux:') ? (aux?.learningRate ?? o.auxLearningRate ?? o.learningRate) : o.learningRate });
      opt.loadState(s);
      this.optimizers.get(k)?.dispose();
      this.optimizers.set(k, opt);
    }
    if (typeof from === 'string') this.lastCheckpoint = from;
    return {
      step: p.step, epoch: p.epoch, stepInEpoch: p.stepInEpoch, skipped: p.skippedSteps, history: [...p.history],
      partial: p.partialEpoch ?? { sums: {}, counted: 0 },
    };
  }
}

function qualified(model: Model, posterior: Posterior): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const [k, v] of Object.entries(model.namedVariables())) out[`model/${k}`] = v;
  for (const [k, v] of Object.entries(posterior.namedVariables())) out[`posterior/${k}`] = v;
  return out;
}

/** Shard `index` of `count` near-equal contiguous parts of a batch's indices. */
function shardOf(indices: Int32Array, shard: ShardHooks): Int32Array {
  const lo = Math.floor((shard.index * indices.length) / shard.count);
  const hi = Math.floor(((shard.index + 1) * indices.length) / shard.count);
  return indices.subarray(lo, hi);
}

/**
 * Packs this shard's loss, terms and gradients (each times `weight`) into one array, sums it over
 * the shards with `shard.reduce`, and unpacks the batch-wide values as fresh tensors.
 */
function reduceAcrossShards(
  shard: ShardHooks, weight: number, loss: tf.Scalar, terms: Record<string, tf.Scalar>, grads: Record<string, tf.Tensor>,
): { loss: tf.Scalar; terms: Record<string, tf.Scalar>; grads: Record<string, tf.Tensor> } {
  const termNames = Object.keys(terms).sort();
  const gradNames = Object.keys(grads).sort();
  const parts = [loss, ...termNames.map((k) => terms[k]!), ...gradNames.map((k) => grads[k]!)];
  const packed = tf.tidy(() => tf.mul(tf.concat(parts.map((t) => tf.reshape(t, [-1]))), weight));
  const local = packed.dataSync() as Float32Array;
  packed.dispose();
  const sum = shard.reduce(local);
  let at = 0;
  const take = (shape: number[]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(sum.subarray(at, at + size), shape, 'float32');
    at += size;
    return t;
  };
  const out = { loss: take([]) as tf.Scalar, terms: {} as Record<string, tf.Scalar>, grads: {} as Record<string, tf.Tensor> };
  for (const k of termNames) out.terms[k] = take([]) as tf.Scalar;
  for (const k of gradNames) out.grads[k] = take(grads[k]!.shape);
  return out;
}

function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}
