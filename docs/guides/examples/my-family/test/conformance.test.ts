import { describePosteriorConformance } from '@ddvi/core/testing';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src';

// The kit's linear-Gaussian model has the exact posterior N(mu(x), (1/3)^2 I) (prior N(0, I), six
// observations of unit total weight per latent at noise 0.5: precision 1 + 2 / 0.25 = 9). With
// scale 1/3 this family can match it, so after fitting the ELBO must be within 0.1 nats of the
// exact log-evidence.
describePosteriorConformance({ family: 'fixed-scale', config: { hidden: [32], scale: 1 / 3 }, maxGap: 0.1, epochs: 60 });

describe('fixed-scale config', () => {
  it('names the bad key or value', () => {
    expect(() => resolveConfig({ scale: 0 })).toThrow(/fixed-scale posterior: scale must be a finite number > 0, got 0/);
    expect(() => resolveConfig({ sclae: 1 } as object)).toThrow(/unknown key "sclae"; did you mean "scale"\?/);
  });
});
