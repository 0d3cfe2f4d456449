import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { resolve as resolveImport } from 'import-meta-resolve';
import { gridPath, readGridPlugins } from '@ddvi/benchmarks';
import { UsageError } from './errors';

/**
 * Plugins: modules imported before a command resolves its settings, so that a posterior family
 * (or prior, noising process, dataset) living in its own package registers itself with the
 * registries and the command sees it like a built-in one. Every command takes `--require
 * <module>` (repeatable) and loads it here, through one loader; a bench config file may list them
 * under `plugins`. What a command loaded is recorded beside its output (`ddvi train`: run.json,
 * `ddvi bench`: grid.json), and the commands that read that output later (`eval`, `train
 * --resume`, `bench run-cell|status|resume|report`) load the recorded plugins first, so a plugin
 * family's checkpoint or grid works in a fresh process without repeating the flag.
 *
 * A specifier is a path (`./dist/index.js`, absolute, or starting with `.`) taken relative to the
 * folder it was given in (the working directory for flags, the config file's folder for
 * `plugins`), a `file:` URL (as recorded), or a package name resolved from that folder as Node
 * resolves `import` (so an ESM plugin shares the command's own @ddvi/core and its registry). A
 * package name that no node_modules there provides is looked up among the packages of the
 * enclosing workspace (pnpm-workspace.yaml or package.json `workspaces`), so an in-repo family
 * loads from the repository root by its name, once built.
 */

export const REQUIRE_FLAG = '--require <module>';
export const REQUIRE_HELP =
  'import this module first (repeatable): a package name (also one of this workspace\'s packages) or a path to a built ESM file whose import registers a posterior family, prior or noising process';
/** Appended to "unknown family" messages: families in their own packages come in through --require. */
export const REQUIRE_HINT = 'a family from its own package is known once loaded: add --require <package name or path to its built index.js> (see `ddvi list --require ...`)';

/** Commander's collector for a repeatable flag. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The folder of the workspace enclosing `dir` (pnpm-workspace.yaml, or a package.json with `workspaces`), if any. */
export function workspaceRoot(dir: string): string | undefined {
  for (let d = resolvePath(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'pnpm-workspace.yaml'))) return d;
    const manifest = join(d, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ('workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object)) return d;
      } catch {
        // Not JSON: not a workspace root.
      }
    }
    if (dirname(d) === d) return undefined;
  }
}

/** The workspace's package patterns: `packages/*`-style globs (one trailing `*` at most) or plain folders. */
function workspacePatterns(root: string): string[] {
  const yaml = join(root, 'pnpm-workspace.yaml');
  if (existsSync(yaml)) {
    // The `packages:` list of pnpm-workspace.yaml: `  - 'dir/*'` lines until the next top-level key.
    const out: string[] = [];
    let inPackages = false;
    for (const line of readFileSync(yaml, 'utf8').split('\n')) {
      if (/^\S/.test(line)) inPackages = /^packages\s*:/.test(line);
      const item = inPackages ? /^\s+-\s*['"]?([^'"#\s]+)['"]?/.exec(line) : null;
      if (item) out.push(item[1]!);
    }
    return out;
  }
  const ws = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces?: string[] | { packages?: string[] } }).workspaces;
  return Array.isArray(ws) ? ws : (ws?.packages ?? []);
}

/** The folder of the workspace package called `name`, if the workspace enclosing `dir` has one. */
export function workspacePackageDir(name: string, dir: string): string | undefined {
  const root = workspaceRoot(dir);
  if (root === undefined) return undefined;
  for (const pattern of workspacePatterns(root)) {
    if (pattern.startsWith('!')) continue;
    const dirs = pattern.endsWith('/*')
      ? (existsSync(join(root, pattern.slice(0, -2)))
          ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(root, pattern.slice(0, -2), e.name))
          : [])
      : [join(root, pattern)];
    for (const d of dirs) {
      try {
        if ((JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name?: string }).name === name) return d;
      } catch {
        // No or bad package.json: not a package.
      }
    }
  }
  return undefined;
}

/** The file URL a plugin specifier names, or a UsageError saying which one and why. */
export function resolvePlugin(specifier: string, baseDir: string, origin: string): string {
  if (specifier.trim() === '') throw new UsageError(`${origin} must name a module (a package name or a path), got ""`);
  if (specifier.startsWith('file:')) return specifier;
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  if (isPath) return pathToFileURL(resolvePath(baseDir, specifier)).href;
  try {
    return resolveImport(specifier, pathToFileURL(`${resolvePath(baseDir)}/`).href);
  } catch (e) {
    const inWorkspace = workspacePackageDir(specifier, baseDir);
    if (inWorkspace !== undefined) {
      try {
        // The package's own name resolves from inside it (Node's self-reference), through its exports map.
        const url = resolveImport(specifier, pathToFileURL(join(inWorkspace, 'package.json')).href);
        if (existsSync(fileURLToPath(url))) return url;
        throw new Error(`${fileURLToPath(url)} does not exist`);
      } catch (inner) {
        throw new UsageError(
          `${origin} ${specifier}: the workspace package in ${inWorkspace} is not built (${(inner as Error).message}); ` +
            `build it first: npx pnpm exec turbo run build --filter=${specifier}...`,
        );
      }
    }
    const hint = existsSync(resolvePath(baseDir, specifier)) ? `; to load the file ${specifier}, write ./${specifier}` : '';
    throw new UsageError(`${origin} ${specifier}: cannot resolve it from ${baseDir} (${(e as Error).message})${hint}`);
  }
}

/**
 * Imports each plugin once, in order; its top level (registerPosterior, ...) runs then. Returns
 * their file URLs, which is what commands record. `note` is appended to an import failure.
 */
export async function loadPlugins(specifiers: readonly string[], baseDir: string, origin: string, note = ''): Promise<string[]> {
  const loaded: string[] = [];
  for (const specifier of specifiers) {
    const url = resolvePlugin(specifier, baseDir, origin);
    try {
      await import(url);
    } catch (e) {
      throw new UsageError(`${origin} ${specifier === url ? '' : `${specifier}: `}importing ${url} failed: ${(e as Error).message}${note}`);
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

/** The run's configuration file, written by `ddvi train` beside its checkpoint (`ddvi eval` reads it). */
export const RUN_FILE = 'run.json';

/** The plugin URLs recorded in `<dir>/run.json` by `ddvi train` (none when there is no such file or list). */
export function readRunPlugins(dir: string): string[] {
  const path = join(dir, RUN_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // Missing or unreadable: the command that reads run.json reports it.
    return [];
  }
  const plugins = typeof raw === 'object' && raw !== null ? (raw as { plugins?: unknown }).plugins : undefined;
  if (plugins === undefined) return [];
  if (!Array.isArray(plugins) || !plugins.every((p) => typeof p === 'string' && p !== '')) {
    throw new UsageError(`${path}: plugins must be an array of module URLs, got ${JSON.stringify(plugins)}`);
  }
  return plugins as string[];
}

/** Imports the plugins recorded in the grid frozen in `out` (`ddvi bench` records its own there). */
export async function loadGridPlugins(out: string): Promise<string[]> {
  return loadPlugins(readGridPlugins(out), out, `${gridPath(out)} plugins:`, ' (the grid\'s plugins must be reachable at the same path from every node)');
}

interface PluginOptions {
  require?: string[];
  config?: string;
  checkpoint?: string;
  out?: string;
  resume?: boolean;
}

/** The plugins an earlier command recorded for this one: run.json for eval and train --resume, grid.json for bench's subcommands. */
async function loadRecorded(action: Command, opts: PluginOptions): Promise<string[]> {
  const name = action.name();
  if (name === 'eval' && typeof opts.checkpoint === 'string') {
    const dir = dirname(opts.checkpoint);
    return loadPlugins(readRunPlugins(dir), dir, `${join(dir, RUN_FILE)} plugins:`, ' (recorded by ddvi train --require; pass --require to load it from elsewhere)');
  }
  if (name === 'train' && opts.resume === true && typeof opts.out === 'string') {
    return loadPlugins(readRunPlugins(opts.out), opts.out, `${join(opts.out, RUN_FILE)} plugins:`);
  }
  if (action.parent?.name() === 'bench' && typeof opts.out === 'string') return loadGridPlugins(opts.out);
  return [];
}

/**
 * Installs the one plugin loader on the program: before any command's action, import the modules
 * recorded by the command that wrote its input (see loadRecorded), its `--config` file's `plugins`
 * and its `--require` flags. Their resolved URLs become the action's `loadedPlugins` option, which
 * `ddvi train` records in run.json and `ddvi bench` in the frozen grid.
 */
export function usePlugins(program: Command): void {
  program.hook('preAction', async (_program, action) => {
    const opts = action.opts<PluginOptions>();
    const loaded: string[] = [...(await loadRecorded(action, opts))];
    if (typeof opts.config === 'string') loaded.push(...(await loadPlugins(configPlugins(opts.config), dirname(resolvePath(opts.config)), `--config ${opts.config} plugins:`)));
    loaded.push(...(await loadPlugins(opts.require ?? [], process.cwd(), '--require')));
    const unique = [...new Set(loaded)];
    if (unique.length > 0) action.setOptionValue('loadedPlugins', unique);
  });
}
