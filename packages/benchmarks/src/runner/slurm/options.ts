import { ValidationError } from '@ddvi/core';

/** How a grid is submitted: the job array's resources, one set for every task. */
export interface SlurmOptions {
  /** `--partition` (undefined: the cluster's default partition). */
  partition?: string;
  /** `--time`, in any of Slurm's forms: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
  time?: string;
  cpusPerTask?: number;
  /** `--mem` per node, e.g. 4G or 4000M. */
  mem?: string;
  account?: string;
  /** Further `#SBATCH` lines, e.g. `--qos=short` or `--constraint=avx2` (the `#SBATCH` prefix is optional). */
  extra: string[];
  /** Cells run one after another by each array task (1: one task per cell). */
  cellsPerTask: number;
  /** Tasks of the array running at once (`--array=...%N`; undefined: as many as the cluster allows). */
  maxParallel?: number;
  jobName: string;
  /**
   * The shell command that starts ddvi on a compute node, e.g. `ddvi` or `node /opt/ddvi/bin.js`
   * (undefined: the caller's own node and script).
   */
  command?: string;
}

export type SlurmOptionsInput = Partial<SlurmOptions>;

const KNOWN_KEYS: readonly (keyof SlurmOptions)[] = ['partition', 'time', 'cpusPerTask', 'mem', 'account', 'extra', 'cellsPerTask', 'maxParallel', 'jobName', 'command'];
const TIME = /^(\d+-\d+(:\d+(:\d+)?)?|\d+(:\d+(:\d+)?)?)$/;
const MEM = /^\d+[KMGT]?$/i;
const NAME = /^[A-Za-z0-9_.,+-]+$/;

function fail(param: string, expected: string, got: unknown): never {
  throw new ValidationError(`slurm options: ${param} must be ${expected}, got ${JSON.stringify(got)}`);
}

function text(param: string, v: unknown, pattern: RegExp, expected: string): string {
  if (typeof v !== 'string' || !pattern.test(v)) fail(param, expected, v);
  return v;
}

function int(param: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(param, 'an integer >= 1', v);
  return v;
}

/** Fills defaults and validates every value, naming the option and the accepted forms. */
export function resolveSlurmOptions(input: unknown): SlurmOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('slurm', 'a JSON object', input);
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(k)) fail(k, `one of the known keys (${KNOWN_KEYS.join(', ')})`, k);
  }
  const extra = o.extra ?? [];
  if (!Array.isArray(extra)) fail('extra', 'a list of #SBATCH options such as "--qos=short"', extra);
  const options: SlurmOptions = {
    extra: extra.map((line, i) => {
      if (typeof line !== 'string') fail(`extra[${i}]`, 'an #SBATCH option such as "--qos=short"', line);
      const option = line.replace(/^\s*#SBATCH\s+/, '').trim();
      if (!option.startsWith('-') || /[\r\n]/.test(option)) fail(`extra[${i}]`, 'one #SBATCH option starting with "-", such as "--qos=short"', line);
      return option;
    }),
    cellsPerTask: o.cellsPerTask === undefined ? 1 : int('cellsPerTask', o.cellsPerTask),
    jobName: o.jobName === undefined ? 'ddvi-bench' : text('jobName', o.jobName, NAME, 'letters, digits and _ . , + -'),
  };
  if (o.partition !== undefined) options.partition = text('partition', o.partition, NAME, 'a partition name (letters, digits and _ . , + -)');
  if (o.time !== undefined) options.time = text('time', o.time, TIME, 'a Slurm time limit: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS');
  if (o.cpusPerTask !== undefined) options.cpusPerTask = int('cpusPerTask', o.cpusPerTask);
  if (o.mem !== undefined) options.mem = text('mem', o.mem, MEM, 'a memory size such as 4G or 4000M');
  if (o.account !== undefined) options.account = text('account', o.account, NAME, 'an account name (letters, digits and _ . , + -)');
  if (o.maxParallel !== undefined) options.maxParallel = int('maxParallel', o.maxParallel);
  if (o.command !== undefined) {
    if (typeof o.command !== 'string' || o.command.trim() === '' || /[\r\n]/.test(o.command)) fail('command', 'a one-line shell command that starts ddvi', o.command);
    options.command = o.command;
  }
  return options;
}
