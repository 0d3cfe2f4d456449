/**
 * A family package added under packages/ with no edit outside its folder, as a contributor
 * following the guide makes it, in a scratch copy of the workspace: the repository-wide checks
 * that list packages/ either pass or say exactly which file to change and how. The copy holds the
 * repository's files (a few MB) and links the root node_modules, so nothing is installed; the
 * checks run as functions on the copy's root (the README-example and pack listings), as turbo's
 * dry run (the task graph) and as eslint with the root config.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packListingProblems } from '../../tests/pack/test/workspace';
import { apiReferenceProblems } from './api-reference';
import { readmeExampleProblems } from './readme-listing';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'ddvi-new-package-'));
const dir = 'posterior-planar';
const pkg = join(scratch, 'packages', dir);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The repository's files as git sees them (tracked, and new ones not ignored), copied into the scratch folder. */
function copyWorkspace(): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\0');
  for (const file of files) {
    if (file === '' || !existsSync(join(root, file))) continue;
    mkdirSync(dirname(join(scratch, file)), { recursive: true });
    cpSync(join(root, file), join(scratch, file));
  }
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'), 'dir');
  // The packages' builds (ignored by git), for the API reference's stamp: linked, not copied.
  for (const name of readdirSync(join(root, 'packages'))) {
    const dist = join(root, 'packages', name, 'dist');
    if (existsSync(dist) && existsSync(join(scratch, 'packages', name))) symlinkSync(dist, join(scratch, 'packages', name, 'dist'), 'dir');
  }
}

/** The guide's example family (docs/guides/examples/my-family) copied to packages/posterior-planar under another name. */
function addFamily(manifest: (m: Record<string, unknown>) => Record<string, unknown>): void {
  const example = join(root, 'docs/guides/examples/my-family');
  mkdirSync(pkg, { recursive: true });
  for (const part of ['src', 'test', 'tsconfig.json', 'tsup.config.ts', 'vitest.config.ts']) cpSync(join(example, part), join(pkg, part), { recursive: true });
  const base = JSON.parse(readFileSync(join(example, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(pkg, 'package.json'), `${JSON.stringify(manifest({ ...base, name: `@ddvi/${dir}` }), null, 2)}\n`);
  writeFileSync(join(pkg, 'README.md'), '# @ddvi/posterior-planar\n\n```ts\nimport \'@ddvi/posterior-planar\';\n```\n');
}

beforeAll(() => {
  copyWorkspace();
}, 60_000);

describe('a new family package under packages/, no edit outside its folder', () => {
  it('published: each check names the file to add to and what', () => {
    addFamily(({ private: _private, ...m }) => m);
    const readme = readmeExampleProblems(scratch);
    expect(readme).toEqual([
      expect.stringMatching(/^packages\/posterior-planar has no tested README example: put the first ```ts block of packages\/posterior-planar\/README\.md, verbatim, in docs\/guides\/examples\/readme\/posterior-planar\.ts .*"ddvi": \{ "readmeExample": false \} to packages\/posterior-planar\/package\.json/),
      expect.stringMatching(/^packages\/posterior-planar: add "@ddvi\/posterior-planar": "workspace:\*" to devDependencies in docs\/package\.json/),
    ]);
    expect(packListingProblems(scratch)).toEqual([
      'packages/posterior-planar is public: add "@ddvi/posterior-planar": "workspace:*" to devDependencies in tests/pack/package.json (or mark it "private": true in packages/posterior-planar/package.json)',
    ]);
    expect(apiReferenceProblems(scratch)).toEqual([expect.stringMatching(/^the API reference in docs\/api\/ cannot be checked: packages\/posterior-planar not built .*add "@ddvi\/posterior-planar": "workspace:\*" to devDependencies in docs\/package\.json .*pnpm@10\.34\.9 docs:api/)]);
  });

  it('kept in the repository unpublished (private, no README example): the listings pass', () => {
    addFamily((m) => ({ ...m, private: true, ddvi: { readmeExample: false } }));
    expect(readmeExampleProblems(scratch)).toEqual([]);
    expect(packListingProblems(scratch)).toEqual([]);
  });

  it('turbo builds, type-checks, lints and tests it after @ddvi/core, with the root config', () => {
    const turbo = join(root, 'node_modules/turbo/bin/turbo');
    const dry = JSON.parse(execFileSync(process.execPath, [turbo, 'run', 'build', 'typecheck', 'lint', 'test', '--dry=json'], { cwd: scratch, encoding: 'utf8' })) as {
      tasks: { taskId: string; dependencies: string[] }[];
    };
    const tasks = new Map(dry.tasks.map((t) => [t.taskId, t.dependencies]));
    const id = `@ddvi/${dir}`;
    expect(tasks.get(`${id}#build`)).toEqual(expect.arrayContaining(['@ddvi/core#build', '@ddvi/distributions#build', '@ddvi/nn#build']));
    expect(tasks.get(`${id}#test`)).toEqual(expect.arrayContaining([`${id}#build`, '@ddvi/core#build']));
    expect(tasks.has(`${id}#typecheck`) && tasks.has(`${id}#lint`)).toBe(true);
  }, 60_000);

  it('passes eslint with the repository config', () => {
    const eslint = join(root, 'node_modules/eslint/bin/eslint.js');
    expect(() => execFileSync(process.execPath, [eslint, `packages/${dir}/src`, `packages/${dir}/test`], { cwd: scratch, encoding: 'utf8' })).not.toThrow();
  }, 60_000);
});
