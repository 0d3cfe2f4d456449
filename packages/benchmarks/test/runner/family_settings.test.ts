import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@ddvi/posterior-diffusion';
import '@ddvi/posterior-gaussian';
import { buildCellPair, describeFamilySettings, familySettings, resolveBenchConfig } from '../../src/index';

const PER_PRIOR = {
  datasets: ['toy'], families: ['ddvi', 'gaussian'], priors: ['pinwheel', 'square', 'swiss_roll'], beta: 1, learningRate: 1e-3,
  posteriorConfig: { sleepRepeats: 3 },
  familySettings: {
    ddvi: {
      beta: 2, posteriorConfig: { priorGuidance: 5, contextSize: 4 },
      byPrior: {
        square: { learningRate: 3e-4, posteriorConfig: { noising: { kind: 'linear', T: 2 }, priorGuidance: 2 } },
        swiss_roll: { beta: 1.5, clipNorm: 10 },
      },
    },
  },
};

describe('familySettings with per-prior settings (byPrior)', () => {
  const config = resolveBenchConfig(PER_PRIOR as never);

  it('layers the grid, the family and the family on the prior; posterior options merge key by key', () => {
    expect(familySettings(config, 'ddvi', 'square')).toEqual({
      posteriorConfig: { sleepRepeats: 3, priorGuidance: 2, contextSize: 4, noising: { kind: 'linear', T: 2 } },
      beta: 2, klWarmup: 0, learningRate: 3e-4, clipNorm: undefined,
    });
    expect(familySettings(config, 'ddvi', 'swiss_roll')).toEqual({
      posteriorConfig: { sleepRepeats: 3, priorGuidance: 5, contextSize: 4 }, beta: 1.5, klWarmup: 0, learningRate: 1e-3, clipNorm: 10,
    });
    // A prior without its own settings, or none named, gets the family's.
    expect(familySettings(config, 'ddvi', 'pinwheel')).toEqual(familySettings(config, 'ddvi'));
    expect(familySettings(config, 'ddvi', 'pinwheel').beta).toBe(2);
    // Another family is untouched by ddvi's.
    expect(familySettings(config, 'gaussian', 'square')).toEqual({ posteriorConfig: { sleepRepeats: 3 }, beta: 1, klWarmup: 0, learningRate: 1e-3, clipNorm: undefined });
  });

  it("the report names what changes on each of the grid's priors, and only those", () => {
    const lines = describeFamilySettings(config);
    expect(lines[0]).toBe(
      'ddvi: beta 2, lr 0.001, options {"sleepRepeats":3,"priorGuidance":5,"contextSize":4}' +
        '; on square: beta 2, lr 0.0003, options {"sleepRepeats":3,"priorGuidance":2,"contextSize":4,"noising":{"kind":"linear","T":2}}' +
        '; on swiss_roll: beta 1.5, lr 0.001, gradient norm clipped at 10, options {"sleepRepeats":3,"priorGuidance":5,"contextSize":4}',
    );
    expect(lines[1]).toBe('gaussian: beta 1, lr 0.001, options {"sleepRepeats":3}');
    const pinwheelOnly = resolveBenchConfig({ ...PER_PRIOR, priors: ['pinwheel'] } as never);
    expect(describeFamilySettings(pinwheelOnly)[0]).toBe('ddvi: beta 2, lr 0.001, options {"sleepRepeats":3,"priorGuidance":5,"contextSize":4}');
  });

  it('a cell builds its posterior with the settings of its prior', () => {
    const chainLength = (prior: string) => {
      const { model, posterior } = buildCellPair(config, { dataset: 'toy', family: 'ddvi', prior, seed: 0 }, 6);
      try {
        return (posterior.toJSON().config as { options: { noising: { T: number } } }).options.noising.T;
      } finally {
        posterior.dispose();
        model.dispose();
      }
    };
    const before = tf.memory().numTensors;
    expect(chainLength('square')).toBe(2);
    expect(chainLength('pinwheel')).toBe(40);
    expect(tf.memory().numTensors).toBe(before);
  });
});
