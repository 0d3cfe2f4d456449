import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTrainConfig } from '../src/train_config';
import { runCli, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** One line on stderr, no stack, exit code 1. */
async function expectUsageError(args: string[], message: string | RegExp): Promise<string> {
  const r = await runCli(args);
  expect(r.code, r.stderr).toBe(1);
  const line = r.stderr.trim();
  expect(line.split('\n')).toHaveLength(1);
  expect(line).not.toMatch(/\n\s+at /);
  expect(line).toMatch(message);
  return line;
}

describe('ddvi train: flag validation', () => {
  it.each([
    [['--lr', '-1'], 'error: --lr must be a number > 0, got -1'],
    [['--lr', 'fast'], 'error: --lr must be a number > 0, got fast'],
    [['--epochs', '1.5'], 'error: --epochs must be an integer >= 1, got 1.5'],
    [['--epochs', '0'], 'error: --epochs must be an integer >= 1, got 0'],
    [['--batch-size', ''], 'error: --batch-size must be an integer >= 1, got ""'],
    [['--seed', '-3'], 'error: --seed must be an integer in [0, 4294967295], got -3'],
    [['--train-limit', '1e99'], 'error: --train-limit must be an integer >= 1, got 1e99'],
    [['--beta', '-0.5'], 'error: --beta must be a number >= 0, got -0.5'],
    [['--iwae-k', '2.5'], 'error: --iwae-k must be an integer >= 0, got 2.5'],
    [['--checkpoint-every', '0'], 'error: --checkpoint-every must be an integer >= 1, got 0'],
    [['--hidden', '64,x'], 'error: --hidden must be a comma-separated list of integers >= 1 (e.g. 1000,1000), got 64,x'],
    [['--likelihood', 'poisson'], 'error: --likelihood must be one of bernoulli, continuous-bernoulli, gaussian, got "poisson"'],
    [['--backend', 'webgl'], 'error: --backend must be one of auto, wasm, cpu, tensorflow, got "webgl"'],
    [['--preset', 'huge'], 'error: --preset must be one of quick, paper, got "huge"'],
    [['--dataset', 'cifar'], 'error: --dataset must be one of mnist, toy, genotypes, cifar10, got "cifar"; did you mean "cifar10"?'],
    [['--dataset', 'mnsit'], 'error: --dataset must be one of mnist, toy, genotypes, cifar10, got "mnsit"; did you mean "mnist"?'],
    [['--posterior-config', '[1]'], /^error: --posterior-config must be a JSON object/],
  ])('train %j', async (args, message) => {
    await expectUsageError(['train', ...args], message);
  });

  it('names the registered posterior families when --posterior is unknown', async () => {
    const line = await expectUsageError(['train', '--posterior', 'flowy'], /--posterior must be a registered posterior family: .*gaussian.*, got "flowy"/);
    expect(line).toContain('gaussian');
  });

  it('names the registered priors when --prior is unknown', async () => {
    await expectUsageError(['train', '--prior', 'moon'], /--prior must be a registered prior: .*pinwheel.*, got "moon"/);
  });

  it('rejects unknown options and stray arguments through commander', async () => {
    const r = await runCli(['train', '--learning-rate', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown option '--learning-rate'");
    const s = await runCli(['train', 'extra']);
    expect(s.code).toBe(1);
    const u = await runCli(['fly']);
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/unknown command|too many arguments/);
  });

  it('rejects --resume with --overwrite', async () => {
    await expectUsageError(['train', '--resume', '--overwrite'], /--resume and --overwrite contradict/);
  });

  it('reports a missing dataset file in one line', async () => {
    await expectUsageError(
      ['train', '--data-dir', join(tmp.dir, 'no-mnist'), '--out', join(tmp.dir, 'run-missing'), '--iwae-k', '0'],
      /^error: dataset mnist \(test split, --test-limit 1000\): MNIST file not found: .*no-mnist/,
    );
  });
});

describe('presets', () => {
  it('quick is the default and explicit flags override it', () => {
    const c = resolveTrainConfig({});
    expect(c).toMatchObject({ preset: 'quick', posterior: 'gaussian', prior: 'pinwheel', dataset: 'mnist', epochs: 5, batchSize: 128, trainLimit: 5000, testLimit: 1000, iwaeK: 100 });
    expect(c.out).toBe(join('runs', 'mnist-gaussian-pinwheel-seed0'));
    const d = resolveTrainConfig({ epochs: '2', lr: '0.01', seed: '7', trainLimit: '100' });
    expect(d).toMatchObject({ epochs: 2, learningRate: 0.01, seed: 7, trainLimit: 100 });
    expect(d.out).toBe(join('runs', 'mnist-gaussian-pinwheel-seed7'));
  });

  it("paper: the spec's VAE settings, with the warm-up scaled to --epochs", () => {
    const p = resolveTrainConfig({ preset: 'paper' });
    expect(p).toMatchObject({ epochs: 200, learningRate: 1e-4, batchSize: 128, klWarmup: 160, beta: 1 });
    expect(p.trainLimit).toBeUndefined();
    expect(p.testLimit).toBeUndefined();
    expect(resolveTrainConfig({ preset: 'paper', epochs: '10' }).klWarmup).toBe(8);
    expect(resolveTrainConfig({ preset: 'paper', klWarmup: '0' }).klWarmup).toBe(0);
  });

  it('--hidden sets the encoder widths through the family config', () => {
    expect(resolveTrainConfig({ hidden: '32,16' })).toMatchObject({ hidden: [32, 16], posteriorConfig: { hidden: [32, 16] } });
  });
});

describe('other commands', () => {
  it('--help works on every command', async () => {
    for (const args of [['--help'], ['train', '--help'], ['eval', '--help'], ['list', '--help']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: ddvi');
    }
    expect((await runCli(['train', '--help'])).stdout).toContain('--posterior <family>');
  });

  it('--version prints the version and the backend', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^@ddvi\/cli \d+\.\d+\.\d+\nbackend: (wasm|cpu|tensorflow)( \+ [^(]+)? \(.+\)\n(.+\n)?$/);
  });

  it('--no-blas turns the native products off here and in the processes ddvi starts (DDVI_BLAS=0)', async () => {
    const saved = process.env.DDVI_BLAS;
    delete process.env.DDVI_BLAS;
    try {
      expect((await runCli(['list'])).code).toBe(0);
      expect(process.env.DDVI_BLAS).toBeUndefined();
      expect((await runCli(['--no-blas', 'list'])).code).toBe(0);
      expect(process.env.DDVI_BLAS).toBe('0');
    } finally {
      if (saved === undefined) delete process.env.DDVI_BLAS;
      else process.env.DDVI_BLAS = saved;
    }
  });

  it('list shows families, priors and datasets from the registries', async () => {
    const r = await runCli(['list']);
    expect(r.code).toBe(0);
    // Sorted by name; other families (ddvi, the flows) may sit between these two.
    expect(r.stdout).toMatch(/posteriors \(--posterior\):\n\s+aae .*\n(?:\s+\S+ .*\n)*\s+gaussian /);
    expect(r.stdout).toContain('pinwheel');
    expect(r.stdout).toMatch(/datasets \(--dataset\):\n\s+mnist\n\s+toy/);
    const j = JSON.parse((await runCli(['list', '--json'])).stdout);
    expect(j.posteriors.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['aae', 'gaussian']));
  });

  it('eval: a missing or corrupt checkpoint is one line, exit 1; DDVI_DEBUG adds the stack', async () => {
    await expectUsageError(['eval'], 'error: --checkpoint <path> is required');
    await expectUsageError(['eval', '--checkpoint', join(tmp.dir, 'nope.json'), '--dataset', 'toy'], /^error: checkpoint not found or unreadable: .*nope\.json/);
    const corrupt = join(tmp.dir, 'corrupt.json');
    writeFileSync(corrupt, '{"format":"ddvi-checkpoint","version":1,"sha256":"00","payload":{"step":1}}');
    await expectUsageError(['eval', '--checkpoint', corrupt, '--dataset', 'toy'], /^error: .*corrupt\.json: checksum mismatch .*the file is corrupt/);
    writeFileSync(corrupt, '{"format":"ddvi-checkpoint", "vers');
    await expectUsageError(['eval', '--checkpoint', corrupt, '--dataset', 'toy'], /not valid JSON .*truncated or corrupt/);
    await expectUsageError(['eval', '--checkpoint', corrupt], /--dataset is required: no run\.json beside/);
    const debug = await runCli(['eval', '--checkpoint', corrupt, '--dataset', 'toy'], { DDVI_DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});
