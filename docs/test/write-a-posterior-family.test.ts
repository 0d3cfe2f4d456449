/**
 * Guide 4 as a new contributor follows it: the example family lives in its own package
 * (guides/examples/my-family, whose own test runs the conformance kit on it), no other package
 * names it, and the installed `ddvi` command (`npx ddvi`, from this docs package's node_modules)
 * loads it with --require: lists it, trains it, evaluates the checkpoint in a fresh process (the
 * plugin comes from run.json) and benchmarks it. The script guides/examples/bench-with-my-family.sh
 * runs verbatim, with bash, from this folder; its outputs under runs/ are removed afterwards.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const docs = fileURLToPath(new URL('..', import.meta.url));
const outputs = ['runs/train-fixed-scale', 'runs/bench-fixed-scale'].map((d) => join(docs, d));
const clean = () => outputs.forEach((d) => rmSync(d, { recursive: true, force: true }));
afterAll(clean);

describe('guide 4: a posterior family in its own package shows up in ddvi', () => {
  it('is no dependency of any @ddvi package: only this docs package installs it', () => {
    const root = join(docs, '..');
    for (const group of ['packages', 'apps']) {
      for (const name of readdirSync(join(root, group))) {
        const manifest = readFileSync(join(root, group, name, 'package.json'), 'utf8');
        expect(manifest, `${group}/${name}`).not.toContain('posterior-fixed-scale');
      }
    }
  });

  it('the guide\'s script lists, trains, evaluates (plugin from run.json) and benchmarks it beside the VAE', async () => {
    clean();
    const { stdout } = await run('bash', ['guides/examples/bench-with-my-family.sh'], {
      cwd: docs, env: { ...process.env, DDVI_BACKEND: 'cpu' }, timeout: 360_000, maxBuffer: 16 << 20,
    });
    expect(stdout).toMatch(/^ {2}fixed-scale +Gaussian with a learned mean and a fixed scale/m);

    const [train, bench] = outputs as [string, string];
    const recorded = JSON.parse(readFileSync(join(train, 'run.json'), 'utf8')) as { plugins: string[] };
    expect(recorded.plugins).toEqual([expect.stringMatching(/^file:.*\/my-family\/dist\/index\.js$/)]);
    expect(stdout).toMatch(/^checkpoint: runs\/train-fixed-scale\/checkpoint\.json \(fixed-scale posterior, step 1, epoch 1\)$/m);
    expect(JSON.parse(readFileSync(join(train, 'eval.json'), 'utf8'))).toMatchObject({ posterior: 'fixed-scale', iwae: { k: 3 } });

    expect(stdout).toMatch(/^cell 2\/2: toy, fixed-scale posterior, pinwheel prior, seed 0$/m);
    const md = readFileSync(join(bench, 'results.md'), 'utf8');
    expect(md).toMatch(/^\| fixed-scale \| pinwheel \| 1 \| (\*\*)?-?\d/m);
    expect(md).toMatch(/^\| gaussian \| pinwheel \| 1 \| (\*\*)?-?\d/m);
    const results = JSON.parse(readFileSync(join(bench, 'results.json'), 'utf8')) as { cells: { cell: { family: string }; error?: string }[] };
    expect(results.cells.map((c) => [c.cell.family, c.error])).toEqual([['gaussian', undefined], ['fixed-scale', undefined]]);
  }, 400_000);
});
