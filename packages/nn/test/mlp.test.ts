import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeedStream, ValidationError, assignVariables, initBackend, serializeVariables } from '@ddvi/core';
import { MLP } from '../src';
import type { Activation, MLPOptions } from '../src';

beforeAll(async () => {
  await initBackend();
});

afterAll(async () => {
  await initBackend(); // the finite-difference test switches backends
});

const tiny = (over: Partial<MLPOptions> = {}): MLP => new MLP({ inputSize: 3, hidden: [4, 5], outputs: [2, 1], seed: 11, ...over });

function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

describe('MLP', () => {
  it('builds Linear -> activation -> dropout per hidden width, then one head per output', () => {
    const m = new MLP({ inputSize: 784, hidden: [1000, 1000], outputs: [2, 2], dropout: 0.2, seed: 1, name: 'encoder' });
    const names = Object.keys(m.namedVariables());
    expect(names).toEqual([
      'hidden0.weight',
      'hidden0.bias',
      'hidden1.weight',
      'hidden1.bias',
      'head0.weight',
      'head0.bias',
      'head1.weight',
      'head1.bias',
    ]);
    const shapes = Object.fromEntries(Object.entries(m.namedVariables()).map(([k, v]) => [k, v.shape]));
    expect(shapes['hidden0.weight']).toEqual([784, 1000]);
    expect(shapes['hidden1.weight']).toEqual([1000, 1000]);
    expect(shapes['head1.weight']).toEqual([1000, 2]);
    expect(shapes['head1.bias']).toEqual([2]);
    expect(m.numParameters).toBe(784 * 1000 + 1000 + 1000 * 1000 + 1000 + 2 * (1000 * 2 + 2));
    expect(m.variables()).toHaveLength(8);
    const x = tf.zeros([5, 784]);
    const outs = m.apply(x);
    expect(outs.map((o) => o.shape)).toEqual([
      [5, 2],
      [5, 2],
    ]);
    tf.dispose([x, ...outs]);
    m.dispose();
  });

  it('works without hidden layers and with a sigmoid head', () => {
    const m = new MLP({ inputSize: 3, hidden: [], outputs: [4, 2], outputActivation: ['none', 'sigmoid'], seed: 2 });
    const x = tf.tensor2d([
      [10, -10, 3],
      [-4, 8, 1],
    ]);
    const [a, b] = m.apply(x);
    const w = m.namedVariables();
    const linA = tf.add(tf.matMul(x, w['head0.weight']!), w['head0.bias']!);
    const linB = tf.add(tf.matMul(x, w['head1.weight']!), w['head1.bias']!);
    const sig = values(tf.sigmoid(linB));
    values(b!).forEach((v, i) => {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
      expect(v).toBeCloseTo(sig[i]!, 5);
    });
    values(a!).forEach((v, i) => expect(v).toBeCloseTo(values(linA)[i]!, 5));
    tf.dispose([x, a!, b!, linA, linB]);
    m.dispose();
  });

  it('is deterministic under a seed; different seeds and different layers differ', () => {
    const a = tiny();
    const b = tiny();
    const c = tiny({ seed: 12 });
    for (const [name, v] of Object.entries(a.namedVariables())) {
      expect(values(v)).toEqual(values(b.namedVariables()[name]!));
      expect(values(v)).not.toEqual(values(c.namedVariables()[name]!));
    }
    const va = a.namedVariables();
    expect(values(va['head0.bias']!)).not.toEqual(values(va['hidden0.bias']!).slice(0, 2));
    for (const m of [a, b, c]) m.dispose();
  });

  it('has a JSON config from which it rebuilds with the same weights', () => {
    const m = tiny({ activation: 'tanh', dropout: 0.3, outputActivation: 'sigmoid', name: 'q' });
    expect(m.config).toEqual({
      inputSize: 3,
      hidden: [4, 5],
      outputs: [2, 1],
      activation: 'tanh',
      dropout: 0.3,
      outputActivation: ['sigmoid', 'sigmoid'],
      seed: 11,
      name: 'q',
    });
    const again = MLP.fromConfig(JSON.parse(JSON.stringify(m.config)));
    for (const [name, v] of Object.entries(m.namedVariables())) expect(values(again.namedVariables()[name]!)).toEqual(values(v));
    m.dispose();
    again.dispose();
  });

  it('round-trips its weights through serializeVariables / assignVariables', () => {
    const m = tiny();
    const x = tf.randomNormal([6, 3], 0, 1, 'float32', 3);
    const saved = JSON.parse(JSON.stringify(serializeVariables(m.namedVariables())));
    const other = MLP.fromConfig({ ...m.config, seed: 999 });
    const before = other.apply(x)[0]!;
    expect(values(before)).not.toEqual(values(m.apply(x)[0]!));
    assignVariables('MLP', other.namedVariables(), saved);
    const [y0, y1] = m.apply(x);
    const [z0, z1] = other.apply(x);
    expect(values(z0!)).toEqual(values(y0!));
    expect(values(z1!)).toEqual(values(y1!));
    // a checkpoint of another architecture is refused
    const wider = new MLP({ ...m.config, hidden: [4, 6] });
    expect(() => assignVariables('MLP', wider.namedVariables(), saved)).toThrow('weight hidden1.weight must have shape [4, 6]');
    tf.dispose([x, before, y0!, y1!, z0!, z1!]);
    for (const n of [m, other, wider]) n.dispose();
  });

  it('applies dropout only when training, seeded', () => {
    const m = new MLP({ inputSize: 8, hidden: [64, 64], outputs: [4], dropout: 0.4, seed: 4 });
    const x = tf.randomNormal([16, 8], 0, 1, 'float32', 5);
    const evalA = values(m.apply(x)[0]!);
    expect(values(m.apply(x, { training: false, seed: 1 })[0]!)).toEqual(evalA);
    const t1 = values(m.apply(x, { training: true, seed: 1 })[0]!);
    const t1again = values(m.apply(x, { training: true, seed: new SeedStream(1) })[0]!);
    const t2 = values(m.apply(x, { training: true, seed: 2 })[0]!);
    expect(t1).toEqual(t1again);
    expect(t1).not.toEqual(evalA);
    expect(t1).not.toEqual(t2);
    // one seed drawn per hidden layer
    const stream = new SeedStream(9);
    m.apply(x, { training: true, seed: stream });
    expect(stream.state().counter).toBe(2);
    // no dropout configured: training changes nothing
    const plain = new MLP({ ...m.config, dropout: 0 });
    expect(values(plain.apply(x, { training: true })[0]!)).toEqual(values(plain.apply(x)[0]!));
    x.dispose();
    m.dispose();
    plain.dispose();
  });

  it('drops units at the configured rate and rescales the kept ones', () => {
    // one hidden layer of 4000 relu units that all output 1, averaged by the head: the training
    // output is (kept fraction) / (1 - p), 1 in expectation
    const n = 4000;
    const m = new MLP({ inputSize: 1, hidden: [n], outputs: [1], activation: 'relu', dropout: 0.25, seed: 1 });
    const v = m.namedVariables();
    v['hidden0.weight']!.assign(tf.ones([1, n]));
    v['hidden0.bias']!.assign(tf.zeros([n]));
    v['head0.weight']!.assign(tf.fill([n, 1], 1 / n));
    v['head0.bias']!.assign(tf.zeros([1]));
    const x = tf.ones([1, 1]);
    expect(values(m.apply(x)[0]!)[0]).toBeCloseTo(1, 3);
    for (const seed of [1, 2, 3]) {
      const out = values(m.apply(x, { training: true, seed })[0]!)[0]!;
      const kept = out * 0.75;
      expect(Math.abs(kept - 0.75)).toBeLessThan(0.03); // ~4.4 standard deviations
      expect(out).not.toBe(1);
    }
    x.dispose();
    m.dispose();
  });

  it('has gradients that match finite differences (cpu and wasm)', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend(backend);
      for (const activation of ['tanh', 'leakyRelu', 'relu'] as Activation[]) {
        const m = new MLP({ inputSize: 3, hidden: [4, 3], outputs: [2, 1], activation, outputActivation: ['none', 'sigmoid'], seed: 21 });
        const x = tf.tensor2d([
          [0.5, -1.2, 2.0],
          [1.5, 0.3, -0.7],
        ]);
        const r0 = tf.tensor2d([
          [0.3, -1.1],
          [0.8, 0.5],
        ]);
        const r1 = tf.tensor2d([[1.3], [-0.6]]);
        const loss = (): tf.Scalar =>
          tf.tidy(() => {
            const [a, b] = m.apply(x);
            return tf.add(tf.sum(tf.mul(a!, r0)), tf.sum(tf.mul(b!, r1))) as tf.Scalar;
          });
        const vars = m.namedVariables();
        const { value, grads } = tf.variableGrads(loss, Object.values(vars));
        value.dispose();
        const eps = 1e-3;
        for (const [name, v] of Object.entries(vars)) {
          const g = values(grads[v.name]!);
          const base = values(v);
          for (let i = 0; i < base.length; i++) {
            const at = (delta: number): number => {
              const p = base.slice();
              p[i] = base[i]! + delta;
              v.assign(tf.tensor(p, v.shape));
              const l = loss();
              const out = l.dataSync()[0]!;
              l.dispose();
              return out;
            };
            const fd = (at(eps) - at(-eps)) / (2 * eps);
            v.assign(tf.tensor(base, v.shape));
            const err = Math.abs(fd - g[i]!);
            if (err > 2e-3 + 1e-2 * Math.abs(g[i]!)) {
              throw new Error(`${backend} ${activation} ${name}[${i}]: analytic ${g[i]} vs finite difference ${fd}`);
            }
          }
        }
        tf.dispose([x, r0, r1, ...Object.values(grads)]);
        m.dispose();
      }
    }
    await initBackend();
  });

  it('leaks no tensors across training steps (forward + backward + update)', () => {
    const m = new MLP({ inputSize: 20, hidden: [32, 32], outputs: [3, 3], dropout: 0.2, seed: 8 });
    const x = tf.randomNormal([16, 20], 0, 1, 'float32', 1);
    const opt = tf.train.adam(1e-3);
    const seeds = new SeedStream(3);
    const step = (): void => {
      const l = opt.minimize(
        () => {
          const [a, b] = m.apply(x, { training: true, seed: seeds });
          return tf.add(tf.mean(tf.square(a!)), tf.mean(tf.abs(b!))) as tf.Scalar;
        },
        true,
        m.variables(),
      );
      l!.dataSync();
      l!.dispose();
    };
    step(); // creates the optimizer's slots
    const tensors = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
    const beforeDispose = tf.memory().numTensors;
    m.dispose();
    expect(tf.memory().numTensors).toBe(beforeDispose - 8);
    opt.dispose();
    x.dispose();
  });

  it('validates its options and input with messages that name them', () => {
    const bad = (over: Record<string, unknown>): (() => MLP) => () => new MLP({ inputSize: 784, hidden: [10], outputs: [2], seed: 1, ...over } as MLPOptions);
    expect(bad({ inputSize: -1 })).toThrow(new ValidationError('MLP: inputSize must be an integer >= 1, got -1'));
    expect(bad({ hidden: [10, 0] })).toThrow('MLP: hidden must be an array of integers >= 1, got [10, 0]');
    expect(bad({ hidden: 10 })).toThrow('MLP: hidden must be an array of integers >= 1, got 10');
    expect(bad({ outputs: [] })).toThrow('MLP: outputs must be a non-empty array of integers >= 1, got []');
    expect(bad({ activation: 'gelu' })).toThrow('MLP: activation must be one of leakyRelu, relu, tanh, got "gelu"');
    expect(bad({ dropout: 1 })).toThrow('MLP: dropout must be a number in [0, 1), got 1');
    expect(bad({ outputActivation: ['sigmoid', 'none'] })).toThrow('MLP: outputActivation must be one value or an array of 1 (one per head), got [sigmoid, none]');
    expect(bad({ outputActivation: 'softmax' })).toThrow('MLP: outputActivation must be "sigmoid" or "none" per head, got "softmax"');
    expect(bad({ seed: 1.5, name: 'decoder' })).toThrow('decoder: seed must be an integer in [0, 2^32) or a SeedStream, got 1.5');
    expect(bad({ name: '' })).toThrow('MLP: name must be a non-empty string, got ""');

    const before = tf.memory().numTensors;
    const m = new MLP({ inputSize: 784, hidden: [10], outputs: [2], dropout: 0.5, seed: 1 });
    const x = tf.zeros([128, 783]);
    expect(() => m.apply(x)).toThrow(ValidationError);
    expect(() => m.apply(x)).toThrow('MLP: x must have shape [batch, 784], got [128, 783]');
    const ok = tf.zeros([2, 784]);
    expect(() => m.apply(ok, { training: true })).toThrow('MLP: seed must be given when training with dropout > 0, got undefined');
    m.dispose();
    expect(() => m.apply(ok)).toThrow('MLP: used after dispose()');
    tf.dispose([x, ok]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
