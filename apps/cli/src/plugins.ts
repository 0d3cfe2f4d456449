import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { resolve as resolveImport } from 'import-meta-resolve';
import { gridPath, readGridPlugins } from '@ddvi/benchmarks';
import { UsageError } from './errors';

/**
 * Plugins: modules imported before a command resolves its settings, so that a posterior family
 * (or prior, noising process, dataset) living in its own package registers itself with the
 * registries and the command sees it like a built-in one. `--require <module>` is repeatable on
 * `train`, `bench` and `list`; a bench config file may list them under `plugins`.
 *
 * A specifier is a path (`./dist/index.js`, absolute, or starting with `.`) taken relative to the
 * folder it was given in (the working directory for flags, the config file's folder for
 * `plugins`), or a package name resolved from that folder as Node resolves `import` (so an ESM
 * plugin shares the command's own @ddvi/core and its registry).
 */

export const REQUIRE_FLAG = '--require <module>';
export const REQUIRE_HELP =
  'import this module first (repeatable): a package name or a path to a built ESM file whose import registers a posterior family, prior or noising process';

/** Commander's collector for a repeatable flag. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The file URL a plugin specifier names, or a UsageError saying which one and why. */
export function resolvePlugin(specifier: string, baseDir: string, origin: string): string {
  if (specifier.trim() === '') throw new UsageError(`${origin} must name a module (a package name or a path), got ""`);
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  try {
    return isPath
      ? pathToFileURL(resolvePath(baseDir, specifier)).href
      : resolveImport(specifier, pathToFileURL(`${resolvePath(baseDir)}/`).href);
  } catch (e) {
    const hint = existsSync(resolvePath(baseDir, specifier)) ? `; to load the file ${specifier}, write ./${specifier}` : '';
    throw new UsageError(`${origin} ${specifier}: cannot resolve it from ${baseDir} (${(e as Error).message})${hint}`);
  }
}

/** Imports each plugin once, in order; its top level (registerPosterior, ...) runs then. */
export async function loadPlugins(specifiers: readonly string[], baseDir: string, origin: string): Promise<string[]> {
  const loaded: string[] = [];
  for (const specifier of specifiers) {
    const url = resolvePlugin(specifier, baseDir, origin);
    try {
      await import(url);
    } catch (e) {
      throw new UsageError(`${origin} ${specifier}: importing ${url} failed: ${(e as Error).message}`);
    }
    loaded.push(url);
  }
  return loaded;
}

/** The `plugins` list of a bench config file (absent: none); paths in it are relative to the file. */
export function configPlugins(path: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // Unreadable or not JSON: the config reader reports it, naming --config.
    return [];
  }
  if (value === null || typeof value !== 'object' || !('plugins' in value)) return [];
  const plugins = (value as { plugins: unknown }).plugins;
  if (!Array.isArray(plugins) || !plugins.every((p) => typeof p === 'string')) {
    throw new UsageError(`--config ${path}: plugins must be an array of module names or paths, got ${JSON.stringify(plugins)}`);
  }
  return plugins;
}

/**
 * Imports the plugins recorded in the grid frozen in `out` (`ddvi bench` records its own there), so
 * that a Slurm task, `status`, `resume` and `report` see the families the grid names.
 */
export async function loadGridPlugins(out: string): Promise<void> {
  for (const url of readGridPlugins(out)) {
    try {
      await import(url);
    } catch (e) {
      throw new UsageError(
        `${gridPath(out)} plugins: importing ${url} failed: ${(e as Error).message} (the grid's plugins must be reachable at the same path from every node)`,
      );
    }
  }
}

/**
 * Installs the hook on the program: before any command's action, import the modules its
 * `--require` flags and its `--config` file's `plugins` name. Their resolved URLs become the
 * action's `loadedPlugins` option, which `ddvi bench` records in the frozen grid.
 */
export function usePlugins(program: Command): void {
  program.hook('preAction', async (_program, action) => {
    const opts = action.opts<{ require?: string[]; config?: string }>();
    const loaded: string[] = [];
    if (typeof opts.config === 'string') loaded.push(...(await loadPlugins(configPlugins(opts.config), dirname(resolvePath(opts.config)), `--config ${opts.config} plugins:`)));
    loaded.push(...(await loadPlugins(opts.require ?? [], process.cwd(), '--require')));
    if (loaded.length > 0) action.setOptionValue('loadedPlugins', loaded);
  });
}
