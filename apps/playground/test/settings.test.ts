import { describe, expect, it } from 'vitest';
import { DEFAULT_RAW, validateSettings } from '../src/settings';
import type { RawSettings, SettingsContext } from '../src/settings';

const context: SettingsContext = {
  posteriors: ['aae', 'ddvi', 'gaussian'],
  priors: [{ name: 'pinwheel', latentSize: 2 }, { name: 'swiss_roll', latentSize: 2 }, { name: 'square', latentSize: 2 }],
};
const check = (patch: Partial<RawSettings>) => validateSettings({ ...DEFAULT_RAW, ...patch }, context);

describe('validateSettings', () => {
  it('accepts the defaults and parses every field', () => {
    const r = check({ hidden: '32,16', posteriorConfig: '{"noising": {"kind": "linear", "T": 5}}' });
    expect(r).toEqual({
      ok: true,
      settings: {
        prior: 'pinwheel', posterior: 'gaussian', dataset: 'toy', learningRate: 0.003, latentSize: 2, steps: 300, batchSize: 100,
        hidden: [32, 16], seed: 0, posteriorConfig: { noising: { kind: 'linear', T: 5 } }, backend: 'auto',
      },
    });
  });

  it.each([
    ['learningRate', '-0.01', 'learning rate must be a number in (0, 1], got "-0.01"'],
    ['learningRate', 'abc', 'learning rate must be a number in (0, 1], got "abc"'],
    ['latentSize', '0', 'latent size must be an integer in [1, 64], got "0"'],
    ['latentSize', '3', 'latent size must be 2: the pinwheel prior is over 2-D latents, got 3'],
    ['steps', '2.5', 'steps must be an integer in [1, 100000], got "2.5"'],
    ['batchSize', '', 'batch size must be an integer in [1, 5000], got ""'],
    ['hidden', '64,,64', 'hidden widths must be a comma-separated list of integers in [1, 2048], e.g. "64, 64", got "64,,64"'],
    ['posterior', 'vae', 'posterior family must be one of aae, ddvi, gaussian, got "vae"'],
    ['posteriorConfig', '[1]', 'posterior config must be a JSON object, e.g. {"noising": {"kind": "linear", "T": 5}}, got [1]'],
    ['posteriorConfig', '{"hidden": [3]}', 'posterior config: give the encoder widths in "hidden widths", not as a "hidden" key here'],
  ] as const)('rejects %s = %j with a message naming the field', (field, value, message) => {
    expect(check({ [field]: value })).toEqual({ ok: false, errors: { [field]: message } });
  });

  it('reports every bad field at once', () => {
    const r = check({ learningRate: '-1', latentSize: '0', seed: '-3' });
    expect(r.ok).toBe(false);
    expect(Object.keys((r as { errors: object }).errors).sort()).toEqual(['latentSize', 'learningRate', 'seed']);
  });

  it('reports unparseable JSON with the parser\'s reason', () => {
    const r = check({ posteriorConfig: '{"noising": ' });
    expect(r.ok).toBe(false);
    expect((r as { errors: Record<string, string> }).errors.posteriorConfig).toMatch(/^posterior config must be a JSON object: /);
  });
});
