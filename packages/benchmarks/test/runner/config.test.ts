import { describe, expect, it } from 'vitest';
import { ConfigError } from '@ddvi/core';
import { resolveBenchConfig } from '../../src/index';
import { registerToyFamily } from './toy_family';

registerToyFamily();

function message(input: unknown): string {
  try {
    resolveBenchConfig(input as never);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveBenchConfig', () => {
  it('fills defaults and leaves unset optional keys out', () => {
    const c = resolveBenchConfig({ datasets: ['toy'], epochs: 2 });
    expect(c.epochs).toBe(2);
    expect(c.seeds).toEqual([0]);
    expect(c.latentSize).toBe(2);
    expect('trainLimit' in c).toBe(false);
  });

  it('names the key, the value and the expectation', () => {
    expect(message({ epochs: 0 })).toBe('bench config: epochs must be an integer >= 1, got 0');
    expect(message({ learningRate: -1 })).toBe('bench config: learningRate must be a finite number > 0, got -1');
    expect(message({ seeds: [1, 1] })).toBe('bench config: seeds must be a list without duplicates, got [1,1]');
    expect(message({ hidden: [8, 0.5] })).toBe('bench config: hidden[1] must be an integer >= 1, got 0.5');
    expect(message({ families: ['no-such-family'] })).toMatch(/^bench config: families\[0\] must be one of the registered names: .*, got "no-such-family"$/);
    expect(message({ latentSize: 3 })).toBe('bench config: latentSize must be 2 (the priors and the latent NLL are 2-D), got 3');
    expect(message({ learningRateSchedule: 'linear' })).toMatch(/^bench config: learningRateSchedule must be .*"constant".*"cosine".*, got "linear"$/);
    expect(resolveBenchConfig({ learningRateSchedule: 'cosine' }).learningRateSchedule).toBe('cosine');
  });

  it('familySettings.<family>.byPrior: rejects a prior that is not registered and a misspelled setting, naming the path', () => {
    expect(message({ priors: ['square'], familySettings: { ddvi: { byPrior: { sqaure: { beta: 2 } } } } })).toMatch(
      /^bench config: familySettings\.ddvi\.byPrior must be keys from the registered priors: .*square.*, got \{"sqaure":\{"beta":2\}\}$/,
    );
    expect(message({ priors: ['square'], familySettings: { ddvi: { byPrior: { square: { lr: 2 } } } } })).toMatch(/unknown key "lr" in familySettings\.ddvi\.byPrior\.square/);
    expect(message({ priors: ['square'], familySettings: { ddvi: { byPrior: { square: { beta: -1 } } } } })).toMatch(/^bench config: familySettings\.ddvi\.byPrior\.square\.beta must be /);
  });

  it('rejects a misspelled key with a suggestion', () => {
    expect(message({ batchsize: 64 })).toMatch(/^bench config: unknown key "batchsize"; did you mean "batchSize"\? \(known keys: families, /);
    expect(message({ epoch: 3 })).toContain('did you mean "epochs"?');
    expect(message({ baseline: ['pca'] })).toContain('did you mean "baselines"?');
    expect(message({ genotype: {} })).toContain('did you mean "genotypes"?');
  });

  it('baselines: empty by default, names from listEmbeddings(); genotypes on the genotypes package\'s schema', () => {
    expect(resolveBenchConfig({ datasets: ['toy'] }).baselines).toEqual([]);
    expect(resolveBenchConfig({ datasets: ['toy'], baselines: [] }).baselines).toEqual([]);
    expect(resolveBenchConfig({ datasets: ['toy'], baselines: ['pca'] }).baselines).toEqual(['pca']);
    expect(message({ baselines: ['pca', 'pca'] })).toBe('bench config: baselines must be a list without duplicates, got ["pca","pca"]');
    expect(message({ genotypes: { testFraction: 1 } })).toBe('bench config: genotypes.testFraction must be a finite number >= 0 and < 1, got 1');
    expect(message({ genotypes: { vcf: 'a.vcf', plink: 'b' } })).toBe(
      'bench config: genotypes.plink must be absent when a vcf file is given (at most one of vcf / plink), got "b"; ' +
        'genotypes.panel must be a sample sheet path (the population labels) when a vcf or plink file is given, got nothing',
    );
    expect(message({ genotypes: [1] })).toMatch(/^bench config: genotypes must be .*, got \[1\]$/);
    expect(message({ genotypes: { testFractoin: 0.1 } })).toMatch(/unknown key "testFractoin" in genotypes; did you mean "testFraction"\?/);
    const options = { testFraction: 0.25, clusters: 3 };
    const c = resolveBenchConfig({ datasets: ['genotypes'], genotypes: options });
    expect(c.genotypes).toEqual(options);
    expect(c.genotypes).not.toBe(options);
  });
});
