import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Elbo, Iwae, Reconstruction, Trainer, evaluate, initBackend, linearWarmup, loadCheckpoint, writeFileAtomic } from '@ddvi/core';
import type { CheckpointPayload, Dataset, Posterior } from '@ddvi/core';
import { systemMemoryBudget, trainingObjective } from '@ddvi/benchmarks';
import { writePlots } from '../artifacts';
import { loadSplits, validationSplit, semiSupervised } from '../data';
import { UsageError } from '../errors';
import { duration, num, terms } from '../format';
import { backendLine, println } from '../io';
import type { Io } from '../io';
import { NO_DENSITY, metricsMarkdown } from '../metrics';
import type { RunMetrics } from '../metrics';
import { RUN_FILE } from '../plugins';
import { TrainProgress } from '../progress';
import { checkOutFolder } from '../out_folder';
import { buildFresh, buildFromCheckpoint, checkResumable } from '../setup';
import { resolveTrainConfig } from '../train_config';
import type { TrainConfig, TrainFlags } from '../train_config';
import { CLI_NAME, CLI_VERSION } from '../version';

export const CHECKPOINT_FILE = 'checkpoint.json';
/** The run's configuration and plugins, written when training starts (ddvi eval reads the dataset and the plugins from it). */
export { RUN_FILE };

/** `ddvi train`: returns the exit code; throws for bad input and non-finite training. */
export async function trainCommand(flags: TrainFlags, io: Io, command: string): Promise<number> {
  const startedMs = Date.now();
  const startedAt = new Date(startedMs).toISOString();
  const config = resolveTrainConfig(flags);
  checkOutFolder('--out', config.out);
  const backend = await initBackend(config.backend);
  println(io.stdout, backendLine(backend));

  const checkpointPath = join(config.out, CHECKPOINT_FILE);
  const resumeFrom = await resumePoint(config, checkpointPath, io);

  const splits = await loadSplits(config);
  const carved = validationSplit(config, splits.train!, splits.test);
  const { train, test } = semiSupervised(config, carved.train, carved.test);
  println(io.stdout, `data: ${train.name} ${train.size} examples, ${test.name} ${test.size} examples, ${train.dataSize} features`);

  const { model, posterior } = resumeFrom ? buildFromCheckpoint(resumeFrom, checkpointPath) : buildFresh(config, train.dataSize);
  let trainer: Trainer | undefined;
  const progress = new TrainProgress(io, { logEvery: config.logEvery });
  try {
    const beta = config.klWarmup > 0 ? linearWarmup(config.beta, config.klWarmup) : config.beta;
    // Objectives follow the family's capabilities: a bound only where there is a density.
    const density = posterior.capabilities.hasDensity;
    const evalObjective = density ? new Elbo() : new Reconstruction();
    trainer = new Trainer({
      model, posterior, objective: trainingObjective(posterior, beta), evalObjective, train, test,
      batchSize: config.batchSize, epochs: config.epochs, learningRate: config.learningRate, seed: config.seed,
      maxStepsPerEpoch: config.stepsPerEpoch, checkpointPath, checkpointEverySteps: config.checkpointEvery,
      nanPolicy: 'stop', memoryBudget: systemMemoryBudget(),
      onEvent: (e) => {
        // Written once the trainer has accepted the checkpoint (if any), so a refused resume leaves it alone.
        // The plugins are recorded so that `ddvi eval` (and --resume) in a fresh process know a plugin family.
        if (e.type === 'start') {
          const plugins = flags.loadedPlugins ?? [];
          writeJsonSync(join(config.out, RUN_FILE), {
            tool: { name: CLI_NAME, version: CLI_VERSION }, config, backend: { name: backend.name, kernels: backend.kernels ?? backend.name },
            ...(plugins.length > 0 ? { plugins } : {}),
          });
        }
        progress.onEvent(e);
      },
    });
    println(
      io.stdout,
      `training ${config.posterior} posterior, ${config.prior} prior: ${config.epochs} epochs x ${Math.ceil(trainer.totalSteps / config.epochs)} steps, ` +
        `batch ${config.batchSize}, lr ${config.learningRate}, ` +
        (density ? `beta ${config.beta}${config.klWarmup ? ` (warm-up ${config.klWarmup} epochs)` : ''}` : 'objective reconstruction') +
        `, seed ${config.seed}`,
    );
    if (!density) {
      println(io.stdout, `note: the ${config.posterior} family has no tractable density: it trains on the reconstruction (with its own auxiliary losses); ELBO and IWAE are ${NO_DENSITY}`);
    }

    const result = await trainer.fit(resumeFrom);
    progress.stop();
    const last = result.history[result.history.length - 1];
    const finalTest = last?.test ?? evaluate(model, posterior, evalObjective, test, { seed: config.seed });
    println(io.stdout, `final test ELBO: ${density ? `${num(finalTest.bound)} nats` : NO_DENSITY} (${terms(finalTest)})`);

    const iwae = finalIwae(config, model, posterior, test, io);
    const files = [CHECKPOINT_FILE, RUN_FILE, 'metrics.json', 'metrics.md'];
    files.push(
      ...(await writePlots(model, posterior, test, {
        out: config.out, seed: config.seed, labelName: splits.labelName, imageShape: splits.imageShape,
        describe: { dataset: config.dataset, posterior: config.posterior, prior: config.prior, elbo: finalTest.bound ?? null },
      })),
    );

    const finishedMs = Date.now();
    const metrics: RunMetrics = {
      tool: { name: CLI_NAME, version: CLI_VERSION },
      command,
      config,
      backend,
      data: { train: { name: train.name, size: train.size }, test: { name: test.name, size: test.size }, dataSize: train.dataSize },
      steps: {
        total: result.steps, perEpoch: trainer.totalSteps / config.epochs, ranNow: progress.steps, skipped: result.skippedSteps,
        resumedFrom: resumeFrom ? resumeFrom.step : null,
      },
      history: result.history,
      final: { test: finalTest, elbo: finalTest.bound ?? null, iwae, densityMetrics: density ? 'reported' : NO_DENSITY },
      timing: {
        startedAt, finishedAt: new Date(finishedMs).toISOString(), wallSeconds: (finishedMs - startedMs) / 1000,
        trainSeconds: result.history.reduce((a, r) => a + r.seconds, 0), msPerStep: progress.steps ? progress.msPerStep : null,
      },
      files,
    };
    await writeFileAtomic(join(config.out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    await writeFileAtomic(join(config.out, 'metrics.md'), metricsMarkdown(metrics));
    println(io.stdout, `wrote ${config.out}/{${files.join(',')}}`);
    println(
      io.stdout,
      `done in ${duration(metrics.timing.wallSeconds)}${progress.steps ? ` (${num(progress.msPerStep, 0)} ms/step over ${progress.steps} steps)` : ''}`,
    );
    return 0;
  } finally {
    progress.stop();
    trainer?.dispose();
    model.dispose();
    posterior.dispose();
  }
}

/**
 * The checkpoint to continue from with --resume. Without --resume an existing finished run is
 * replaced, but an unfinished or unreadable one is only replaced with --overwrite: losing a long
 * run to a forgotten flag is worse than one more flag.
 */
async function resumePoint(config: TrainConfig, path: string, io: Io): Promise<CheckpointPayload | undefined> {
  if (!existsSync(path)) {
    if (config.resume) println(io.stdout, `no checkpoint at ${path}; starting a new run`);
    return undefined;
  }
  if (config.resume) {
    const payload = await loadCheckpoint(path);
    checkResumable(payload, config, path);
    println(io.stdout, `resuming from ${path} (step ${payload.step}, epoch ${payload.epoch})`);
    return payload;
  }
  if (!config.overwrite) {
    let payload: CheckpointPayload | undefined;
    try {
      payload = await loadCheckpoint(path);
    } catch (e) {
      throw new UsageError(`${config.out} already holds a checkpoint that cannot be read (${(e as Error).message}); pass --overwrite to replace it or choose another --out`);
    }
    const epochs = Number(payload.settings.epochs);
    if (payload.epoch < epochs) {
      throw new UsageError(
        `${config.out} holds an unfinished run (epoch ${payload.epoch} of ${epochs}); pass --resume to continue it, --overwrite to start over, or choose another --out`,
      );
    }
  }
  println(io.stdout, `note: replacing the run in ${config.out} (pass --resume to continue a run instead)`);
  return undefined;
}

/** The final importance-weighted bound on the test subset, when asked for and the family supports it. */
function finalIwae(
  config: TrainConfig, model: Parameters<typeof evaluate>[0], posterior: Posterior, test: Dataset, io: Io,
): RunMetrics['final']['iwae'] {
  if (config.iwaeK === 0) return null;
  if (!posterior.capabilities.hasDensity) {
    println(io.stdout, `test IWAE bound: ${NO_DENSITY}; --iwae-k ${config.iwaeK} ignored`);
    return null;
  }
  if (!posterior.capabilities.supportsIWAE) {
    println(io.stdout, `test IWAE bound: not available (the ${config.posterior} family does not support importance weighting)`);
    return null;
  }
  const t0 = Date.now();
  const k = config.iwaeK;
  const values = evaluate(model, posterior, new Iwae({ k, chunk: Math.min(k, 50) }), test, {
    seed: config.seed, batchSize: Math.max(1, Math.floor(5000 / Math.min(k, 50))),
  });
  const seconds = (Date.now() - t0) / 1000;
  println(io.stdout, `test IWAE bound (k = ${k}, ${test.size} examples): ${num(values.bound)} nats (${duration(seconds)})`);
  return { k, bound: values.bound!, examples: test.size, seconds };
}

/** Small JSON files written from synchronous event handlers: temp file, then rename (atomic on POSIX). */
function writeJsonSync(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}
