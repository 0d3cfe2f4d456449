import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { configPlugins, resolvePlugin, workspacePackageDir } from '../src/plugins';
import { runCli, tempDir } from './helpers';

const fixture = fileURLToPath(new URL('./fixtures/listed-family.mjs', import.meta.url));
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('ddvi --require (plugins)', () => {
  it('resolves paths against the given folder and package names as Node import does', () => {
    expect(resolvePlugin('./fixtures/listed-family.mjs', join(fixture, '..', '..'), '--require')).toBe(new URL(`file://${fixture}`).href);
    // A bare name resolves from the folder's node_modules with the import condition (ESM entry).
    expect(resolvePlugin('commander', process.cwd(), '--require')).toMatch(/^file:.*commander.*\.m?js$/);
  });

  it('a family registered by a --require module is listed, and a bad module is named', async () => {
    const before = await runCli(['list', '--json']);
    expect(JSON.parse(before.stdout).posteriors.map((p: { name: string }) => p.name)).not.toContain('plugin-fixture');
    const path = relative(process.cwd(), fixture);
    const bare = await runCli(['list', '--require', path]);
    expect(bare.stderr, 'a path without ./ is a package name, as for node --import').toContain(`write ./${path}`);
    const listed = await runCli(['list', '--json', '--require', `./${path}`]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).posteriors).toContainEqual({
      name: 'plugin-fixture',
      description: 'registered by apps/cli/test/fixtures/listed-family.mjs',
    });
    const missing = await runCli(['list', '--require', './no-such-plugin.js']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--require \.\/no-such-plugin\.js: importing .* failed/);
    const unknown = await runCli(['list', '--require', 'no-such-package-ddvi']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/--require no-such-package-ddvi: cannot resolve it/);
  });

  it('reads plugins from a bench config file, relative to the file, and checks their shape', () => {
    const file = join(tmp.dir, 'bench.json');
    writeFileSync(file, JSON.stringify({ plugins: ['./my-family/dist/index.js'], epochs: 1 }));
    expect(configPlugins(file)).toEqual(['./my-family/dist/index.js']);
    writeFileSync(file, JSON.stringify({ epochs: 1 }));
    expect(configPlugins(file)).toEqual([]);
    writeFileSync(file, JSON.stringify({ plugins: 'x' }));
    expect(() => configPlugins(file)).toThrow(/plugins must be an array of module names or paths, got "x"/);
  });

  it('a bench config file naming a missing plugin fails before any cell runs', async () => {
    const file = join(tmp.dir, 'bad-plugin.json');
    writeFileSync(file, JSON.stringify({ plugins: ['./nope.js'], datasets: ['toy'] }));
    const r = await runCli(['bench', '--config', file, '--out', join(tmp.dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--config .*bad-plugin\.json plugins: \.\/nope\.js: importing .* failed/);
    expect(r.stdout).not.toMatch(/^cell /m);
  });

  it('resolves a package of the enclosing workspace by name from anywhere in it, and says when it is not built', () => {
    const repo = fileURLToPath(new URL('../../..', import.meta.url));
    // The repository root has no node_modules/@ddvi: the name is found among the workspace packages.
    expect(resolvePlugin('@ddvi/posterior-gaussian', repo, '--require')).toBe(new URL('../../../packages/posterior-gaussian/dist/index.js', import.meta.url).href);
    expect(workspacePackageDir('posterior-fixed-scale', join(repo, 'docs'))).toBe(join(repo, 'docs/guides/examples/my-family'));

    const ws = join(tmp.dir, 'ws');
    mkdirSync(join(ws, 'packages/planar'), { recursive: true });
    writeFileSync(join(ws, 'pnpm-workspace.yaml'), "packages:\n  - 'packages/*'\nonlyBuiltDependencies:\n  - esbuild\n");
    writeFileSync(join(ws, 'packages/planar/package.json'), JSON.stringify({ name: 'posterior-planar', type: 'module', exports: { '.': { import: './dist/index.js' } } }));
    expect(workspacePackageDir('posterior-planar', ws)).toBe(join(ws, 'packages/planar'));
    expect(() => resolvePlugin('posterior-planar', ws, '--require')).toThrow(/posterior-planar: the workspace package in .*planar is not built .*turbo run build --filter=posterior-planar/);
  });

  it('an unknown family names --require in train and bench', async () => {
    const train = await runCli(['train', '--dataset', 'toy', '--posterior', 'planar', '--out', join(tmp.dir, 'x')]);
    expect(train.code).toBe(1);
    expect(train.stderr).toMatch(/--posterior must be a registered posterior family: .*got "planar".*add --require <package name/);
    const bench = await runCli(['bench', '--datasets', 'toy', '--families', 'planar', '--out', join(tmp.dir, 'y')]);
    expect(bench.code).toBe(1);
    expect(bench.stderr).toMatch(/--families .*planar.*add --require <package name.*"plugins" in --config/);
  });

  it('every command takes --require', async () => {
    for (const cmd of [['train'], ['eval'], ['bench'], ['bench', 'run-cell'], ['bench', 'status'], ['bench', 'resume'], ['bench', 'report'], ['list']]) {
      const help = await runCli([...cmd, '--help']);
      expect(help.stdout, cmd.join(' ')).toContain('--require <module>');
    }
  });
});
