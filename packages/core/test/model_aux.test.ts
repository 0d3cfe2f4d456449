/** A model's own auxiliary losses (e.g. a learned prior's regularizer) run in the Trainer beside the posterior's. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Elbo, Trainer, initBackend } from '../src';
import type { AuxiliaryLoss, Distribution, Model, SerializedModule } from '../src';
import { referenceLinearGaussian } from '../src/testing';
import { LinearPosterior } from './fixtures';

beforeAll(async () => {
  await initBackend();
});

/** The reference linear-Gaussian model plus one variable its auxiliary loss pulls to 3 at its own learning rate. */
class ModelWithAux implements Model {
  readonly kind = 'with-aux';
  readonly inner = referenceLinearGaussian();
  readonly latentSize = this.inner.latentSize;
  readonly dataSize = this.inner.dataSize;
  readonly extra = tf.variable(tf.scalar(0));
  calls = 0;
  prior(): Distribution {
    return this.inner.prior();
  }
  likelihood(z: tf.Tensor2D): Distribution {
    return this.inner.likelihood(z);
  }
  auxiliaryLosses(): AuxiliaryLoss[] {
    return [{ name: 'pull', variables: ['extra'], learningRate: 0.1, repeats: 2, loss: () => (this.calls++, tf.square(tf.sub(this.extra, 3)) as tf.Scalar) }];
  }
  namedVariables(): Record<string, tf.Variable> {
    return { extra: this.extra };
  }
  toJSON(): SerializedModule {
    return { kind: this.kind, config: {}, weights: {} };
  }
  dispose(): void {
    this.inner.dispose();
    this.extra.dispose();
  }
}

describe('Model.auxiliaryLosses', () => {
  it('are run by the trainer on the model variables they name, repeats times per step, at their own learning rate', async () => {
    const model = new ModelWithAux();
    const q = new LinearPosterior(2, 6);
    const data = model.inner.sampleDataset(64, 3);
    const reported: number[] = [];
    const t = new Trainer({
      model, posterior: q, objective: new Elbo(), train: data, batchSize: 16, epochs: 10, learningRate: 1e-3, seed: 1,
      // The main objective never touches `extra` (it is not in the bound), so only the aux loss moves it.
      phases: [{ name: 'posterior', epochs: { fraction: 1 }, trainable: (k) => k.startsWith('posterior/') }],
      onEvent: (e) => void (e.type === 'epoch' && reported.push(e.record.train['pull'] ?? NaN)),
    });
    await t.fit();
    expect(model.calls).toBe(4 * 10 * 2);
    // 80 Adam steps at 0.1 bring it to 3; at the trainer's 1e-3 it would have moved by at most 0.08.
    expect(Math.abs(model.extra.dataSync()[0]! - 3)).toBeLessThan(0.3);
    expect(reported[reported.length - 1]!).toBeLessThan(reported[0]!);
    t.dispose();
    q.dispose();
    model.dispose();
  });
});
