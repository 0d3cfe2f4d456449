import { describePosteriorConformance } from '@ddvi/core/testing';
import '../src';

// Density-free: the kit checks shapes, seeding, gradients (encoder from the main objective and the
// generator loss, discriminator from its own loss), leaks and serialization; the bound check is skipped.
describePosteriorConformance({ family: 'aae', config: { hidden: [16], discriminatorHidden: [16, 16] } });
