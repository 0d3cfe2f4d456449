import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND_NAMES, initBackend } from '@ddvi/core';
import {
  RESULTS_JSON, RESULTS_MD, SlurmClient, arraySpec, cellsToResubmit, collectReport, createSlurmExecutor, freezeGrid, gridPath, gridStatus,
  expandGrid, readFrozenGrid, readSubmissions, runGridTask, taskCells,
} from '@ddvi/benchmarks';
import type { CellStatus, FrozenGrid, GridStatus, RescoreOptions } from '@ddvi/benchmarks';
import type { BenchFlags, ResolvedBench } from '../bench_config';
import { benchHooks, benchVersions } from '../bench_hooks';
import { UsageError } from '../errors';
import { loadGridPlugins } from '../plugins';
import { backendLine, println } from '../io';
import type { Io } from '../io';
import { choice, integer, positiveNumber } from '../parse';
import { defaultDdviCommand, resolveSlurmFlags } from '../slurm_flags';
import { CLI_NAME, CLI_VERSION } from '../version';

function requireOut(out: string | undefined): string {
  if (out === undefined || out.trim() === '') throw new UsageError('--out must name the results folder of the grid (the folder `ddvi bench --out` wrote)');
  return out;
}

function describeCell(c: CellStatus): string {
  const what = c.cell.baseline ? `${c.cell.family} baseline` : `${c.cell.family} posterior, ${c.cell.prior} prior`;
  return `${c.cell.dataset}, ${what}, seed ${c.cell.seed}`;
}

function counts(status: GridStatus): string {
  return (['done', 'diverged', 'running', 'pending', 'failed', 'missing', 'unknown'] as const)
    .filter((k) => status.counts[k] > 0 || k === 'done')
    .map((k) => `${status.counts[k]} ${k}`)
    .join(', ');
}

/** Submits the cells that are neither finished nor queued; prints and returns the job id (undefined: nothing to do). */
async function submitMissing(out: string, grid: FrozenGrid, io: Io, client: SlurmClient): Promise<string | undefined> {
  const status = await gridStatus(out, grid, client);
  const indices = cellsToResubmit(status);
  if (indices.length === 0) {
    println(io.stdout, `nothing to submit: ${counts(status)} of ${status.cells.length} cells`);
    return undefined;
  }
  const outcome = await createSlurmExecutor({ command: grid.slurm?.command ?? defaultDdviCommand(), client }).execute(out, grid, indices);
  const sub = outcome.executor === 'slurm' ? outcome.submission : undefined;
  if (!sub) return undefined;
  println(
    io.stdout,
    `submitted Slurm job ${sub.jobId}: array ${arraySpec(sub.tasks)} (${sub.tasks.length} tasks, ${sub.cells.length} of ${status.cells.length} cells` +
      `${sub.cellsPerTask > 1 ? `, ${sub.cellsPerTask} per task` : ''})${grid.slurm?.partition ? ` on partition ${grid.slurm.partition}` : ''}; script ${join(out, sub.script)}`,
  );
  println(io.stdout, `job id: ${sub.jobId}`);
  println(io.stdout, `follow it with \`ddvi bench status --out ${out}\`; collect the results with \`ddvi bench report --out ${out}\``);
  return sub.jobId;
}

export interface SubmitGridInput {
  resolved: ResolvedBench;
  flags: BenchFlags;
  /** The backend resolved here: every task runs on it, so the cells compare. */
  backend: string;
  checkpointEverySteps?: number;
  io: Io;
}

/** `ddvi bench --executor slurm`: freezes the grid into the results folder and submits it as a job array. */
export async function submitGrid(input: SubmitGridInput): Promise<number> {
  const { resolved, flags, io } = input;
  const { config, out } = resolved;
  const slurm = resolveSlurmFlags(flags, resolved.slurm);
  // A folder submitted before keeps its backend unless --backend says otherwise: its cells must compare.
  if (existsSync(gridPath(out))) await loadGridPlugins(out);
  const saved = existsSync(gridPath(out)) ? readFrozenGrid(out) : undefined;
  const backend = flags.backend === undefined && saved?.backend !== undefined ? saved.backend : input.backend;
  const plugins = flags.loadedPlugins ?? saved?.plugins;
  const grid: FrozenGrid = {
    config, backend, slurm,
    ...(input.checkpointEverySteps !== undefined ? { checkpointEverySteps: input.checkpointEverySteps } : {}),
    ...(plugins && plugins.length > 0 ? { plugins } : {}),
  };
  await freezeGrid(out, grid, false);
  println(io.stdout, `froze the grid in ${gridPath(out)} (tasks run on the ${backend} backend)`);
  await submitMissing(out, grid, io, new SlurmClient());
  return 0;
}

export interface RunCellFlags {
  out?: string;
  index?: string;
  cellsPerTask?: string;
  backend?: string;
}

// The grid's plugins are loaded before these subcommands run, by the program's plugin hook (../plugins).

/** `ddvi bench run-cell`: what one array task runs (also by hand: one cell of a frozen grid). */
export async function benchRunCellCommand(flags: RunCellFlags, io: Io): Promise<number> {
  const out = requireOut(flags.out);
  const raw = flags.index ?? io.env.SLURM_ARRAY_TASK_ID;
  if (raw === undefined) throw new UsageError('--index is required (the array task id; in a Slurm array task it defaults to SLURM_ARRAY_TASK_ID)');
  const task = integer('--index', raw, 0);
  const cellsPerTask = flags.cellsPerTask === undefined ? 1 : integer('--cells-per-task', flags.cellsPerTask, 1);
  const grid = readFrozenGrid(out);
  const backendName = flags.backend ?? grid.backend;
  const backend = await initBackend(backendName === undefined ? undefined : choice('--backend', backendName, BACKEND_NAMES));
  const jobId = io.env.SLURM_ARRAY_JOB_ID;
  println(io.stdout, backendLine(backend));
  println(io.stdout, `grid ${gridPath(out)}; task ${task}${jobId ? ` of Slurm job ${jobId}` : ''}`);
  const hooks = benchHooks(io, taskCells(task, cellsPerTask, expandGrid(grid.config).length).length, out);
  // No folder lock here: the array's tasks share the folder; each cell is claimed instead.
  const command = `${CLI_NAME} bench run-cell --index ${task}${jobId ? ` (Slurm job ${jobId})` : ''}`;
  const outcomes = await runGridTask({ out, grid, task, cellsPerTask, hooks, command, ...(jobId ? { jobId } : {}) });
  hooks.stop();
  println(io.stdout, `task ${task} done: ${outcomes.filter((o) => !o.cached).length} cells computed, ${outcomes.filter((o) => o.cached).length} read back`);
  return 0;
}

/** `ddvi bench status`: done / running / pending / failed cells of a grid. */
export async function benchStatusCommand(flags: { out?: string; json?: boolean }, io: Io): Promise<number> {
  const out = requireOut(flags.out);
  const grid = readFrozenGrid(out);
  const status = await gridStatus(out, grid, new SlurmClient());
  if (flags.json) {
    println(io.stdout, JSON.stringify({ ...status, jobs: readSubmissions(out) }, null, 2));
    return 0;
  }
  const jobs = readSubmissions(out).map((s) => s.jobId);
  println(io.stdout, `${out}: ${status.cells.length} cells; ${counts(status)}${jobs.length > 0 ? `; Slurm jobs ${jobs.join(', ')}` : ''}`);
  if (!status.queueAvailable) println(io.stdout, 'squeue is not available here: the states of submitted cells without a result are unknown');
  for (const c of status.cells) {
    if (c.state === 'done') continue;
    const task = c.jobId !== undefined ? ` [task ${c.jobId}_${c.task}]` : '';
    println(io.stdout, `  ${c.state.padEnd(8)} ${describeCell(c)}${task}${c.detail ? `: ${c.detail}` : ''}`);
  }
  const retry = status.counts.failed + status.counts.missing;
  if (retry > 0) println(io.stdout, `\`ddvi bench resume --out ${out}\` resubmits the ${retry} failed or missing cells`);
  return 0;
}

/** `ddvi bench resume`: resubmits only the failed and missing cells, as an array of their indices. */
export async function benchResumeCommand(flags: BenchFlags, io: Io): Promise<number> {
  const out = requireOut(flags.out);
  const frozen = readFrozenGrid(out);
  // Flags given now (a longer --time after a TIMEOUT, another partition) replace the frozen ones; each
  // submission records its own cells per task, so even that may change.
  const grid: FrozenGrid = { ...frozen, slurm: resolveSlurmFlags(flags, frozen.slurm) };
  await freezeGrid(out, grid, false);
  await submitMissing(out, grid, io, new SlurmClient());
  return 0;
}

export interface BenchReportFlags {
  out?: string;
  rescore?: boolean;
  knnK?: string;
  latentNllBandwidths?: string;
  altLatentNllBandwidths?: string;
  clustering?: string;
  components?: string;
}

function bandwidthList(flag: string, raw: string): number[] {
  const parts = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) throw new UsageError(`${flag} must be a comma-separated list of positive bandwidths, got ${JSON.stringify(raw)}`);
  return parts.map((p) => positiveNumber(flag, p));
}

/** The --rescore settings from the flags; a rescoring flag without --rescore is refused rather than ignored. */
function rescoreOptions(flags: BenchReportFlags): RescoreOptions | undefined {
  const given = (['knnK', 'latentNllBandwidths', 'altLatentNllBandwidths', 'clustering', 'components'] as const).filter((k) => flags[k] !== undefined);
  if (!flags.rescore) {
    if (given.length > 0) throw new UsageError(`--${given[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} changes a rescoring: add --rescore`);
    return undefined;
  }
  const clustering = {
    ...(flags.clustering !== undefined ? { method: choice('--clustering', flags.clustering, ['kmeans', 'gmm'] as const) } : {}),
    ...(flags.components !== undefined ? { components: integer('--components', flags.components, 1) } : {}),
  };
  return {
    ...(flags.knnK !== undefined ? { knnK: integer('--knn-k', flags.knnK, 1) } : {}),
    ...(flags.latentNllBandwidths !== undefined ? { latentNllBandwidths: bandwidthList('--latent-nll-bandwidths', flags.latentNllBandwidths) } : {}),
    ...(flags.altLatentNllBandwidths !== undefined ? { altLatentNllBandwidths: bandwidthList('--alt-latent-nll-bandwidths', flags.altLatentNllBandwidths) } : {}),
    ...(Object.keys(clustering).length > 0 ? { clustering } : {}),
  };
}

/** `ddvi bench report`: collects the finished cells into results.json and results.md (--rescore: latent metrics scored again). */
export async function benchReportCommand(flags: BenchReportFlags, io: Io): Promise<number> {
  const out = requireOut(flags.out);
  const rescore = rescoreOptions(flags);
  const grid = readFrozenGrid(out);
  const { results, missing } = await collectReport({
    config: grid.config, out, tool: { name: CLI_NAME, version: CLI_VERSION }, versions: benchVersions(),
    backend: { name: grid.backend ?? 'unknown', reason: `frozen in ${gridPath(out)}; every cell ran on it` },
    ...(rescore ? { rescore } : {}),
  });
  if (results.rescored) {
    const r = results.rescored;
    println(
      io.stdout,
      `rescored ${r.metrics.join(', ')} of ${r.rescored} cells from their kept latents (kNN k ${r.knnK}; latent-NLL bandwidths ${r.latentNllBandwidths.join(', ')}` +
        `${r.altLatentNllBandwidths ? `; alt ${r.altLatentNllBandwidths.join(', ')}` : ''}${r.clustering ? `; clustering ${JSON.stringify(r.clustering)}` : ''})` +
        `${r.kept.length > 0 ? `; ${r.kept.length} cells without kept latents keep the run's numbers` : ''}`,
    );
  }
  println(io.stdout, `wrote ${join(out, RESULTS_JSON)} and ${join(out, RESULTS_MD)}: ${results.cells.length} of ${results.cells.length + missing.length} cells`);
  if (missing.length > 0) {
    println(io.stdout, `${missing.length} cells have no result yet (see \`ddvi bench status --out ${out}\`)`);
  }
  return 0;
}
