import { describe, expect, it } from 'vitest';
import { resolveBenchConfig } from '@ddvi/benchmarks';
import '@ddvi/posterior-adversarial';
import '@ddvi/posterior-gaussian';
import '@ddvi/posterior-semi';
import { resolveBench } from '../src/bench_config';
import { estimateGrid } from '../src/bench_estimate';

describe('bench --labels and the semi preset', () => {
  it('semi: 1000 labels on the quick subset; --labels takes one budget or a list (one grid axis)', () => {
    const semi = resolveBench({ preset: 'semi' });
    expect(semi.config).toMatchObject({ labels: [1000], datasets: ['mnist'], priors: ['pinwheel'], seeds: [0], trainLimit: 4000, testLimit: 500, epochs: 3 });
    expect(semi.config.families).not.toContain('semi');
    expect(semi.out).toMatch(/bench-semi$/);
    expect(resolveBench({ preset: 'semi', labels: '10,50,250,1000' }).config.labels).toEqual([10, 50, 250, 1000]);
    expect(resolveBench({ labels: '100' }).config.labels).toEqual([100]);
    expect(resolveBench({}).config.labels).toBeUndefined();
    expect(() => resolveBench({ labels: '10,x' })).toThrow(/--labels/);
    expect(() => resolveBench({ labels: '10,10' })).toThrow(/--labels .*labels/);
  });

  it('calibrates a semi cell with its family\'s semi form (the wrapper, or the AAE\'s own)', async () => {
    const config = resolveBenchConfig({
      datasets: ['toy'], families: ['gaussian', 'aae'], priors: ['pinwheel'], seeds: [0], labels: [10, 50], epochs: 1, hidden: [8],
      trainLimit: 128, testLimit: 32, batchSize: 64,
    });
    const e = await estimateGrid(config);
    expect(e.calibration.map((c) => [c.family, c.stepsPerCell, c.cells])).toEqual([['gaussian', 2, 2], ['aae', 2, 2]]);
    for (const c of e.calibration) expect(c.msPerStep).toBeGreaterThan(0);
  }, 60_000);
});
