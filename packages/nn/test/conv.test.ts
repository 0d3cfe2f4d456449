import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError, initBackend } from '@ddvi/core';
import { expectNoLeak } from '@ddvi/core/testing';
import { Conv2D, ConvDecoder, ConvTranspose2D, ConvTrunk, MLP, filterGradient, trunkedMLP } from '../src';

beforeAll(async () => {
  await initBackend(); // the default backend (wasm): the one that lacks the filter-gradient kernel
});

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

/** Direct loops: y[b,i,j,o] = sum x[b, i*s+u, j*s+v, c] w[u,v,c,o] ('valid', NHWC). */
function naiveConv(x: tf.Tensor4D, w: tf.Tensor4D, s: number): { y: Float64Array; shape: number[] } {
  const [B, H, W, C] = x.shape;
  const [K, , , O] = w.shape;
  const oh = Math.floor((H - K) / s) + 1;
  const ow = Math.floor((W - K) / s) + 1;
  const xv = x.dataSync();
  const wv = w.dataSync();
  const y = new Float64Array(B * oh * ow * O);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let o = 0; o < O; o++) {
          let acc = 0;
          for (let u = 0; u < K; u++)
            for (let v = 0; v < K; v++)
              for (let c = 0; c < C; c++) acc += xv[((b * H + i * s + u) * W + j * s + v) * C + c]! * wv[((u * K + v) * C + c) * O + o]!;
          y[((b * oh + i) * ow + j) * O + o] = acc;
        }
  return { y, shape: [B, oh, ow, O] };
}

/** dW of sum(conv(x, W) * g) by the definition: dW[u,v,c,o] = sum x[b, i*s+u, j*s+v, c] g[b,i,j,o]. */
function naiveFilterGrad(x: tf.Tensor4D, g: tf.Tensor4D, K: number, s: number): Float64Array {
  const [B, H, W, C] = x.shape;
  const [, oh, ow, O] = g.shape;
  const xv = x.dataSync();
  const gv = g.dataSync();
  const out = new Float64Array(K * K * C * O);
  for (let u = 0; u < K; u++)
    for (let v = 0; v < K; v++)
      for (let c = 0; c < C; c++)
        for (let o = 0; o < O; o++) {
          let acc = 0;
          for (let b = 0; b < B; b++)
            for (let i = 0; i < oh; i++)
              for (let j = 0; j < ow; j++) acc += xv[((b * H + i * s + u) * W + j * s + v) * C + c]! * gv[((b * oh + i) * ow + j) * O + o]!;
          out[((u * K + v) * C + c) * O + o] = acc;
        }
  return out;
}

// float32 sums of at most a few hundred O(1) products: 1e-4 absolute leaves a wide margin.
const TOL = 1e-4;

describe('conv gradients on the default backend', () => {
  for (const [H, K, s] of [[7, 3, 1], [9, 3, 2], [15, 5, 2], [6, 5, 2]] as const) {
    it(`filterGradient matches the definition (input ${H}, kernel ${K}, stride ${s})`, () => {
      const x = tf.randomNormal([2, H, H, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const oh = Math.floor((H - K) / s) + 1;
      const g = tf.randomNormal([2, oh, oh, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
      const got = values(filterGradient(x, g, [K, K, 3, 4], [s, s]));
      const want = naiveFilterGrad(x, g, K, s);
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 3));
    });
  }

  it('Conv2D: forward equals the loops; tf.grad w.r.t. weights and input trains on this backend', () => {
    const layer = new Conv2D({ inChannels: 3, outChannels: 4, kernel: 4, stride: 2, seed: 3 });
    const x = tf.randomNormal([2, 10, 10, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const y = layer.apply(x);
    const ref = naiveConv(x, layer.weight as unknown as tf.Tensor4D, 2);
    expect(y.shape).toEqual(ref.shape);
    const bias = values(layer.bias);
    values(y).forEach((v, i) => expect(Math.abs(v - ref.y[i]! - bias[i % 4]!)).toBeLessThan(TOL));
    const g = tf.randomNormal(y.shape, 0, 1, 'float32', 5) as tf.Tensor4D;
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x), g)) as tf.Scalar, [layer.weight, layer.bias]);
    const want = naiveFilterGrad(x, g, 4, 2);
    values(grads[layer.weight.name]!).forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(TOL));
    // d/dbias = sum of g over batch and positions.
    const gb = values(tf.sum(g, [0, 1, 2]));
    values(grads[layer.bias.name]!).forEach((v, i) => expect(v).toBeCloseTo(gb[i]!, 3));
    // Input gradient by a central difference on one pixel (float32, step 1e-2 on a linear map: exact up to rounding).
    const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.apply(xx as tf.Tensor4D), g)))(x);
    const at = [1, 5, 4, 2];
    const unit = new Float32Array(600);
    unit[((at[0]! * 10 + at[1]!) * 10 + at[2]!) * 3 + at[3]!] = 1;
    const bump = (e: number) => tf.tidy(() => tf.sum(tf.mul(layer.apply(tf.add(x, tf.mul(tf.tensor4d(unit, [2, 10, 10, 3]), e)) as tf.Tensor4D), g)).dataSync()[0]!);
    const fd = (bump(1e-2) - bump(-1e-2)) / 2e-2;
    expect(dx.bufferSync().get(...at)).toBeCloseTo(fd, 2);
    layer.dispose();
  });

  it('ConvTranspose2D: out = (in - 1) * stride + kernel; its weight gradient is the filter gradient with roles swapped', () => {
    const layer = new ConvTranspose2D({ inChannels: 4, outChannels: 3, kernel: 5, stride: 2, seed: 6 });
    const x = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 7) as tf.Tensor4D;
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, 9, 9, 3]);
    const g = tf.randomNormal(y.shape, 0, 1, 'float32', 8) as tf.Tensor4D;
    // <convT(x, W), g> = <x, conv(g, W)>: the adjoint identity pins the forward down.
    const lhs = tf.sum(tf.mul(tf.sub(y, layer.bias), g)).dataSync()[0]!;
    const rhs = tf.sum(tf.mul(x, tf.conv2d(g, layer.weight as unknown as tf.Tensor4D, 2, 'valid'))).dataSync()[0]!;
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-3 * Math.max(1, Math.abs(lhs)));
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x), g)) as tf.Scalar, [layer.weight]);
    // dW[u,v,o,c] = sum g[b, i*s+u, j*s+v, o] x[b,i,j,c]: the filter gradient of conv(g) against x.
    const want = naiveFilterGrad(g, x, 5, 2);
    values(grads[layer.weight.name]!).forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(TOL));
    layer.dispose();
  });
});

describe('the spec conv nets (§6)', () => {
  it('trunk: 3x32x32 -> 128 features; decoder: 2 -> 3x32x32; every variable gets a gradient; no tensor leaks', () => {
    const trunk = new ConvTrunk([3, 32, 32], 1);
    const dec = new ConvDecoder(2, [3, 32, 32], 2);
    expect(trunk.outputSize).toBe(128);
    expect(Object.keys(trunk.namedVariables())).toHaveLength(8);
    expect(trunk.numParameters).toBe(3 * 16 * 9 + 16 + 16 * 32 * 16 + 32 + 32 * 64 * 25 + 64 + 64 * 128 * 25 + 128);
    expect(dec.numParameters).toBe(2 * 64 + 64 + 64 * 64 * 25 + 64 + 64 * 32 * 25 + 32 + 32 * 16 * 25 + 16 + 16 * 3 * 16 + 3);
    const x = tf.randomUniform([3, 3072], 0, 1, 'float32', 9);
    const vars = [...Object.values(trunk.namedVariables()), ...Object.values(dec.namedVariables())];
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.tidy(() => {
        const f = trunk.apply(x);
        expect(f.shape).toEqual([3, 128]);
        const out = dec.apply(tf.slice(f, [0, 0], [3, 2]));
        expect(out.shape).toEqual([3, 3072]);
        return tf.mean(tf.square(tf.sub(tf.sigmoid(out), x))) as tf.Scalar;
      }), vars);
      for (const v of vars) {
        const norm = tf.tidy(() => tf.sum(tf.abs(grads[v.name]!)));
        expect(norm.dataSync()[0]).toBeGreaterThan(0);
        norm.dispose();
      }
      value.dispose();
      tf.dispose(Object.values(grads));
    };
    step();
    expectNoLeak(step);
    trunk.dispose();
    dec.dispose();
    x.dispose();
  });

  it('a flat CHW row keeps its planes: the trunk reads channel c of pixel (i, j) at c*h*w + i*w + j', () => {
    // One red pixel at (0, 0) only: the first conv's response there must equal its red weights.
    const trunk = new ConvTrunk([3, 32, 32], 3);
    const pixel = new Float32Array(3072);
    pixel[0] = 1;
    const x = tf.tensor2d(pixel, [1, 3072]);
    const h = tf.tidy(() => tf.sub(trunk.layers[0]!.apply(tf.transpose(tf.reshape(x, [1, 3, 32, 32]), [0, 2, 3, 1])), trunk.layers[0]!.bias));
    // With padding 1, output (0, 0) sees input (0, 0) through kernel tap (1, 1), channel 0.
    const w = trunk.layers[0]!.weight.bufferSync();
    for (let o = 0; o < 16; o++) expect(h.bufferSync().get(0, 0, 0, o)).toBeCloseTo(w.get(1, 1, 0, o), 6);
    trunk.dispose();
  });

  it('trunkedMLP: without a trunk it is the plain MLP (same weights and names); with one, trunk.* then the MLP', () => {
    const opts = { inputSize: 3072, hidden: [8], outputs: [2, 2], seed: 5, name: 'encoder' };
    const plain = new MLP(opts);
    const same = trunkedMLP({ ...opts, trunk: { kind: 'mlp' } });
    expect(same).toBeInstanceOf(MLP);
    expect(values(same.namedVariables()['hidden0.weight']!)).toEqual(values(plain.namedVariables()['hidden0.weight']!));
    const conv = trunkedMLP({ ...opts, trunk: { kind: 'conv', shape: [3, 32, 32] } });
    expect(Object.keys(conv.namedVariables()).slice(0, 2)).toEqual(['trunk.conv0.weight', 'trunk.conv0.bias']);
    expect(conv.namedVariables()['hidden0.weight']!.shape).toEqual([128, 8]);
    const x = tf.randomUniform([2, 3072], 0, 1, 'float32', 1);
    expectNoLeak(() => tf.dispose(conv.apply(x)));
    expect(() => trunkedMLP({ ...opts, inputSize: 784, trunk: { kind: 'conv', shape: [3, 32, 32] } })).toThrow(/holds 3072 values, but the input has 784/);
    expect(() => new ConvTrunk([1, 8, 8], 1)).toThrow(ValidationError);
    for (const m of [plain, same, conv]) m.dispose();
  });
});
