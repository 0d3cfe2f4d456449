import { execFile } from 'node:child_process';
import { DdviError } from '@ddvi/core';

/** A Slurm command failed or is missing; the message says what to do. */
export class SlurmError extends DdviError {}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program; resolves with its exit code and output, rejects (code ENOENT) when it is not installed. */
export type CommandRunner = (command: string, args: readonly string[]) => Promise<CommandResult>;

export const spawnCommand: CommandRunner = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, [...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT') {
        reject(error!);
        return;
      }
      resolve({ code: error ? (typeof code === 'number' ? code : 1) : 0, stdout, stderr });
    });
  });

function notInstalled(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}

/** States of array tasks by `<job>_<task>`. */
export type TaskStates = Map<string, string>;

/** Slurm's client commands (sbatch, squeue, sacct, sinfo), their output parsed and their errors explained. */
export class SlurmClient {
  constructor(private readonly run: CommandRunner = spawnCommand) {}

  /** Submits a batch script; returns the job id. An unknown partition is named with the ones sinfo lists. */
  async submit(scriptPath: string, partition: string | undefined): Promise<string> {
    let r: CommandResult;
    try {
      r = await this.run('sbatch', ['--parsable', scriptPath]);
    } catch (e) {
      if (!notInstalled(e)) throw e;
      throw new SlurmError(
        'sbatch not found on PATH: --executor slurm submits the grid with Slurm\'s sbatch. Run ddvi on a login node of the cluster ' +
          '(e.g. after `module load slurm`), or run the grid here with --executor local',
      );
    }
    if (r.code !== 0) {
      const message = r.stderr.trim() || r.stdout.trim();
      if (/invalid partition/i.test(message)) {
        const known = await this.partitions();
        const named = partition !== undefined ? `partition ${JSON.stringify(partition)}` : 'the default partition';
        throw new SlurmError(
          `--partition: ${named} is not a Slurm partition here; ` +
            (known && known.length > 0 ? `available partitions: ${known.join(', ')}` : 'sinfo lists none'),
        );
      }
      throw new SlurmError(`sbatch refused the job (exit ${r.code}): ${oneLine(message)}`);
    }
    const id = /^(\d+)/.exec(r.stdout.trim());
    if (!id) throw new SlurmError(`sbatch --parsable printed no job id: ${JSON.stringify(r.stdout.trim())}`);
    return id[1]!;
  }

  /** Partition names (sinfo), or undefined when sinfo is missing or fails. */
  async partitions(): Promise<string[] | undefined> {
    const r = await this.tryRun('sinfo', ['--noheader', '--format=%R']);
    if (!r) return undefined;
    return [...new Set(r.split('\n').map((s) => s.trim()).filter((s) => s !== ''))];
  }

  /** Pending and running array tasks of this user (squeue), or undefined when squeue is missing or fails. */
  async queue(): Promise<TaskStates | undefined> {
    const r = await this.tryRun('squeue', ['--me', '--noheader', '--array', '--format=%F|%K|%T']);
    if (r === undefined) return undefined;
    const states: TaskStates = new Map();
    for (const line of r.split('\n')) {
      const [job, task, state] = line.trim().split('|');
      if (job && task && state && /^\d+$/.test(task)) states.set(`${job}_${task}`, state);
    }
    return states;
  }

  /**
   * Final states of array tasks (sacct: COMPLETED, CANCELLED, TIMEOUT, NODE_FAIL, ...), or undefined
   * where accounting is off: they name why a task ended, which squeue no longer knows.
   */
  async accounting(jobIds: readonly string[]): Promise<TaskStates | undefined> {
    if (jobIds.length === 0) return new Map();
    const r = await this.tryRun('sacct', ['--noheader', '--parsable2', '--allocations', `--jobs=${jobIds.join(',')}`, '--format=JobID,State']);
    if (r === undefined) return undefined;
    const states: TaskStates = new Map();
    for (const line of r.split('\n')) {
      const [id, state] = line.trim().split('|');
      if (id && state && /^\d+_\d+$/.test(id)) states.set(id, state.split(' ')[0]!);
    }
    return states;
  }

  private async tryRun(command: string, args: readonly string[]): Promise<string | undefined> {
    try {
      const r = await this.run(command, args);
      return r.code === 0 ? r.stdout : undefined;
    } catch (e) {
      if (notInstalled(e)) return undefined;
      throw e;
    }
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, '; ');
}
