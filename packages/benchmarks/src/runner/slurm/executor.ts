import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '@ddvi/core';
import type { GridExecutor } from '../executor';
import { taskOf } from './array';
import { SlurmClient } from './client';
import { SLURM_DIR, readSubmissions, recordSubmission } from './jobs';
import type { SlurmSubmission } from './jobs';
import { resolveSlurmOptions } from './options';
import { sbatchScript } from './script';

export interface SlurmExecutorOptions {
  /** The shell command that starts ddvi on a compute node, unless the grid's slurm options name one. */
  command: string;
  client?: SlurmClient;
}

/**
 * Submits cells as one job array: writes `<out>/slurm/submit-<n>.sbatch`, runs `sbatch --parsable`
 * and records the job in `<out>/slurm/jobs.json`. Each task runs `ddvi bench run-cell` on the frozen
 * grid, so it trains exactly what the local executor would.
 */
export function createSlurmExecutor(options: SlurmExecutorOptions): GridExecutor {
  const client = options.client ?? new SlurmClient();
  return {
    name: 'slurm',
    async execute(out, grid, indices) {
      if (indices.length === 0) return { executor: 'slurm' };
      const slurm = grid.slurm ?? resolveSlurmOptions({});
      const abs = resolve(out);
      const tasks = [...new Set(indices.map((i) => taskOf(i, slurm.cellsPerTask)))].sort((a, b) => a - b);
      const script = join(SLURM_DIR, `submit-${readSubmissions(out).length + 1}.sbatch`);
      const logDir = join(abs, SLURM_DIR, 'logs');
      mkdirSync(logDir, { recursive: true });
      await writeFileAtomic(join(abs, script), sbatchScript({ out: abs, command: slurm.command ?? options.command, options: slurm, tasks, logDir }));
      const jobId = await client.submit(join(abs, script), slurm.partition);
      const submission: SlurmSubmission = {
        jobId, submittedAt: new Date().toISOString(), script, cellsPerTask: slurm.cellsPerTask, tasks, cells: [...indices].sort((a, b) => a - b),
      };
      await recordSubmission(out, submission);
      return { executor: 'slurm', submission };
    },
  };
}
