import { describePosteriorConformance } from '@ddvi/core/testing';
import '../src';

// The linear-Gaussian reference has a diagonal exact posterior, which mean-field can represent:
// after fitting, the ELBO must be within 0.1 nats of the exact log-evidence.
describePosteriorConformance({ family: 'gaussian', config: { hidden: [32], dropout: 0, scale: 'softplus' }, maxGap: 0.1, epochs: 60 });
