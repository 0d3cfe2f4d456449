import { CommanderError } from 'commander';
import { EXIT_FAILURE, EXIT_OK, exitCodeFor, formatError, isDebug } from './errors';
import { println, processIo } from './io';
import type { Io } from './io';
import { buildProgram } from './program';

/**
 * Runs `ddvi <argv>` in-process and resolves to the exit code; never throws. Errors become one
 * line on stderr (with the stack when DDVI_DEBUG is set).
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => (code = c), argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    // Commander has printed its own message (unknown option, missing value) or the help text.
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_FAILURE;
    println(io.stderr, formatError(e, isDebug(io.env)));
    return exitCodeFor(e);
  }
}
