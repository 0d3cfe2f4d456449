import { arraySpec } from './array';
import type { SlurmOptions } from './options';

export interface SbatchScriptInput {
  /** The results folder, absolute: tasks find the frozen grid there. */
  out: string;
  /** The shell command that starts ddvi on a compute node. */
  command: string;
  options: SlurmOptions;
  /** Array task ids to run (task t runs grid cells t * cellsPerTask, ...). */
  tasks: readonly number[];
  /** Folder of the tasks' logs, absolute. */
  logDir: string;
}

/** A word for bash: single-quoted unless it is plainly safe. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** An #SBATCH value: sbatch reads double quotes around a value with spaces. */
function sbatchValue(s: string): string {
  return /\s/.test(s) ? `"${s.replace(/"/g, '\\"')}"` : s;
}

/** The job array's batch script: one `ddvi bench run-cell` per task, every resource as an #SBATCH line. */
export function sbatchScript(input: SbatchScriptInput): string {
  const { options: o } = input;
  const sbatch = [
    `--job-name=${o.jobName}`,
    `--array=${arraySpec(input.tasks)}${o.maxParallel !== undefined ? `%${o.maxParallel}` : ''}`,
    `--output=${sbatchValue(`${input.logDir}/%A_%a.out`)}`,
    '--open-mode=append',
    ...(o.partition !== undefined ? [`--partition=${o.partition}`] : []),
    ...(o.time !== undefined ? [`--time=${o.time}`] : []),
    ...(o.cpusPerTask !== undefined ? [`--cpus-per-task=${o.cpusPerTask}`] : []),
    ...(o.mem !== undefined ? [`--mem=${o.mem}`] : []),
    ...(o.account !== undefined ? [`--account=${o.account}`] : []),
    ...o.extra,
  ];
  const perTask = o.cellsPerTask === 1 ? 'one cell per task: the task id is the grid index' : `${o.cellsPerTask} cells per task: task t runs grid indices t*${o.cellsPerTask} onwards`;
  return [
    '#!/bin/bash',
    ...sbatch.map((s) => `#SBATCH ${s}`),
    `# Written by ddvi bench: a job array over the grid frozen in ${input.out}/grid.json (${perTask}).`,
    '# A cell already in <out>/cells/ is read back; a cell with a partial checkpoint in <out>/partial/ resumes it.',
    'set -eu',
    // No `exec`: the command may be a little shell program (`module load nodejs && ddvi`).
    `${input.command} bench run-cell --out ${shellQuote(input.out)} --index "$SLURM_ARRAY_TASK_ID" --cells-per-task ${o.cellsPerTask}`,
    '',
  ].join('\n');
}
