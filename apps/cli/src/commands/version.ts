import { initBackend } from '@ddvi/core';
import { backendLine, println } from '../io';
import type { Io } from '../io';
import { CLI_NAME, CLI_VERSION } from '../version';

/** `ddvi --version`: the package version and the tfjs backend this machine runs (DDVI_BACKEND or auto). */
export async function versionCommand(io: Io): Promise<number> {
  println(io.stdout, `${CLI_NAME} ${CLI_VERSION}`);
  const backend = await initBackend();
  println(io.stdout, backendLine(backend));
  return 0;
}
