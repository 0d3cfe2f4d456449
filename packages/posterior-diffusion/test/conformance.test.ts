import { describePosteriorConformance } from '@ddvi/core/testing';
import '../src';

const small = { encoderHidden: [32], contextHidden: [32], denoiserWidth: 32, encoderDropout: 0, contextDropout: 0 };

// Trained on its exact per-trajectory bound, DDVI must get as close to the linear-Gaussian
// evidence as mean-field (whose q is exact there) does, up to the fixed reverse variances' cost.
describePosteriorConformance({ family: 'ddvi', config: { ...small, noising: { kind: 'linear', T: 5 }, wake: 'bound', reverseVariance: 'learned' }, maxGap: 0.2, epochs: 60 });
