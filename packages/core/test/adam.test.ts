import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ADAM_UPDATE, Adam, FUSED_ADAM_MAX_SIZE, adamUpdate, initBackend } from '../src';

describe('Adam', () => {
  it('matches tf.train.adam over 25 steps (to 2e-5, float32 rounding of the bias corrections)', () => {
    const init = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
    const ours = tf.variable(init.clone());
    const ref = tf.variable(init.clone());
    const target = tf.randomNormal([5, 3], 0, 1, 'float32', 4);
    const loss = (w: tf.Tensor) => tf.sum(tf.square(tf.sub(tf.mul(w, w), target))) as tf.Scalar;
    const adam = new Adam({ learningRate: 0.05 });
    const refOpt = tf.train.adam(0.05, 0.9, 0.999, 1e-8);
    for (let i = 0; i < 25; i++) {
      const { grads, value } = tf.variableGrads(() => loss(ours), [ours]);
      adam.apply({ w: ours }, { w: grads[ours.name]! });
      tf.dispose([value, ...Object.values(grads)]);
      refOpt.minimize(() => loss(ref), false, [ref]);
    }
    const a = ours.dataSync();
    ref.dataSync().forEach((v, i) => expect(Math.abs(v - a[i]!)).toBeLessThan(2e-5));
    expect(adam.step).toBe(25);
  });

  it('saves and restores its moments exactly', () => {
    const w = tf.variable(tf.ones([3]));
    const adam = new Adam({ learningRate: 0.1 });
    adam.apply({ w }, { w: tf.tensor1d([1, -2, 3]) });
    const restored = new Adam({ learningRate: 0.1 });
    restored.loadState(JSON.parse(JSON.stringify(adam.state())));
    const w2 = tf.variable(w.clone());
    adam.apply({ w }, { w: tf.tensor1d([0.5, 0.5, 0.5]) });
    restored.apply({ w: w2 }, { w: tf.tensor1d([0.5, 0.5, 0.5]) });
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w.dataSync()));
  });

  it('clipNorm scales the update\'s gradients to the joint norm, and leaves them alone under it', () => {
    // Joint norm of (3, 4) and (12): 13. Clipped at 6.5, Adam must see exactly half of each gradient.
    const grads = () => ({ a: tf.tensor1d([3, 4]), b: tf.tensor1d([12]) });
    const run = (adam: Adam, g: Record<string, tf.Tensor>, norm?: number) => {
      const vars = { a: tf.variable(tf.zeros([2])), b: tf.variable(tf.zeros([1])) };
      for (let i = 0; i < 3; i++) adam.apply(vars, g, norm);
      return [...vars.a.dataSync(), ...vars.b.dataSync()];
    };
    const half = { a: tf.tensor1d([1.5, 2]), b: tf.tensor1d([6]) };
    const expected = run(new Adam({ learningRate: 0.1, fused: false }), half);
    for (const norm of [undefined, 13]) {
      const clipped = run(new Adam({ learningRate: 0.1, fused: false, clipNorm: 6.5 }), grads(), norm);
      clipped.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    }
    // Under the limit nothing changes: the same as no clipping at all.
    const free = run(new Adam({ learningRate: 0.1, fused: false }), grads());
    run(new Adam({ learningRate: 0.1, fused: false, clipNorm: 13.5 }), grads()).forEach((v, i) => expect(v).toBeCloseTo(free[i]!, 6));
    // What clipping is for: Adam's second moment remembers ~1,000 steps, so one gradient 1,000x the
    // others dominates it and moves the weight by 0.1 / sqrt(1 - 0.999^201) = 1.3 learning rates
    // after 200 steps (3.2 once past the bias correction), here against every other step's
    // direction. Clipped at 2, the spike does not reverse the weight's course.
    const spikeMove = (clipNorm?: number) => {
      const adam = new Adam({ learningRate: 0.01, fused: false, ...(clipNorm ? { clipNorm } : {}) });
      const w = tf.variable(tf.zeros([1]));
      for (let i = 0; i < 200; i++) adam.apply({ w }, { w: tf.tensor1d([1]) });
      const before = w.dataSync()[0]!;
      adam.apply({ w }, { w: tf.tensor1d([-1000]) });
      return (w.dataSync()[0]! - before) / 0.01;
    };
    expect(spikeMove()).toBeGreaterThan(1.2);
    expect(spikeMove(2)).toBeLessThan(0);
    expect(() => new Adam({ clipNorm: 0 })).toThrow(/Adam: clipNorm must be a finite number > 0, got 0/);
  });

  it('rejects bad hyperparameters', () => {
    expect(() => new Adam({ learningRate: -1 })).toThrow(/Adam: learningRate must be a finite number > 0, got -1/);
    expect(() => new Adam({ beta1: 1 })).toThrow(/Adam: beta1 must be in \[0, 1\), got 1/);
  });

  // The one-pass kernel (src/optim/adam_kernel.ts) against the same update as tfjs ops, on each
  // backend that has it: 30 steps of random gradients over shapes with 1 to 30,000 elements.
  describe.each(['cpu', 'wasm'] as const)('fused update on %s', (backend) => {
    afterAll(async () => void (await initBackend('auto')));

    it('equals the op-by-op update (to 2e-6 relative) and leaks no tensor', async () => {
      await initBackend(backend);
      const shapes = [[1], [7, 3], [100, 300]];
      const make = () => shapes.map((s, i) => tf.variable(tf.randomNormal(s, 0, 1, 'float32', 10 + i)));
      const fused = make();
      const ops = make();
      const a = new Adam({ learningRate: 0.01, fused: 'always' });
      const b = new Adam({ learningRate: 0.01, fused: false });
      const named = (vs: tf.Variable[]) => Object.fromEntries(vs.map((v, i) => [`w${i}`, v]));
      let before = 0;
      for (let step = 0; step < 30; step++) {
        if (step === 1) before = tf.memory().numTensors;
        const grads = Object.fromEntries(shapes.map((s, i) => [`w${i}`, tf.randomNormal(s, 0, step % 3 === 0 ? 1e-3 : 2, 'float32', 100 * step + i)]));
        a.apply(named(fused), grads);
        b.apply(named(ops), grads);
        tf.dispose(Object.values(grads));
      }
      expect(tf.memory().numTensors).toBe(before);
      const [sa, sb] = [a.state(), b.state()];
      fused.forEach((w, i) => {
        const x = w.dataSync();
        const y = ops[i]!.dataSync();
        y.forEach((v, j) => expect(Math.abs(v - x[j]!)).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(v))));
        expect(sa.m[`w${i}`]!.shape).toEqual(sb.m[`w${i}`]!.shape);
      });
      tf.dispose([...fused, ...ops]);
      a.dispose();
      b.dispose();
    });

    it('takes the ops for other dtypes and shapes, with the same result', async () => {
      await initBackend(backend);
      const attrs = { beta1: 0.9, beta2: 0.999, stepSize: 0.1, vCorrection: 0.001, epsilon: 1e-8 };
      const w = tf.tensor1d([1, 2, 3]);
      const g = tf.tensor1d([0.5, -1, 2]);
      const z = tf.zeros([3]);
      const [k] = adamUpdate(w, g, z, z, attrs);
      const [o] = adamUpdate(w, g, z, z, attrs, false);
      expect(Array.from(k.dataSync()).map((x) => Number(x.toFixed(5)))).toEqual(Array.from(o.dataSync()).map((x) => Number(x.toFixed(5))));
      // First step from zero moments: each weight moves by about stepSize * (1 - beta1) / sqrt((1 - beta2) / vCorrection) * sign(g).
      expect(Array.from(k.dataSync()).map((x) => Number(x.toFixed(3)))).toEqual([0.99, 2.01, 2.99]);
      // The kernel ran (not the ops) for float32 tensors of one shape; an int32 gradient takes the ops.
      const fast = await tf.profile(() => adamUpdate(w, g, z, z, attrs));
      expect(fast.kernels.map((x) => x.name)).toEqual([ADAM_UPDATE]);
      // Large variables take the ops by default (the wasm kernels are faster there), the kernel when forced,
      // or when the registered kernel takes every size (`anySize`: the native one of @ddvi/backend-blas).
      const big = tf.zeros([FUSED_ADAM_MAX_SIZE]);
      const large = await tf.profile(() => adamUpdate(big, big, big, big, attrs));
      const anySize = (tf.getKernel(ADAM_UPDATE, backend) as { anySize?: boolean } | undefined)?.anySize === true;
      if (anySize) expect(large.kernels.map((x) => x.name)).toEqual([ADAM_UPDATE]);
      else expect(large.kernels.map((x) => x.name)).not.toContain(ADAM_UPDATE);
      const forced = await tf.profile(() => adamUpdate(big, big, big, big, attrs, 'always'));
      expect(forced.kernels.map((x) => x.name)).toEqual([ADAM_UPDATE]);
      tf.dispose([big, ...(large.result as tf.Tensor[]), ...(forced.result as tf.Tensor[])]);
      const gi = tf.tensor1d([1, -1, 2], 'int32');
      const slow = await tf.profile(() => adamUpdate(w, gi, z, z, attrs));
      expect(slow.kernels.map((x) => x.name)).not.toContain(ADAM_UPDATE);
      tf.dispose([w, g, gi, z, k, o, ...(fast.result as tf.Tensor[]), ...(slow.result as tf.Tensor[])]);
    });
  });
});
