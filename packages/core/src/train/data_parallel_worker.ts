/**
 * One data-parallel worker (started by `DataParallelTrainer`): initializes its own backend, builds
 * its copy of the run with the setup module, reports the all-reduce slot size it needs, then runs a
 * `Trainer` on its shard of every batch, all-reducing through the SharedArrayBuffer it is sent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend/init';
import type { BackendName } from '../backend/init';
import { ValidationError } from '../errors';
import type { DataParallelSetup, DataParallelSetupFn, WorkerInit, WorkerMessage } from './data_parallel';
import { shardReducer } from './shard_reduce';
import { Trainer } from './trainer';

/** Room for the loss and every reported term beside the gradients in one reduce slot. */
const TERM_SLOTS = 256;

async function main(init: WorkerInit): Promise<void> {
  const port = parentPort!;
  const post = (m: WorkerMessage) => port.postMessage(m);
  await initBackend(init.backend as BackendName);
  const mod = (await import(init.setup)) as { default?: DataParallelSetupFn };
  if (typeof mod.default !== 'function') {
    throw new ValidationError(`DataParallelTrainer: setup module ${init.setup} must export a default function returning { model, posterior, objective, train }`);
  }
  const run: DataParallelSetup = await mod.default(init.setupOptions, { index: init.index, count: init.count });
  const partial = run.train.size % init.trainer.batchSize;
  if (partial > 0 && partial < init.count) {
    throw new ValidationError(
      `DataParallelTrainer: the last batch of each epoch has ${partial} examples (train.size ${run.train.size} % batchSize ${init.trainer.batchSize}), fewer than workers = ${init.count}; ` +
        'choose a batch size or worker count that leaves each shard at least one example',
    );
  }
  const parameters = [...Object.values(run.model.namedVariables()), ...Object.values(run.posterior.namedVariables())].reduce((n, v) => n + v.size, 0);
  const fit = await new Promise<{ buffer: SharedArrayBuffer; slotFloats: number; resumeFrom?: string }>((resolve) => {
    port.once('message', resolve);
    post({ type: 'ready', slotFloats: parameters + TERM_SLOTS });
  });
  const lead = init.index === 0;
  const { checkpointPath, checkpointEverySteps, ...rest } = init.trainer;
  const trainer = new Trainer({
    ...rest, ...(lead && checkpointPath ? { checkpointPath, checkpointEverySteps } : {}),
    model: run.model, posterior: run.posterior, objective: run.objective, train: run.train,
    ...(run.test ? { test: run.test } : {}), ...(run.evalObjective ? { evalObjective: run.evalObjective } : {}),
    shard: { index: init.index, count: init.count, reduce: shardReducer(fit.buffer, init.index, init.count, fit.slotFloats) },
    ...(lead ? { onEvent: (event) => post({ type: 'event', event }) } : {}),
  });
  try {
    const result = await trainer.fit(fit.resumeFrom);
    post(lead ? { type: 'done', result, model: run.model.toJSON(), posterior: run.posterior.toJSON() } : { type: 'done', result });
  } finally {
    trainer.dispose();
  }
}

main(workerData as WorkerInit).catch((e: unknown) => {
  const err = e instanceof Error ? e : new Error(String(e));
  parentPort!.postMessage({ type: 'error', name: err.name, message: err.message, stack: err.stack } satisfies WorkerMessage);
});
