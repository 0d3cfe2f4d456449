import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli, tempDir } from './helpers';

/**
 * A grid that names a plugin family (`--require`) records the plugin in grid.json, so that the
 * processes that read the grid later without the flag (a Slurm array task's `bench run-cell`,
 * `status`, `report`, `resume`) import it and know the family. Each command runs in its own process:
 * in-process, the first import would register the family for all that follow.
 */
const fixture = fileURLToPath(new URL('./fixtures/trainable-family.mjs', import.meta.url));
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('plugins recorded in the frozen grid', () => {
  it('bench --require runs a plugin family; report, run-cell and status in fresh processes load it from grid.json', async () => {
    const out = join(tmp.dir, 'grid');
    const run = await spawnCli([
      'bench', '--datasets', 'toy', '--families', 'plugin-gaussian', '--priors', 'pinwheel', '--seeds', '0', '--epochs', '1',
      '--batch-size', '32', '--train-limit', '64', '--test-limit', '32', '--hidden', '8', '--iwae-k', '0', '--require', fixture, '--out', out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const grid = JSON.parse(readFileSync(join(out, 'grid.json'), 'utf8'));
    expect(grid.plugins).toEqual([pathToFileURL(fixture).href]);

    const report = await spawnCli(['bench', 'report', '--out', out]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/1 of 1 cells/);
    const task = await spawnCli(['bench', 'run-cell', '--out', out, '--index', '0']);
    expect(task.code, task.stderr).toBe(0);
    expect(task.stdout).toMatch(/0 cells computed, 1 read back/);
    const status = await spawnCli(['bench', 'status', '--out', out]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/1 cells; 1 done/);

    // A plugin that moved away is named, with the file that records it.
    grid.plugins = [pathToFileURL(join(tmp.dir, 'gone.mjs')).href];
    writeFileSync(join(out, 'grid.json'), JSON.stringify(grid));
    const gone = await spawnCli(['bench', 'report', '--out', out]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/grid\.json plugins: importing file:.*gone\.mjs failed: .*reachable at the same path from every node/);
  }, 120_000);

  it('train --require records the plugin in run.json; eval and train --resume in fresh processes load it from there', async () => {
    const out = join(tmp.dir, 'run');
    const tiny = ['--dataset', 'toy', '--posterior', 'plugin-gaussian', '--hidden', '8', '--train-limit', '64', '--test-limit', '32', '--batch-size', '32', '--iwae-k', '0'];
    const trained = await spawnCli(['train', ...tiny, '--epochs', '1', '--require', fixture, '--out', out]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).plugins).toEqual([pathToFileURL(fixture).href]);

    const evaluated = await spawnCli(['eval', '--checkpoint', join(out, 'checkpoint.json'), '--iwae-k', '2']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/plugin-gaussian posterior, step 2, epoch 1/);
    expect(JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8')).posterior).toBe('plugin-gaussian');

    const resumed = await spawnCli(['train', ...tiny, '--epochs', '2', '--resume', '--out', out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resuming from .* \(step 2, epoch 1\)/);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).plugins, 'still recorded after a resume without the flag').toEqual([pathToFileURL(fixture).href]);

    // Without the record, the family is unknown and the message says how to load it.
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    delete run.plugins;
    writeFileSync(join(out, 'run.json'), JSON.stringify(run));
    const unknown = await spawnCli(['eval', '--checkpoint', join(out, 'checkpoint.json'), '--iwae-k', '0']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/"plugin-gaussian" is not registered .*--require <package name or path/);
    const flagged = await spawnCli(['eval', '--checkpoint', join(out, 'checkpoint.json'), '--iwae-k', '0', '--require', fixture]);
    expect(flagged.code, flagged.stderr).toBe(0);
  }, 180_000);
});
