import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init';
import { Elbo } from '../objectives/elbo';
import { Iwae } from '../objectives/iwae';
import { SeedStream } from '../random/seed_stream';
import { getPosteriorFamily } from '../registry';
import { Trainer } from '../train/trainer';
import { evaluate } from '../train/evaluate';
import type { Posterior } from '../types/posterior';
import { testSeed } from './helpers';
import { LinearGaussianModel, referenceLinearGaussian } from './linear_gaussian';

export interface ConformanceOptions {
  /** Registered family name; the kit builds every posterior through the registry, as users do. */
  family: string;
  /** Family config for the small test problem (e.g. narrow networks). */
  config?: Record<string, unknown>;
  /**
   * After fitting the posterior to the linear-Gaussian model, the ELBO must be within this many
   * nats of the exact log-evidence (per datapoint). Families whose q cannot match the exact
   * posterior get a looser gap; default 0.5.
   */
  maxGap?: number;
  /** Epochs of posterior-only training on the reference problem (default 40). */
  epochs?: number;
  learningRate?: number;
}

/**
 * The posterior conformance kit: one vitest suite every family runs on itself (zuko's
 * test_flows in spirit). It checks the contract the objectives, trainer and benchmarks rely on.
 */
export function describePosteriorConformance(options: ConformanceOptions): void {
  const { family } = options;
  const seed = testSeed();
  // Built in beforeAll, once the backend is ready (users may call this at module top level).
  let model: LinearGaussianModel;
  let data: ReturnType<LinearGaussianModel['sampleDataset']>;
  const make = (s = seed): Posterior =>
    getPosteriorFamily(family).create({ latentSize: model.latentSize, dataSize: model.dataSize, seed: s, config: options.config, prior: model.prior() });

  describe(`posterior conformance: ${family}`, () => {
    beforeAll(async () => {
      await initBackend();
      model = referenceLinearGaussian();
      data = model.sampleDataset(256, seed);
    });

    it('declares consistent capabilities', () => {
      const q = make();
      const c = q.capabilities;
      expect(q.family, 'the posterior\'s family field is the name it was registered under').toBe(family);
      if (c.supportsIWAE) expect(c.hasDensity, 'supportsIWAE needs hasDensity: importance weights need log q').toBe(true);
      expect(q.latentSize, 'latentSize as passed to create()').toBe(model.latentSize);
      expect(q.dataSize, 'dataSize as passed to create()').toBe(model.dataSize);
      q.dispose();
    });

    it('returns z of shape [batch, latentSize] and logQ of shape [batch]', () => {
      const q = make();
      tf.tidy(() => {
        const { x } = data.batch(Int32Array.from([0, 1, 2, 3, 4]));
        const s = q.sample(x, { seed: new SeedStream(seed), training: true });
        expect(s.z.shape, 'z is [batch, latentSize]').toEqual([5, model.latentSize]);
        expect(s.logQ.shape, 'logQ is [batch]: one value per example').toEqual([5]);
        expect(tf.all(tf.isFinite(s.z)).dataSync()[0]).toBe(1);
        if (q.capabilities.hasDensity) expect(tf.all(tf.isFinite(s.logQ)).dataSync()[0]).toBe(1);
      });
      q.dispose();
    });

    it('is deterministic under a seed, and different seeds differ', () => {
      const a = make();
      const b = make();
      tf.tidy(() => {
        const { x } = data.batch(Int32Array.from([0, 1, 2, 3]));
        const za = a.sample(x, { seed: new SeedStream(seed), training: true }).z.arraySync();
        const zb = b.sample(x, { seed: new SeedStream(seed), training: true }).z.arraySync();
        const zc = a.sample(x, { seed: new SeedStream(seed + 1), training: true }).z.arraySync();
        expect(zb, 'the same seed gives the same sample').toEqual(za);
        expect(zc, 'another seed gives another sample').not.toEqual(za);
      });
      a.dispose();
      b.dispose();
    });

    it('draws n per row with sampleDraws as sample draws them on x tiled n times, same seed (where the family has it)', () => {
      const q = make();
      if (!q.sampleDraws) {
        q.dispose();
        return; // Optional: objectives tile x for a family without it.
      }
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const { x } = data.batch(Int32Array.from([0, 1, 2, 3]));
        // training: false shares the networks' pass; true tiles x (each draw its own dropout mask).
        for (const training of [false, true]) {
          const many = q.sampleDraws!(x, 3, { seed: new SeedStream(seed), training });
          const tiled = q.sample(tf.tile(x, [3, 1]) as tf.Tensor2D, { seed: new SeedStream(seed), training });
          expect(many.z.shape, 'sampleDraws returns [n * batch, latentSize]').toEqual([12, model.latentSize]);
          expect(many.logQ.shape, 'and logQ [n * batch]').toEqual([12]);
          const gap = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
          expect(gap(many.z, tiled.z), `z of sampleDraws against sample on tiled x (training ${training})`).toBeLessThan(1e-4);
          if (q.capabilities.hasDensity) expect(gap(many.logQ, tiled.logQ), `logQ (training ${training})`).toBeLessThan(1e-3);
        }
      });
      expect(tf.memory().numTensors, 'sampleDraws leaks no tensors outside tidy').toBe(before);
      q.dispose();
    });

    it('gets a non-zero gradient into every variable (from the bound or its auxiliary losses)', () => {
      const q = make();
      const vars = q.namedVariables();
      const reached = new Set<string>();
      const batch = data.batch(Int32Array.from({ length: 32 }, (_, i) => i));
      const record = (f: () => tf.Scalar, names: string[]) => {
        const list = names.map((k) => vars[k]!);
        const byTf = new Map(names.map((k) => [vars[k]!.name, k]));
        const { value, grads } = tf.variableGrads(f, list);
        for (const [tfName, g] of Object.entries(grads)) {
          if (tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!) > 0) reached.add(byTf.get(tfName)!);
        }
        tf.dispose([value, ...Object.values(grads)]);
      };
      const stream = new SeedStream(seed);
      const mainLoss = () =>
        q.capabilities.hasDensity
          ? new Elbo().compute(model, q, batch, { seed: stream.fork(1), training: true, epoch: 0 }).loss
          : (tf.mean(tf.sum(tf.square(q.sample(batch.x, { seed: stream.fork(1), training: true }).z), 1)) as tf.Scalar);
      record(mainLoss, Object.keys(vars));
      for (const aux of q.auxiliaryLosses()) {
        const names = aux.variables.map((n) => n.replace(/^posterior\//, '')).filter((n) => n in vars);
        if (names.length) record(() => aux.loss({ model, batch, seed: stream.fork(aux.name), epoch: 0, step: 0 }), names);
      }
      tf.dispose(batch.x);
      expect(Object.keys(vars).filter((k) => !reached.has(k)), 'variables that get no gradient from the bound nor from an auxiliary loss').toEqual([]);
      q.dispose();
    });

    it('leaks no tensors across training steps', async () => {
      const q = make();
      const counts: number[] = [];
      const trainer = new Trainer({
        model, posterior: q, objective: q.capabilities.hasDensity ? new Elbo() : zeroObjective,
        train: data, batchSize: 32, epochs: 1, maxStepsPerEpoch: 6, learningRate: 1e-3, seed,
        onEvent: (e) => { if (e.type === 'step') counts.push(tf.memory().numTensors); },
      });
      await trainer.fit();
      trainer.dispose();
      // Optimizer moments are created lazily at the first step; from step 2 on the count is flat.
      expect(
        counts.slice(2).every((c) => c === counts[1]),
        `tf.memory().numTensors after each step: ${counts.join(', ')}; from step 2 on it must be flat (wrap sample() in tidy, dispose what you keep)`,
      ).toBe(true);
      q.dispose();
    });

    it('round-trips through toJSON / fromJSON to the same samples', () => {
      const q = make();
      const restored = getPosteriorFamily(family).fromJSON(JSON.parse(JSON.stringify(q.toJSON())), { prior: model.prior() });
      tf.tidy(() => {
        const { x } = data.batch(Int32Array.from([5, 6, 7]));
        const a = q.sample(x, { seed: new SeedStream(seed), training: false });
        const b = restored.sample(x, { seed: new SeedStream(seed), training: false });
        expect(b.z.arraySync()).toEqual(a.z.arraySync());
        expect(b.logQ.arraySync()).toEqual(a.logQ.arraySync());
      });
      q.dispose();
      restored.dispose();
    });

    it('gives a bound below the exact log-evidence of a linear-Gaussian model, and close to it after fitting', async () => {
      const q = make();
      if (!q.capabilities.hasDensity) {
        q.dispose();
        return; // Density-free families have no bound to check.
      }
      const trainer = new Trainer({
        model, posterior: q, objective: new Elbo(), train: data, batchSize: 32, epochs: options.epochs ?? 40,
        learningRate: options.learningRate ?? 3e-3, seed,
        phases: [{ name: 'posterior', epochs: { fraction: 1 }, trainable: (k) => k.startsWith('posterior/') }],
      });
      await trainer.fit();
      trainer.dispose();
      const exact = model.logEvidence(data.x).reduce((a, b) => a + b, 0) / data.size;
      // Average several independent passes to shrink Monte Carlo error; 4 standard errors of slack.
      const passes = Array.from({ length: 8 }, (_, i) => evaluate(model, q, new Elbo(), data, { seed: seed + 100 + i }).bound!);
      const mean = passes.reduce((a, b) => a + b, 0) / passes.length;
      const se = Math.sqrt(passes.reduce((a, b) => a + (b - mean) ** 2, 0) / (passes.length - 1) / passes.length);
      const iwae = q.capabilities.supportsIWAE ? evaluate(model, q, new Iwae({ k: 16 }), data, { seed: seed + 200 }).bound! : undefined;
      // One message per failed check, saying what was compared, the numbers and what to change.
      expect(boundFailures({ family, mean, se, exact, passes: passes.length, points: data.size, epochs: options.epochs ?? 40, maxGap: options.maxGap ?? 0.5, iwae })).toEqual([]);
      q.dispose();
    });
  });
}

/** The fitted bounds of the conformance kit's last check, and what they are checked against. */
export interface BoundCheck {
  family: string;
  /** Mean ELBO per point over `passes` evaluation passes, its standard error, and the exact log-evidence per point. */
  mean: number;
  se: number;
  exact: number;
  passes: number;
  points: number;
  epochs: number;
  maxGap: number;
  /** The IWAE bound (k = 16), for families that support it. */
  iwae?: number | undefined;
}

/**
 * The failures of the kit's bound check, one message each, empty when it passes: the ELBO must
 * not exceed log p(x) (beyond 4 standard errors), must be within `maxGap` of it, and the IWAE
 * bound must lie between the ELBO and log p(x). Each message gives the numbers compared and, for
 * the gap, the maxGap that would pass.
 */
export function boundFailures(r: BoundCheck): string[] {
  const f = (v: number) => v.toFixed(4);
  const slack = 4 * r.se + 1e-3;
  const compared =
    `${r.family}: mean ELBO over ${r.passes} passes ${f(r.mean)} nats (standard error ${f(r.se)}) vs the exact log-evidence ${f(r.exact)} ` +
    `of the linear-Gaussian reference model (per point, ${r.points} points), after ${r.epochs} epochs of posterior-only training`;
  const failures: string[] = [];
  if (!(r.mean <= r.exact + slack)) {
    failures.push(`${compared}: the ELBO is above log p(x) by ${f(r.mean - r.exact)} nats (more than 4 standard errors): logQ must be log q of the z returned (or the family's ratio), not of another sample`);
  }
  const gap = r.exact - r.mean;
  if (!(gap <= r.maxGap)) {
    failures.push(
      `${compared}: the gap log p(x) - ELBO is ${f(gap)} nats, above maxGap ${r.maxGap}. If the family cannot match this Gaussian posterior, ` +
        `pass maxGap: ${(Math.ceil(gap * 1.2 * 100) / 100).toFixed(2)} (the gap + 20%); otherwise fit longer (epochs, learningRate) or fix the bound`,
    );
  }
  if (r.iwae !== undefined && !(r.iwae <= r.exact + slack)) {
    failures.push(`${compared}: the IWAE bound (k = 16) ${f(r.iwae)} is above log p(x) by ${f(r.iwae - r.exact)} nats (more than 4 standard errors)`);
  }
  if (r.iwae !== undefined && !(r.iwae >= r.mean - slack)) {
    failures.push(`${compared}: the IWAE bound (k = 16) ${f(r.iwae)} is below the ELBO by ${f(r.mean - r.iwae)} nats (more than 4 standard errors); it must be at least the ELBO`);
  }
  return failures;
}

const zeroObjective = {
  name: 'zero',
  compute(_m: unknown, posterior: Posterior, batch: { x: tf.Tensor2D }, context: { seed: SeedStream; training: boolean }) {
    return tf.tidy(() => {
      const z = posterior.sample(batch.x, { seed: context.seed, training: context.training }).z;
      const loss = tf.mean(tf.square(z)) as tf.Scalar;
      return { loss, bound: tf.zeros([batch.x.shape[0]]) as tf.Tensor1D, terms: { loss: tf.clone(loss) as tf.Scalar } };
    });
  },
};
