import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  main?: string;
  module?: string;
  types?: string;
  exports?: unknown;
  bin?: string | Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  packageManager?: string;
}

export interface WorkspacePackage {
  dir: string;
  /** Relative to the repo root, for messages. */
  rel: string;
  json: PackageJson;
}

export function readJson<T = PackageJson>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Every package.json under packages/* and apps/* of `root` (default: this repository): the folders that hold what we publish. */
export function workspacePackages(root: string = repoRoot): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const group of ['packages', 'apps']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      const dir = join(base, entry.name);
      if (!entry.isDirectory() || !existsSync(join(dir, 'package.json'))) continue;
      found.push({ dir, rel: relative(root, dir), json: readJson(join(dir, 'package.json')) });
    }
  }
  return found.sort((a, b) => a.json.name.localeCompare(b.json.name));
}

export const isPublic = (p: WorkspacePackage): boolean => p.json.private !== true;

/**
 * What a workspace at `root` lacks for this suite to test its public packages: each one must be a
 * devDependency of tests/pack (so turbo builds it before the suite runs). One message per missing
 * entry, naming the file and the line to add; a private package (`"private": true`) is not
 * published and needs none.
 */
export function packListingProblems(root: string = repoRoot): string[] {
  const listed = Object.keys(readJson(join(root, 'tests/pack/package.json')).devDependencies ?? {});
  return workspacePackages(root)
    .filter(isPublic)
    .filter((p) => !listed.includes(p.json.name))
    .map((p) => `${p.rel} is public: add "${p.json.name}": "workspace:*" to devDependencies in tests/pack/package.json (or mark it "private": true in ${p.rel}/package.json)`);
}

/** Names of workspace packages this one needs at run time (dependencies, peers, optionals). */
export function runtimeWorkspaceDeps(pkg: PackageJson, workspace: ReadonlySet<string>): string[] {
  const names = new Set<string>();
  for (const field of [pkg.dependencies, pkg.peerDependencies, pkg.optionalDependencies]) {
    for (const name of Object.keys(field ?? {})) if (workspace.has(name)) names.add(name);
  }
  return [...names].sort();
}

/** `name` and every workspace package it needs, transitively. */
export function workspaceClosure(name: string, byName: ReadonlyMap<string, WorkspacePackage>): string[] {
  const seen = new Set<string>();
  const names = new Set(byName.keys());
  const visit = (n: string): void => {
    if (seen.has(n)) return;
    seen.add(n);
    const p = byName.get(n);
    if (p) for (const d of runtimeWorkspaceDeps(p.json, names)) visit(d);
  };
  visit(name);
  return [...seen].sort();
}

export interface EntryPoint {
  /** Export subpath: '.' or './testing'. */
  subpath: string;
  /** What a consumer writes: '@ddvi/core' or '@ddvi/core/testing'. */
  specifier: string;
  /** The TypeScript source behind it, from the in-repo `@ddvi/source` condition, when there is one. */
  source?: string;
  /** The files `import` and `require` load (relative to the package), when the map offers them. */
  esmFile?: string;
  cjsFile?: string;
}

const SOURCE_CONDITION = '@ddvi/source';

/**
 * The file a resolver with these conditions picks from an exports target ('default' always
 * applies), following nested condition objects in order, as Node does.
 */
export function resolveTarget(target: unknown, conditions: readonly string[]): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) return resolveTarget(target[0], conditions);
  if (typeof target !== 'object' || target === null) return undefined;
  for (const [key, value] of Object.entries(target)) {
    if (key !== 'default' && !conditions.includes(key)) continue;
    const hit = resolveTarget(value, conditions);
    if (hit) return hit;
  }
  return undefined;
}

function findCondition(target: unknown, condition: string): string | undefined {
  if (typeof target !== 'object' || target === null || Array.isArray(target)) return undefined;
  for (const [key, value] of Object.entries(target)) {
    if (key === condition && typeof value === 'string') return value;
    const nested = findCondition(value, condition);
    if (nested) return nested;
  }
  return undefined;
}

/**
 * The importable entry points of a package: each non-pattern subpath of `exports` (except
 * ./package.json), or '.' from `main` for packages without `exports`. Bin-only packages have none.
 */
export function entryPoints(pkg: WorkspacePackage): EntryPoint[] {
  const { exports, main, name } = pkg.json;
  let targets: [string, unknown][];
  if (exports === undefined) targets = main ? [['.', main]] : [];
  else if (typeof exports === 'string' || Array.isArray(exports)) targets = [['.', exports]];
  else if (Object.keys(exports as object).every((k) => !k.startsWith('.'))) targets = [['.', exports]];
  else targets = Object.entries(exports as object);
  return targets
    .filter(([subpath]) => subpath !== './package.json' && !subpath.includes('*'))
    .map(([subpath, target]) => {
      const source = findCondition(target, SOURCE_CONDITION);
      const esmFile = resolveTarget(target, ['node', 'import']);
      const cjsFile = resolveTarget(target, ['node', 'require']);
      return {
        subpath,
        specifier: subpath === '.' ? name : `${name}/${subpath.slice(2)}`,
        ...(source ? { source: resolve(pkg.dir, source) } : {}),
        ...(esmFile ? { esmFile } : {}),
        ...(cjsFile ? { cjsFile } : {}),
      };
    });
}

export function binEntries(pkg: PackageJson): Record<string, string> {
  if (!pkg.bin) return {};
  if (typeof pkg.bin === 'string') return { [pkg.name.replace(/^@[^/]+\//, '')]: pkg.bin };
  return pkg.bin;
}
