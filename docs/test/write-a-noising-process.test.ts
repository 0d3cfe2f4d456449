import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, initBackend } from '@ddvi/core';
import { createNoisingProcess, listNoisingProcesses } from '@ddvi/noising';
import { beforeAll, describe, expect, it } from 'vitest';
import { OrnsteinUhlenbeck, trainDdviWithOrnsteinUhlenbeck } from '../guides/examples/ornstein-uhlenbeck';

beforeAll(async () => {
  await initBackend();
});

describe('guide 5: write your own noising process', () => {
  it('registers by kind and has the Ornstein-Uhlenbeck marginals', () => {
    expect(listNoisingProcesses().map((p) => p.kind)).toContain('ornstein-uhlenbeck');
    const r = createNoisingProcess({ kind: 'ornstein-uhlenbeck', T: 4, theta: 2, horizon: 1 } as never);
    expect(r).toBeInstanceOf(OrnsteinUhlenbeck);
    tf.tidy(() => {
      // r(y_T | y_0 = 1) = N(exp(-theta), 1 - exp(-2 theta)) at the horizon; float32 tables, so 1e-6.
      const { mean, std } = r.marginal(tf.ones([1, 2]), 4);
      expect(mean.dataSync()[0]).toBeCloseTo(Math.exp(-2), 6);
      expect(std.dataSync()[1]).toBeCloseTo(Math.sqrt(1 - Math.exp(-4)), 6);
      const chain = r.sampleChain(tf.zeros([3, 2]), new SeedStream(1));
      expect(chain.shape).toEqual([5, 3, 2]);
    });
    r.dispose();
    expect(() => createNoisingProcess({ kind: 'ornstein-uhlenbeck', T: 4, theta: -1 } as never)).toThrow(/theta must be > 0, got -1/);
  });

  it('DDVI trains on it unchanged and saves it by kind', async () => {
    const { report, saved } = await trainDdviWithOrnsteinUhlenbeck();
    expect(Number.isFinite(report.bound)).toBe(true);
    expect(report.bound).toBeLessThan(0);
    expect(JSON.stringify(saved)).toContain('"kind":"ornstein-uhlenbeck"');
  });
});
