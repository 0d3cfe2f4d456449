/**
 * The staged schedule (spec §4.3, D8) run through the real Trainer: during 'prior-pretrain' only
 * the sleep term moves anything (denoiser and context encoder), during 'frozen-decoder' the model
 * stays fixed while the whole posterior trains, and 'joint' trains the model too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Elbo, Trainer } from '@ddvi/core';
import type { Dataset, Model, SerializedModule } from '@ddvi/core';
import { TestGaussian } from '@ddvi/core/testing';
import { expect, it } from 'vitest';
import { small } from './helpers';

/** p(z) = N(0, I_2), x | z ~ N(z W, 0.5^2 I_4) with a trainable W: the smallest model with a decoder. */
class TinyModel implements Model {
  readonly kind = 'tiny';
  readonly latentSize = 2;
  readonly dataSize = 4;
  readonly w = tf.variable(tf.tensor2d([[1, 0, 0.5, 0], [0, 1, 0, -0.5]]));
  prior(): TestGaussian {
    return new TestGaussian(tf.zeros([2]), 1);
  }
  likelihood(z: tf.Tensor2D): TestGaussian {
    return new TestGaussian(tf.matMul(z, this.w), 0.5);
  }
  namedVariables(): Record<string, tf.Variable> {
    return { w: this.w };
  }
  toJSON(): SerializedModule {
    return { kind: this.kind, config: {}, weights: {} };
  }
  dispose(): void {
    this.w.dispose();
  }
}

function dataset(n: number): Dataset {
  const x = tf.tidy(() => tf.randomNormal([n, 4], 0, 1, 'float32', 9).arraySync() as number[][]);
  return { name: 'tiny', size: n, dataSize: 4, batch: (idx) => ({ x: tf.tensor2d(Array.from(idx, (i) => x[i]!)) }) };
}

it('trains only what each phase allows', async () => {
  const model = new TinyModel();
  const q = small({ priorPretrain: 0.25, frozenDecoder: 0.25, sleepRepeats: 1 }, 4);
  const groups = {
    model: () => [model.w],
    encoder: () => Object.entries(q.namedVariables()).filter(([k]) => k.startsWith('encoder.')).map(([, v]) => v),
    denoiser: () => Object.entries(q.namedVariables()).filter(([k]) => k.startsWith('denoiser.')).map(([, v]) => v),
    context: () => Object.entries(q.namedVariables()).filter(([k]) => k.startsWith('context.')).map(([, v]) => v),
  };
  const snapshot = () => Object.fromEntries(Object.entries(groups).map(([k, vars]) => [k, vars().map((v) => Array.from(v.dataSync()))]));
  const snapshots = [snapshot()];
  const phases: string[] = [];
  const trainer = new Trainer({
    model, posterior: q, objective: new Elbo(), train: dataset(64), batchSize: 16, epochs: 4, learningRate: 1e-2, seed: 2,
    onEvent: (e) => {
      if (e.type === 'epoch') {
        phases.push(e.record.phase);
        snapshots.push(snapshot());
      }
    },
  });
  await trainer.fit();
  trainer.dispose();
  expect(phases).toEqual(['prior-pretrain', 'frozen-decoder', 'joint', 'joint']);
  const moved = (epoch: number, group: string) => JSON.stringify(snapshots[epoch + 1]![group]) !== JSON.stringify(snapshots[epoch]![group]);
  // prior-pretrain: the sleep term alone.
  expect([moved(0, 'model'), moved(0, 'encoder'), moved(0, 'denoiser'), moved(0, 'context')]).toEqual([false, false, true, true]);
  // frozen-decoder: the posterior, not the model.
  expect([moved(1, 'model'), moved(1, 'encoder'), moved(1, 'denoiser'), moved(1, 'context')]).toEqual([false, true, true, true]);
  // joint: everything.
  expect([moved(2, 'model'), moved(2, 'encoder'), moved(2, 'denoiser'), moved(2, 'context')]).toEqual([true, true, true, true]);
  q.dispose();
  model.dispose();
});
