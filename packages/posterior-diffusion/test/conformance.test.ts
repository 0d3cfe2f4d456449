import { describePosteriorConformance } from '@ddvi/core/testing';
import '../src';

const small = { encoderHidden: [32], contextHidden: [32], denoiserWidth: 32, encoderDropout: 0, contextDropout: 0, noising: { kind: 'linear', T: 5 } };

// With its default training (the bound itself, Rao-Blackwellized; learned reverse variances; the
// DDPM mean; sleep on sampled x), DDVI's q(y_{0:T} | x) can equal p(z | x) r(y_{1:T} | z) on the
// linear-Gaussian model. Measured: gap 0.094 nats after 40 epochs, 0.083 after 60 (IWAE-128 0.006); without the
// sleep term 0.056. The reference's training (DDIM mean, decoder-mean fantasy) stays near 0.8.
describePosteriorConformance({ family: 'ddvi', config: small, maxGap: 0.2, epochs: 40 });
