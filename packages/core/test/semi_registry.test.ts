import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  ValidationError, isClassAwarePrior, listPosteriors, registerPosterior, registerSemiSupervisedForm, requireClassAwarePrior, semiSupervisedForm,
  semiSupervisedSpec,
} from '../src';
import type { Distribution, Posterior } from '../src';

const plain: Distribution = {
  name: 'Plain', batchShape: [], eventShape: [2], reparameterized: true,
  sample: () => tf.zeros([1, 2]), rsample: () => tf.zeros([1, 2]), logProb: () => tf.zeros([1]), mean: () => tf.zeros([2]),
};
const classAware = { ...plain, name: 'ThreeArms', numClasses: 3, sampleWithClass: () => ({ z: tf.zeros([1, 2]) as tf.Tensor2D, label: tf.zeros([1], 'int32') as tf.Tensor1D }) };
const unused = (): Posterior => {
  throw new Error('not built in this test');
};

describe('class-aware priors and semi-supervised forms in the registry', () => {
  it('recognises a class-aware prior by its capability and names what is missing', () => {
    expect(isClassAwarePrior(plain)).toBe(false);
    expect(isClassAwarePrior(classAware)).toBe(true);
    expect(isClassAwarePrior({ ...classAware, numClasses: 0 } as Distribution)).toBe(false);
    expect(requireClassAwarePrior('here', classAware, 3)).toBe(classAware);
    expect(() => requireClassAwarePrior('here', classAware, 10)).toThrow(/here needs a model prior with 10 classes .*"ThreeArms" with 3 classes/);
    expect(() => requireClassAwarePrior('here', plain, 10)).toThrow(ValidationError);
    expect(() => requireClassAwarePrior('here', plain, 10)).toThrow(/"Plain" with no classes/);
  });

  it('lists wrappers only when asked, and resolves a family\'s own form or the wrapper', () => {
    registerPosterior({ family: 'test-own', description: '', create: unused, fromJSON: unused, semiSupervised: (k) => ({ classes: k }) });
    registerPosterior({ family: 'test-plain', description: '', create: unused, fromJSON: unused });
    registerPosterior({ family: 'test-late', description: '', create: unused, fromJSON: unused });
    registerSemiSupervisedForm('test-late', (k) => ({ labelled: k }));
    expect(semiSupervisedForm('test-plain')).toBeUndefined();
    expect(semiSupervisedSpec('test-own', { a: 1 }, 4)).toEqual({ family: 'test-own', config: { a: 1, classes: 4 }, form: 'own' });
    expect(semiSupervisedSpec('test-late', {}, 4)).toEqual({ family: 'test-late', config: { labelled: 4 }, form: 'own' });
    expect(() => semiSupervisedSpec('test-plain', {}, 4)).toThrow(/import @ddvi\/posterior-semi/);
    registerPosterior({ family: 'semi', description: '', create: unused, fromJSON: unused, wrapper: true });
    expect(semiSupervisedSpec('test-plain', { a: 1 }, 4, { classWeight: 1 })).toEqual({
      family: 'semi', config: { classWeight: 1, family: 'test-plain', config: { a: 1 }, classes: 4 }, form: 'wrapper',
    });
    expect(listPosteriors()).toContain('semi');
    expect(listPosteriors({ wrappers: false })).not.toContain('semi');
    expect(listPosteriors({ wrappers: false })).toContain('test-plain');
  });
});
