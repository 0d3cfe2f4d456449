import { describePosteriorConformance } from '@ddvi/core/testing';
import '../src';

// Small networks on the kit's linear-Gaussian problem. Its exact posterior is Gaussian, which every
// flow contains (a Gaussian base and near-identity steps), so after fitting the gap must be small.
const encoder = { hidden: [32], dropout: 0, scale: 'softplus', contextSize: 4 };

describePosteriorConformance({ family: 'iaf', config: { ...encoder, layers: 2, flowHidden: [16, 16] }, maxGap: 0.15, epochs: 60 });
describePosteriorConformance({ family: 'realnvp', config: { ...encoder, layers: 2, flowHidden: [16] }, maxGap: 0.15, epochs: 60 });
describePosteriorConformance({ family: 'maf', config: { ...encoder, layers: 2, flowHidden: [16] }, maxGap: 0.15, epochs: 60 });
describePosteriorConformance({
  family: 'hiaf',
  config: { ...encoder, layers: 2, flowHidden: [16], level2Features: 16, level2Hidden: [16], reverse: 'learned', reverseHidden: [16] },
  maxGap: 0.3,
  epochs: 60,
});
describePosteriorConformance({
  family: 'hiaf',
  config: { ...encoder, layers: 1, flowHidden: [8], level2Features: 8, level2Hidden: [8], reverse: 'prior' },
  maxGap: 1.5,
  epochs: 30,
});
