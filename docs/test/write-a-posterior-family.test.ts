/**
 * Guide 4 as a new contributor follows it: the example family lives in its own package
 * (guides/examples/my-family, whose own test runs the conformance kit on it), no other package
 * names it, and the built `ddvi` command loads it with --require and benchmarks it. The commands
 * are the ones in guides/examples/bench-with-my-family.sh, run as separate processes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const docs = fileURLToPath(new URL('..', import.meta.url));
// The `ddvi` executable as installed (node_modules/.bin links are made before the build exists, so call node on it).
const bin = join(dirname(createRequire(import.meta.url).resolve('@ddvi/cli/package.json')), 'dist', 'bin.js');
const out = mkdtempSync(join(tmpdir(), 'ddvi-guide-family-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The script's commands, with `ddvi` replaced by node + the built bin and --out moved to a temp folder. */
function commands(): string[][] {
  const script = readFileSync(join(docs, 'guides/examples/bench-with-my-family.sh'), 'utf8');
  return script
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.startsWith('ddvi '))
    .map((line) => line.split(/\s+/).slice(1).map((arg) => (arg === 'runs/bench-fixed-scale' ? out : arg)));
}

const ddvi = (args: string[]) => run(process.execPath, [bin, ...args], { cwd: docs, env: { ...process.env, DDVI_BACKEND: 'cpu' }, timeout: 240_000 });

describe('guide 4: a posterior family in its own package shows up in ddvi bench', () => {
  it('is no dependency of any @ddvi package: only this docs package installs it', () => {
    const root = join(docs, '..');
    for (const group of ['packages', 'apps']) {
      for (const name of readdirSync(join(root, group))) {
        const manifest = readFileSync(join(root, group, name, 'package.json'), 'utf8');
        expect(manifest, `${group}/${name}`).not.toContain('posterior-fixed-scale');
      }
    }
  });

  it('ddvi list --require lists it, and ddvi bench --require trains and reports it beside the VAE', async () => {
    const [list, bench] = commands();
    expect(list).toEqual(['list', '--require', 'posterior-fixed-scale']);
    const listed = await ddvi(list!);
    expect(listed.stdout).toMatch(/^ {2}fixed-scale +Gaussian with a learned mean and a fixed scale/m);

    const { stdout } = await ddvi(bench!);
    expect(stdout).toMatch(/^cell 2\/2: toy, fixed-scale posterior, pinwheel prior, seed 0$/m);
    const md = readFileSync(join(out, 'results.md'), 'utf8');
    expect(md).toMatch(/^\| fixed-scale \| pinwheel \| 1 \| (\*\*)?-?\d/m);
    expect(md).toMatch(/^\| gaussian \| pinwheel \| 1 \| (\*\*)?-?\d/m);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { cells: { cell: { family: string }; error?: string }[] };
    expect(results.cells.map((c) => [c.cell.family, c.error])).toEqual([['gaussian', undefined], ['fixed-scale', undefined]]);
  }, 300_000);
});
