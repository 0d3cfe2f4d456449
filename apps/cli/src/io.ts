import type { BackendInfo } from '@ddvi/core';

/**
 * Where the command writes. `main` gets the process's streams; tests pass string sinks, so the
 * whole command runs in-process and its output can be read back.
 */
export interface Io {
  /** Results and progress. */
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Errors and warnings. */
  stderr: NodeJS.WritableStream;
  /** Environment read by the command (DDVI_DEBUG). */
  env: Record<string, string | undefined>;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Writes one line (a newline is added). */
export function println(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}

/** True when progress may redraw in place (a terminal), false for pipes, files and tests. */
export function isInteractive(io: Io): boolean {
  return io.stdout.isTTY === true && io.env.CI === undefined;
}

/** `backend: <kernels> (<why>)`, and on a second line the faster path not taken, if any. */
export function backendLine(b: BackendInfo): string {
  return `backend: ${b.kernels ?? b.name} (${b.reason})${b.note ? `\n${b.note}` : ''}`;
}
