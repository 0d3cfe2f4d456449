import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { configPlugins, resolvePlugin } from '../src/plugins';
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
});
