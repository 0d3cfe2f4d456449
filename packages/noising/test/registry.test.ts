import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '@ddvi/core';
import { createNoisingProcess, listNoisingProcesses } from '../src/index';
import type { NoisingSpec } from '../src/index';

function message(spec: unknown): string {
  try {
    createNoisingProcess(spec as NoisingSpec);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as Error).message;
  }
  throw new Error('expected a ValidationError');
}

describe('createNoisingProcess validation', () => {
  it('builds every registered kind from its spec', () => {
    for (const { kind } of listNoisingProcesses()) expect(createNoisingProcess({ kind, T: 4 }).T).toBe(4);
  });

  it('names the option, its value and what it takes', () => {
    expect(message({ kind: 'linear', T: 0 })).toBe('noising process "linear": T must be an integer >= 1 (the number of noising steps), got 0');
    expect(message({ kind: 'linear', T: 5, end: '0.02' })).toBe('noising process "linear": end must be a finite number, got "0.02"');
    expect(message(null)).toMatch(/^createNoisingProcess: spec: config must be an object/);
  });

  it('suggests the option or kind that was meant', () => {
    const e = message({ kind: 'cosine', T: 5, maxbeta: 0.5 });
    expect(e).toBe('noising process "cosine": unknown key "maxbeta"; did you mean "maxBeta"? (known keys: kind, T, s, maxBeta)');
    expect(message({ kind: 'linaer', T: 5 })).toMatch(/^createNoisingProcess: unknown kind "linaer"; did you mean "linear"\? \(registered: /);
  });

  it('throws a ConfigError carrying the issues', () => {
    expect(() => createNoisingProcess({ kind: 'sigmoid', T: 2.5 })).toThrow(ConfigError);
  });
});
