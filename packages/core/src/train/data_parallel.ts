import * as tf from '@tensorflow/tfjs-core';
import { DdviError, ValidationError, checkPositiveInt } from '../errors';
import type { BackendName } from '../backend/init';
import type { Dataset } from '../types/dataset';
import type { Model } from '../types/model';
import type { Objective } from '../types/objective';
import type { Posterior } from '../types/posterior';
import type { JsonValue, SerializedModule } from '../types/serialized';
import type { TrainEvent } from './events';
import type { TrainResult, TrainerOptions } from './trainer';
import { reducerBufferBytes } from './shard_reduce';

/** What a data-parallel setup module builds in each worker (the objects a `Trainer` takes). */
export interface DataParallelSetup {
  model: Model;
  posterior: Posterior;
  objective: Objective;
  train: Dataset;
  test?: Dataset;
  evalObjective?: Objective;
}

/**
 * The default export of a setup module: builds one worker's copy of the run. Every worker must
 * build the same model and posterior (same seeds), so the shards stay in step.
 */
export type DataParallelSetupFn = (options: JsonValue | undefined, worker: { index: number; count: number }) => DataParallelSetup | Promise<DataParallelSetup>;

export interface DataParallelOptions
  extends Omit<TrainerOptions, 'model' | 'posterior' | 'objective' | 'train' | 'test' | 'evalObjective' | 'phases' | 'onEvent' | 'shard'> {
  /** Worker threads, each with its own tfjs backend; every batch is split into this many shards. */
  workers: number;
  /** Module (file URL or absolute path) whose default export is a `DataParallelSetupFn`. */
  setup: string | URL;
  /** JSON handed to the setup function in every worker. */
  setupOptions?: JsonValue;
  /** The workers' backend; default the backend active in this thread (`tf.getBackend()`). */
  backend?: BackendName;
  /** Worker 0's training events (the numbers are batch-wide: every worker sees the reduced values). */
  onEvent?: (event: TrainEvent) => void;
}

export interface DataParallelResult extends TrainResult {
  /** The trained model and posterior (worker 0's; all workers hold the same weights). */
  model: SerializedModule;
  posterior: SerializedModule;
}

/** Messages a data-parallel worker posts (see ./data_parallel_worker.ts). */
export type WorkerMessage =
  | { type: 'ready'; slotFloats: number }
  | { type: 'event'; event: TrainEvent }
  | { type: 'done'; result: TrainResult; model?: SerializedModule; posterior?: SerializedModule }
  | { type: 'error'; name: string; message: string; stack?: string };

/** What every worker receives at start (workerData). */
export interface WorkerInit {
  index: number;
  count: number;
  setup: string;
  setupOptions?: JsonValue;
  backend: string;
  trainer: Omit<DataParallelOptions, 'setup' | 'setupOptions' | 'onEvent' | 'backend' | 'workers'>;
}

/**
 * Data-parallel training across CPU cores: `workers` worker threads, each with its own tfjs
 * backend (wasm runs one thread per process in Node, so this is how a second core helps), train
 * one copy of the run built by the `setup` module. Each batch is split into near-equal shards;
 * every update's loss, terms and gradients are averaged across the shards (weighted by shard size)
 * before the non-finite guard and Adam, so all copies take the same step. The sums are taken in
 * shard order, which makes a run reproducible for a given seed and worker count; with one worker it
 * reproduces the single-thread `Trainer` exactly. Different worker counts draw different noise and
 * differ in rounding, so their numbers differ (not in expectation).
 *
 * Checkpoints are written by worker 0 and resume with `fit(path)`. Node only (worker_threads).
 *
 * @example
 * // setup.mjs: export default (opts) => ({ model, posterior, objective: new Elbo(), train });
 * const dp = new DataParallelTrainer({ workers: 2, setup: new URL('./setup.mjs', import.meta.url),
 *   batchSize: 128, epochs: 10, learningRate: 1e-3, seed: 1 });
 * const { posterior } = await dp.fit();
 */
export class DataParallelTrainer {
  readonly options: DataParallelOptions;

  constructor(options: DataParallelOptions) {
    checkPositiveInt('DataParallelTrainer', 'workers', options.workers);
    checkPositiveInt('DataParallelTrainer', 'batchSize', options.batchSize);
    if (options.batchSize < options.workers) {
      throw new ValidationError(`DataParallelTrainer: batchSize must be >= workers = ${options.workers} (one example per shard at least), got ${options.batchSize}`);
    }
    if (typeof options.setup !== 'string' && !(options.setup instanceof URL)) {
      throw new ValidationError(`DataParallelTrainer: setup must be a module path or file URL, got ${typeof options.setup}`);
    }
    if ('phases' in options || 'model' in options || 'posterior' in options) {
      throw new ValidationError('DataParallelTrainer: model, posterior and phases come from the setup module, not the options');
    }
    this.options = options;
  }

  async fit(resumeFrom?: string): Promise<DataParallelResult> {
    const { Worker } = await import('node:worker_threads');
    const { pathToFileURL } = await import('node:url');
    const { setup, setupOptions, onEvent, backend, workers: count, ...trainer } = this.options;
    const setupUrl = setup instanceof URL ? setup.href : /^[a-z]+:/i.test(setup) ? setup : pathToFileURL(setup).href;
    const workers = Array.from({ length: count }, (_, index) => {
      const init: WorkerInit = { index, count, setup: setupUrl, setupOptions, backend: backend ?? tf.getBackend(), trainer };
      return new Worker(workerUrl(), { workerData: init, execArgv: withoutSourceConditions(process.execArgv) });
    });
    try {
      return await new Promise<DataParallelResult>((resolve, reject) => {
        const ready: number[] = [];
        let done = 0;
        let finished: DataParallelResult | undefined;
        const fail = (e: unknown) => reject(e);
        workers.forEach((w, index) => {
          w.on('error', fail);
          w.on('exit', (code) => {
            if (code !== 0) fail(new DdviError(`DataParallelTrainer: worker ${index} exited with code ${code}`));
          });
          w.on('message', (m: WorkerMessage) => {
            if (m.type === 'error') return fail(rebuildError(m, index));
            if (m.type === 'event') return onEvent?.(m.event);
            if (m.type === 'ready') {
              ready.push(m.slotFloats);
              if (ready.length < count) return;
              // Workers built the same model, so they agree on the slot size; take the largest to be safe.
              const slotFloats = Math.max(...ready);
              const buffer = new SharedArrayBuffer(reducerBufferBytes(count, slotFloats));
              for (const other of workers) other.postMessage({ type: 'fit', buffer, slotFloats, resumeFrom });
              return;
            }
            if (m.model && m.posterior) finished = { ...m.result, model: m.model, posterior: m.posterior };
            if (++done === count) resolve(finished!);
          });
        });
      });
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }
}

/** The worker entry sits beside this module in dist/; from sources (tests), the built one is used. */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/data_parallel_worker.js', here) : new URL('./data_parallel_worker.js', here);
}

/**
 * The workers run built JavaScript, so export conditions that point packages at their TypeScript
 * sources (as the test runner sets) must not reach them.
 */
function withoutSourceConditions(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--conditions' || args[i] === '-C') i++;
    else if (!args[i]!.startsWith('--conditions=')) out.push(args[i]!);
  }
  return out;
}

function rebuildError(m: { name: string; message: string; stack?: string }, index: number): Error {
  const e = m.name === 'ValidationError' ? new ValidationError(m.message) : new DdviError(`${m.message} (data-parallel worker ${index})`);
  e.name = m.name;
  if (m.stack) e.stack = m.stack;
  return e;
}
