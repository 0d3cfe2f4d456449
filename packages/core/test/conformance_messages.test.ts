import { describe, expect, it } from 'vitest';
import { boundFailures } from '../src/testing';

// The kit's bound check as a pure function: its messages must carry the numbers a family author
// needs to choose maxGap (the achieved gap, what was compared), not just "expected a <= b".
const base = { family: 'planar', se: 0.01, exact: -6.5, passes: 8, points: 256, epochs: 40, maxGap: 0.5 };

describe('conformance kit: bound check messages', () => {
  it('passes a bound within maxGap below log p(x)', () => {
    expect(boundFailures({ ...base, mean: -6.8, iwae: -6.7 })).toEqual([]);
  });

  it('names the achieved gap, the compared values and the maxGap that would pass', () => {
    const [message, ...rest] = boundFailures({ ...base, mean: -7.5 });
    expect(rest).toEqual([]);
    expect(message).toContain('planar: mean ELBO over 8 passes -7.5000 nats (standard error 0.0100) vs the exact log-evidence -6.5000');
    expect(message).toContain('the gap log p(x) - ELBO is 1.0000 nats, above maxGap 0.5');
    expect(message).toContain('pass maxGap: 1.20 (the gap + 20%)');
  });

  it('flags an ELBO above log p(x) (beyond 4 standard errors) and an IWAE bound outside [ELBO, log p(x)]', () => {
    expect(boundFailures({ ...base, mean: 9 })).toEqual([expect.stringMatching(/the ELBO is above log p\(x\) by 15\.5000 nats/)]);
    expect(boundFailures({ ...base, mean: -6.6, iwae: -6.0 })).toEqual([expect.stringMatching(/IWAE bound \(k = 16\) -6\.0000 is above log p\(x\) by 0\.5000/)]);
    expect(boundFailures({ ...base, mean: -6.6, iwae: -7.0 })).toEqual([expect.stringMatching(/IWAE bound \(k = 16\) -7\.0000 is below the ELBO by 0\.4000/)]);
  });
});
