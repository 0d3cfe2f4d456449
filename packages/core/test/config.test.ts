import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError, describeSchema, parseConfig, suggestName, z } from '../src/index';

const Schema = z.strictObject({
  epochs: z.int().min(1).default(5),
  learningRate: z.number().positive().default(1e-3),
  dropout: z.number().min(0).lt(1).default(0.2),
  hidden: z.array(z.int().min(1)).min(1).optional(),
  scale: z.enum(['sigmoid', 'softplus']).default('sigmoid'),
  noising: z.strictObject({ kind: z.string(), T: z.int().min(1) }).optional(),
  note: z.string().describe('a free-text note').optional(),
});

function errorOf(input: unknown): ConfigError {
  try {
    parseConfig(Schema, input, 'test config');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect(e).toBeInstanceOf(ValidationError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('returns the parsed value with defaults filled', () => {
    expect(parseConfig(Schema, { epochs: 3 }, 'test config')).toEqual({ epochs: 3, learningRate: 1e-3, dropout: 0.2, scale: 'sigmoid' });
  });

  it('names the key, the value and the expected range', () => {
    expect(errorOf({ epochs: 0 }).message).toBe('test config: epochs must be an integer >= 1, got 0');
    expect(errorOf({ epochs: 1.5 }).message).toBe('test config: epochs must be an integer >= 1, got 1.5');
    expect(errorOf({ learningRate: Number.NaN }).message).toBe('test config: learningRate must be a finite number > 0, got NaN');
    expect(errorOf({ dropout: 1 }).message).toBe('test config: dropout must be a finite number >= 0 and < 1, got 1');
    expect(errorOf({ scale: 'exp' }).message).toBe('test config: scale must be one of "sigmoid", "softplus", got "exp"');
    expect(errorOf({ note: 3 }).message).toBe('test config: note must be a free-text note, got 3');
  });

  it('gives nested paths and list indices', () => {
    expect(errorOf({ hidden: [10, 0] }).message).toBe('test config: hidden[1] must be an integer >= 1, got 0');
    expect(errorOf({ hidden: [] }).message).toBe('test config: hidden must be a list (at least one item) of integers >= 1, got []');
    const e = errorOf({ noising: { kind: 'linear', T: 'five' } });
    expect(e.message).toBe('test config: noising.T must be an integer >= 1, got "five"');
    expect(e.issues).toEqual([{ path: 'noising.T', value: 'five', expected: 'an integer >= 1', message: expect.any(String) }]);
  });

  it('rejects unknown keys with a suggestion when one is close', () => {
    expect(errorOf({ hiden: [10] }).message).toBe(
      'test config: unknown key "hiden"; did you mean "hidden"? (known keys: epochs, learningRate, dropout, hidden, scale, noising, note)',
    );
    expect(errorOf({ noising: { kind: 'linear', T: 5, t: 3 } }).message).toContain('unknown key "t" in noising; did you mean "T"?');
    // Nothing close: no guess, only the list.
    expect(errorOf({ zzzzzz: 1 }).message).not.toContain('did you mean');
  });

  it('reports every problem at once', () => {
    const e = errorOf({ epochs: -1, scale: 'x', extra: true });
    expect(e.issues.map((i) => i.path).sort()).toEqual(['epochs', 'extra', 'scale']);
  });

  it('rejects a non-object config by name', () => {
    expect(errorOf(null).message).toMatch(/^test config: config must be an object with keys epochs, .*got null$/);
  });
});

describe('describeSchema and suggestName', () => {
  it('describes the common shapes', () => {
    expect(describeSchema(z.int().min(0))).toBe('an integer >= 0');
    expect(describeSchema(z.number())).toBe('a finite number');
    expect(describeSchema(z.array(z.string()).optional())).toBe('a list of strings');
    expect(describeSchema(z.boolean().default(false))).toBe('true or false');
  });

  it('suggests only close names', () => {
    expect(suggestName('batchsize', ['batchSize', 'epochs'])).toBe('batchSize');
    expect(suggestName('lr', ['learningRate', 'epochs'])).toBeUndefined();
    expect(suggestName('x', [])).toBeUndefined();
  });
});
