import { execFile, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The built `ddvi` of this checkout (the test runs it as Slurm tasks run it: a separate node process). */
export const DDVI_BIN = join(dirname(require.resolve('@ddvi/cli/package.json')), 'dist', 'bin.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function ddvi(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [DDVI_BIN, ...args], { env, maxBuffer: 64 << 20, timeout: 200_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as NodeJS.ErrnoException).code === 'number' ? Number((error as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a Slurm client command; its stdout, or throws with its stderr. */
export function slurm(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Why no cluster takes jobs here (undefined: one does). */
export function clusterProblem(): string | undefined {
  try {
    const states = slurm('sinfo', ['--noheader', '--format=%T']).trim();
    return /idle|mixed|alloc/.test(states) ? undefined : `no Slurm node takes jobs (sinfo: ${states || 'no nodes'})`;
  } catch (e) {
    return `Slurm is not reachable (${(e as Error).message})`;
  }
}

/** Whether any task of the job is still pending or running. */
export function jobQueued(jobId: string): boolean {
  return slurm('squeue', ['--me', '--noheader', '--array', '--format=%F']).split('\n').some((l) => l.trim() === jobId);
}

export async function waitFor(what: string, done: () => boolean, timeoutMs: number, everyMs = 100): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
