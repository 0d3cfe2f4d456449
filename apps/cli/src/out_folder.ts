import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors';

/**
 * Checks that `out` can be the run's folder before any work starts: it is a folder already, or it
 * can be created (its nearest existing ancestor is a folder). Without this a file named by --out
 * would only fail at the first write, after the training.
 */
export function checkOutFolder(flag: string, out: string): void {
  let path = resolve(out);
  for (;;) {
    let isDirectory: boolean | undefined;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (e) {
      // ENOTDIR: a file further up the path; the walk up finds and names it.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
    }
    if (isDirectory === true) return;
    if (isDirectory === false) {
      const what = path === resolve(out) ? `${out} is a file` : `${path} (on the way to ${out}) is a file`;
      throw new UsageError(`${flag} must name a folder (created when missing), but ${what}; choose another ${flag} or remove the file`);
    }
    const parent = dirname(path);
    if (parent === path) return;
    path = parent;
  }
}
