/**
 * The shared semi-supervised wrapper on every family with a density, on a model whose evidence is
 * known in closed form (./two_class_model): the bound of a labelled row (on log p(x | c)) and of an
 * unlabelled row (on log p(x), with c auxiliary and rho(c | z) its reverse) stay below the exact
 * values before and after training, training closes the gap, and pi(c | x), trained on 64 labels,
 * classifies the rest far above chance.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Elbo, Iwae, SeedStream, Trainer, createPosterior, initBackend, posteriorFromJSON, registerPosterior, semiSupervisedSpec } from '@ddvi/core';
import type { Posterior } from '@ddvi/core';
import '@ddvi/posterior-adversarial';
import '@ddvi/posterior-flow';
import '@ddvi/posterior-gaussian';
import { beforeAll, describe, expect, it } from 'vitest';
import { SemiSupervisedPosterior } from '../src';
import { TwoClassLinearGaussian, UNLABELLED, meanAndSe } from './two_class_model';

const encoder = { hidden: [32], dropout: 0, scale: 'softplus' };
const flow = { ...encoder, contextSize: 4, layers: 2 };
/** Small networks of each family (as in their conformance tests). */
const FAMILIES: Record<string, Record<string, unknown>> = {
  gaussian: encoder,
  iaf: { ...flow, flowHidden: [16, 16] },
  realnvp: { ...flow, flowHidden: [16] },
  maf: { ...flow, flowHidden: [16] },
  hiaf: { ...flow, flowHidden: [16], level2Features: 16, level2Hidden: [16], reverse: 'learned', reverseHidden: [16] },
};
const WRAPPER = { classes: 2, classWeight: 1, classifierHidden: [32], classReverseHidden: [16] };

function semi(family: string, seed = 1): Posterior {
  return createPosterior('semi', { latentSize: 2, dataSize: 6, seed, config: { ...WRAPPER, family, config: FAMILIES[family]! } });
}

/** The per-sample bound for one row x with label c, repeated n times; its mean and standard error. */
function boundOf(model: TwoClassLinearGaussian, q: Posterior, x: number[], c: number, n: number, k = 1) {
  const objective = k === 1 ? new Elbo() : new Iwae({ k });
  const out = tf.tidy(() => {
    const batch = { x: tf.tile(tf.tensor2d([x]), [n, 1]) as tf.Tensor2D, label: tf.fill([n], c, 'int32') as tf.Tensor1D };
    return objective.compute(model, q, batch, { seed: new SeedStream(11), training: false, epoch: 0 }).bound!.dataSync();
  });
  return meanAndSe(out);
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

beforeAll(async () => {
  await initBackend();
});

describe('the semi-supervised wrapper', () => {
  it('declares labels, refuses families with a form of their own or without a density, and round-trips through the registry', () => {
    const q = semi('iaf');
    expect(q.capabilities).toEqual({ hasDensity: true, supportsIWAE: true, supportsLabels: true });
    expect(q.family).toBe('semi');
    expect((q as SemiSupervisedPosterior).inner.dataSize).toBe(8); // x and onehot(c)
    const names = Object.keys(q.namedVariables());
    expect(names.some((k) => k.startsWith('inner.flow.'))).toBe(true);
    expect(names.some((k) => k.startsWith('classifier.'))).toBe(true);
    expect(names.some((k) => k.startsWith('classReverse.'))).toBe(true);
    const back = posteriorFromJSON(JSON.parse(JSON.stringify(q.toJSON())));
    expect(back).toBeInstanceOf(SemiSupervisedPosterior);
    const draw = (p: Posterior) =>
      tf.tidy(() => {
        const x = tf.tensor2d([[0.1, 0.2, -0.3, 0.4, 0.5, -0.6], [1, 0, 1, 0, 1, 0], [0, 0, 0, 0, 0, 0]]);
        const s = p.sample(x, { seed: new SeedStream(4), training: false, label: tf.tensor1d([0, 2, 1], 'int32') });
        return [s.z.arraySync(), s.logQ.arraySync(), p.classProbabilities!(x).arraySync()];
      });
    expect(draw(back)).toEqual(draw(q));
    expect(() => createPosterior('semi', { latentSize: 2, dataSize: 6, seed: 1, config: { family: 'semi' } })).toThrow(/is a wrapper, not a posterior family/);
    expect(() => createPosterior('semi', { latentSize: 2, dataSize: 6, seed: 1, config: { family: 'gaussian', classes: 1 } })).toThrow(/classes/);
    expect(() => createPosterior('semi', { latentSize: 2, dataSize: 6, seed: 1, config: { family: 'gaussian', clases: 3 } })).toThrow(/clases/);
    // hidden (what --hidden sets for every family) reaches the wrapped family and the classifier.
    const h = createPosterior('semi', { latentSize: 2, dataSize: 6, seed: 1, config: { family: 'gaussian', hidden: [5] } }) as SemiSupervisedPosterior;
    expect(h.config).toMatchObject({ config: { hidden: [5] }, classifierHidden: [5] });
    expect(h.namedVariables()['classifier.layer0.kernel']?.shape ?? Object.entries(h.namedVariables()).find(([k]) => k.startsWith('classifier.'))![1].shape).toEqual([6, 5]);
    h.dispose();
    [q, back].forEach((p) => p.dispose());
  });

  it('sends a family with its own form to it, and refuses one without a density', () => {
    expect(semiSupervisedSpec('aae', { hidden: [8] }, 10)).toEqual({ family: 'aae', config: { hidden: [8], semiSupervised: true, numClasses: 10 }, form: 'own' });
    expect(semiSupervisedSpec('iaf', { hidden: [8] }, 10, { classWeight: 2 })).toEqual({
      family: 'semi', config: { classWeight: 2, family: 'iaf', config: { hidden: [8] }, classes: 10 }, form: 'wrapper',
    });
    expect(() => createPosterior('semi', { latentSize: 2, dataSize: 6, seed: 1, config: { family: 'aae', classes: 2 } })).toThrow(/has a semi-supervised form of its own/);
    // A plugin family without a density (and no form of its own) has no semi-supervised form.
    registerPosterior({
      family: 'test-no-density', description: 'a gaussian that claims no density',
      create: (init) => Object.assign(createPosterior('gaussian', init), { capabilities: { hasDensity: false, supportsIWAE: false, supportsLabels: false } }),
      fromJSON: () => { throw new Error('unused'); },
    });
    const before = tf.memory().numTensors;
    expect(() => createPosterior('semi', { latentSize: 2, dataSize: 6, seed: 1, config: { family: 'test-no-density', classes: 2 } })).toThrow(/needs a family with a density/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a label vector of the wrong length', () => {
    const q = semi('gaussian');
    expect(() => q.sample(tf.zeros([3, 6]), { seed: new SeedStream(1), training: false, label: tf.tensor1d([0, 1], 'int32') })).toThrow(/label/);
    q.dispose();
  });

  for (const family of Object.keys(FAMILIES)) {
    it(`${family}: bounds log p(x | c) for labelled rows and log p(x) for unlabelled rows, untrained and trained; training closes the gaps; pi beats chance; memory flat`, async () => {
      const model = new TwoClassLinearGaussian();
      const data = model.sample(512, 64, 5);
      const q = semi(family);
      const probe = [0, 1, 2, 3].map((i) => data.rows[400 + i]!);
      const gaps = () =>
        probe.flatMap((x) => [0, 1, UNLABELLED].map((c) => {
          const { mean: m, se } = boundOf(model, q, x, c, 2000);
          const exact = model.logEvidence(x, c);
          // A bound: never above the exact value beyond Monte Carlo error (4 standard errors).
          expect(m).toBeLessThan(exact + 4 * se);
          return exact - m;
        }));
      const before = gaps();
      const numTensors: number[] = [];
      const trainer = new Trainer({
        model, posterior: q, objective: new Elbo(), train: data, batchSize: 32, epochs: 30, learningRate: 3e-3, seed: 3,
        onEvent: (e) => void (e.type === 'epoch' && numTensors.push(tf.memory().numTensors)),
      });
      await trainer.fit();
      const after = gaps();
      const exact = model.logEvidence(probe[0]!, UNLABELLED);
      const iwae = boundOf(model, q, probe[0]!, UNLABELLED, 64, 64);
      const probs = tf.tidy(() => q.classProbabilities!(tf.tensor2d(data.rows.slice(64))).arraySync());
      const accuracy = probs.filter((p, i) => (p[1]! > p[0]! ? 1 : 0) === data.classes[64 + i]).length / probs.length;
      console.log(`${family} semi gaps: before ${mean(before).toFixed(2)} after ${mean(after).toFixed(3)} (max ${Math.max(...after).toFixed(3)}); iwae-64 gap ${(exact - iwae.mean).toFixed(3)}; accuracy ${accuracy.toFixed(3)}`);
      expect(mean(after)).toBeLessThan(mean(before) / 4);
      expect(mean(after)).toBeLessThan(GAP_AFTER[family]!);
      expect(iwae.mean).toBeLessThan(exact + 4 * iwae.se + 1e-3);
      expect(exact - iwae.mean).toBeLessThan(0.1);
      // The Bayes rule gets 0.917 on these rows, chance 0.5.
      expect(accuracy).toBeGreaterThan(0.8);
      expect(numTensors[numTensors.length - 1]).toBe(numTensors[1]);
      trainer.dispose();
      q.dispose();
      model.dispose();
    }, 240_000);
  }
});

/** Mean gap after training, per family (measured values in the test's log line, with margin). */
// Measured (seed 3, 30 epochs): gaussian 28.0 -> 0.082, iaf 19.4 -> 0.087, realnvp 23.4 -> 0.093,
// maf 23.0 -> 0.103, hiaf 20.1 -> 0.144 nats; IWAE-64 gaps 0.010-0.029; pi's accuracy 0.862 for each.
const GAP_AFTER: Record<string, number> = { gaussian: 0.25, iaf: 0.25, realnvp: 0.25, maf: 0.3, hiaf: 0.4 };
