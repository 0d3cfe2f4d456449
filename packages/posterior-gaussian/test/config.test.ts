import { describe, expect, it } from 'vitest';
import { ConfigError } from '@ddvi/core';
import { DEFAULT_CONFIG, resolveConfig } from '../src/index';

describe('gaussian posterior config', () => {
  it('fills defaults', () => {
    expect(resolveConfig({ hidden: [16] })).toEqual({ ...DEFAULT_CONFIG, hidden: [16] });
  });

  it('names the key, the value and the range', () => {
    expect(() => resolveConfig({ dropout: 1 })).toThrow('gaussian posterior: dropout must be a finite number >= 0 and < 1, got 1');
    expect(() => resolveConfig({ scale: 'relu' as never })).toThrow('gaussian posterior: scale must be one of "sigmoid", "softplus", "exp", got "relu"');
    expect(() => resolveConfig({ hidden: [4, 0] })).toThrow('gaussian posterior: hidden[1] must be an integer >= 1, got 0');
    expect(() => resolveConfig({ minScale: -1 })).toThrow(ConfigError);
  });

  it('rejects a misspelled key with a suggestion', () => {
    expect(() => resolveConfig({ dropuot: 0.1 } as never)).toThrow(
      'gaussian posterior: unknown key "dropuot"; did you mean "dropout"? (known keys: hidden, dropout, scale, minScale, trunk)',
    );
  });
});
