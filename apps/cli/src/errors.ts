import { DdviError, DivergenceError, NonFiniteError } from '@ddvi/core';
import { CommanderError } from 'commander';

/** Bad command-line input: the message names the flag, what was expected and what was given. */
export class UsageError extends DdviError {}

/** Exit codes: 0 ok, 1 bad input or failure, 2 training diverged (non-finite loss or gradient, or a family's health check). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_NON_FINITE = 2;

export function exitCodeFor(error: unknown): number {
  if (error instanceof NonFiniteError || error instanceof DivergenceError) return EXIT_NON_FINITE;
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_FAILURE;
  return EXIT_FAILURE;
}

/**
 * The line shown for an error: our own errors (DdviError: validation, checkpoints, non-finite
 * values) are expected and shown as their message alone; anything else is a bug or an environment
 * problem and says so. With debug on, the stack follows.
 */
export function formatError(error: unknown, debug: boolean): string {
  const e = error instanceof Error ? error : new Error(String(error));
  let line: string;
  if (e instanceof NonFiniteError) {
    line = `error: training stopped: ${e.message}`;
  } else if (e instanceof DdviError) {
    line = `error: ${e.message}`;
  } else {
    line = `error: ${e.message || e.name}${debug ? '' : ' (unexpected; run with DDVI_DEBUG=1 for the stack trace)'}`;
  }
  return debug && e.stack ? `${line}\n${e.stack}` : line;
}

export function isDebug(env: Record<string, string | undefined>): boolean {
  const v = env.DDVI_DEBUG;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}
