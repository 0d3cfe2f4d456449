import { registerPosterior } from '@ddvi/core';
import { SEMI } from './config';
import type { SemiConfigInput } from './config';
import { SemiSupervisedPosterior } from './posterior';

registerPosterior<SemiConfigInput>({
  family: SEMI,
  description: 'semi-supervised form of any family with a density: classifier pi(c|x), the family built on [x, onehot(c)], c auxiliary on unlabelled rows',
  create: (init) => SemiSupervisedPosterior.create(init),
  fromJSON: (state, context) => SemiSupervisedPosterior.fromJSON(state, context),
  wrapper: true,
});

