import { resolve } from 'node:path';
import { ValidationError } from '@ddvi/core';
import { resolveSlurmOptions, shellQuote } from '@ddvi/benchmarks';
import type { SlurmOptions, SlurmOptionsInput } from '@ddvi/benchmarks';
import type { BenchFlags } from './bench_config';
import { UsageError } from './errors';
import { integer } from './parse';

const FLAG_OF: Record<string, string> = {
  partition: '--partition', time: '--time', cpusPerTask: '--cpus-per-task', mem: '--mem', account: '--account', extra: '--sbatch',
  cellsPerTask: '--cells-per-task', maxParallel: '--max-parallel', command: '--ddvi-command',
};

/**
 * The job array's options: `base` (the --config file's `slurm` object, or the options frozen in the
 * grid on a resume), then the flags. Messages name the flag and the config key.
 */
export function resolveSlurmFlags(flags: BenchFlags, base: unknown): SlurmOptions {
  if (base !== undefined && (typeof base !== 'object' || base === null || Array.isArray(base))) {
    throw new UsageError(`--config: the key slurm must be an object of Slurm options (partition, time, cpusPerTask, mem, account, extra, cellsPerTask, ...), got ${JSON.stringify(base)}`);
  }
  const input: SlurmOptionsInput = { ...(base as SlurmOptionsInput | undefined) };
  if (flags.partition !== undefined) input.partition = flags.partition;
  if (flags.time !== undefined) input.time = flags.time;
  if (flags.cpusPerTask !== undefined) input.cpusPerTask = integer('--cpus-per-task', flags.cpusPerTask, 1);
  if (flags.mem !== undefined) input.mem = flags.mem;
  if (flags.account !== undefined) input.account = flags.account;
  if (flags.sbatch !== undefined) input.extra = [...(input.extra ?? []), ...flags.sbatch];
  if (flags.cellsPerTask !== undefined) input.cellsPerTask = integer('--cells-per-task', flags.cellsPerTask, 1);
  if (flags.maxParallel !== undefined) input.maxParallel = integer('--max-parallel', flags.maxParallel, 1);
  if (flags.ddviCommand !== undefined) input.command = flags.ddviCommand;
  try {
    return resolveSlurmOptions(input);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const key = /^slurm options: (\w+)/.exec(e.message)?.[1];
    const flag = key ? FLAG_OF[key] : undefined;
    throw new UsageError(flag ? `${flag} (or the --config key slurm.${key}): ${e.message}` : e.message);
  }
}

/** How a compute node starts this very ddvi: this node binary and this script (override with --ddvi-command). */
export function defaultDdviCommand(): string {
  const script = process.argv[1];
  if (!script) throw new UsageError('--ddvi-command: cannot tell how ddvi was started here; give the command that starts it on a compute node, e.g. --ddvi-command ddvi');
  return [process.execPath, ...process.execArgv, resolve(script)].map(shellQuote).join(' ');
}
