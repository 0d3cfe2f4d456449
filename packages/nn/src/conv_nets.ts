import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, ValidationError, checkPositiveInt } from '@ddvi/core';
import type { SeedLike } from '@ddvi/core';
import { Conv2D, ConvTranspose2D } from './conv';
import { Dense, checkInput, denseForward, resolveSeed } from './dense';

/** An image's shape [channels, height, width]; flat inputs hold it plane by plane (CHW), as CIFAR-10's files do. */
export type ImageShape = [number, number, number];

export function checkImageShape(where: string, shape: unknown): ImageShape {
  const ok = Array.isArray(shape) && shape.length === 3 && shape.every((s) => Number.isInteger(s) && s >= 1);
  if (!ok) throw new ValidationError(`${where}: shape must be [channels, height, width] (integers >= 1), got ${JSON.stringify(shape)}`);
  return [...(shape as number[])] as ImageShape;
}

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Flat CHW rows [b, c*h*w] as an NHWC batch [b, h, w, c] for tfjs' convolutions. */
export function toNhwc(x: tf.Tensor2D, [c, h, w]: ImageShape): tf.Tensor4D {
  return tf.transpose(tf.reshape(x, [x.shape[0], c, h, w]), [0, 2, 3, 1]);
}

/** An NHWC batch back to flat CHW rows. */
export function fromNhwc(x: tf.Tensor4D): tf.Tensor2D {
  const [b, h, w, c] = x.shape;
  return tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [b, c * h * w]);
}

/** The conv trunk's layers (spec §6, ConvNet): [out channels, kernel, stride, padding]. */
const TRUNK_LAYERS: readonly [number, number, number, number][] = [[16, 3, 1, 1], [32, 4, 2, 0], [64, 5, 2, 0], [128, 5, 2, 0]];

/**
 * The spec's convolutional trunk (§6, the reference's ConvNet): Conv(c->16, k3, s1, p1) ->
 * Conv(16->32, k4, s2) -> Conv(32->64, k5, s2) -> Conv(64->128, k5, s2), each followed by ReLU;
 * 3x32x32 ends at 128x1x1, flattened to 128 features. Takes flat CHW rows.
 *
 * Warning: no BatchNorm. The reference puts one after every conv; its running statistics are
 * state updated outside the gradient, which our posterior and model interfaces have no hook for,
 * and at these depths PyTorch-style initialization trains without it.
 */
export class ConvTrunk {
  readonly shape: ImageShape;
  readonly outputSize: number;
  readonly inputSize: number;
  readonly layers: readonly Conv2D[];
  private disposed = false;

  constructor(shape: ImageShape, seed: SeedLike, readonly name = 'trunk') {
    this.shape = checkImageShape(name, shape);
    const root = new SeedStream(resolveSeed(name, seed));
    this.inputSize = prod(this.shape);
    let [c, h, w] = this.shape;
    const layers: Conv2D[] = [];
    for (const [i, [out, kernel, stride, padding]] of TRUNK_LAYERS.entries()) {
      const layer = new Conv2D({ inChannels: c, outChannels: out, kernel, stride, padding, seed: root.fork(`conv${i}`).next(), name: `${name}.conv${i}` });
      layers.push(layer);
      [c, h, w] = [out, layer.outputSize(h), layer.outputSize(w)];
      if (h < 1 || w < 1) {
        for (const l of layers) l.dispose();
        throw new ValidationError(`${name}: image shape [${shape.join(', ')}] is too small for the conv trunk (layer ${i} would output ${h}x${w})`);
      }
    }
    this.layers = layers;
    this.outputSize = c * h * w;
  }

  /** Features [batch, outputSize] of flat CHW rows x [batch, c*h*w]. */
  apply(x: tf.Tensor): tf.Tensor2D {
    if (this.disposed) throw new ValidationError(`${this.name}: used after dispose()`);
    checkInput(this.name, x, this.inputSize);
    return tf.tidy(() => {
      let h = toNhwc(x as tf.Tensor2D, this.shape);
      for (const layer of this.layers) h = tf.relu(layer.apply(h));
      return tf.reshape(h, [h.shape[0], this.outputSize]) as tf.Tensor2D;
    });
  }

  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    this.layers.forEach((l, i) => {
      out[`conv${i}.weight`] = l.weight;
      out[`conv${i}.bias`] = l.bias;
    });
    return out;
  }

  get numParameters(): number {
    return this.layers.reduce((n, l) => n + l.numParameters, 0);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const l of this.layers) l.dispose();
  }
}

/** The decoder's transposed convolutions (spec §6): [out channels (0: the image's), kernel, stride]. */
const DECODER_LAYERS: readonly [number, number, number][] = [[64, 5, 2], [32, 5, 2], [16, 5, 2], [0, 4, 1]];

/**
 * The spec's convolutional decoder (§6): Linear(d -> 64) + ReLU -> 64x1x1 -> ConvT(64->64, k5, s2)
 * [5x5] -> ConvT(64->32, k5, s2) [13x13] -> ConvT(32->16, k5, s2) [29x29] -> ConvT(16->c, k4, s1)
 * [32x32], ReLU between; returns the last layer's raw output as flat CHW rows (the likelihood
 * applies the sigmoid). Only 32x32 images, like the reference. No BatchNorm (see ConvTrunk).
 */
export class ConvDecoder {
  readonly shape: ImageShape;
  readonly outputSize: number;
  readonly input: Dense;
  readonly layers: readonly ConvTranspose2D[];
  private disposed = false;

  constructor(readonly latentSize: number, shape: ImageShape, seed: SeedLike, readonly name = 'decoder') {
    checkPositiveInt(name, 'latentSize', latentSize);
    this.shape = checkImageShape(name, shape);
    if (this.shape[1] !== 32 || this.shape[2] !== 32) {
      throw new ValidationError(`${name}: the conv decoder makes 32x32 images (spec §6), got shape [${shape.join(', ')}]`);
    }
    const root = new SeedStream(resolveSeed(name, seed));
    this.input = new Dense({ inputSize: latentSize, outputSize: 64, seed: root.fork('input').next(), name: `${name}.input` });
    let c = 64;
    this.layers = DECODER_LAYERS.map(([out, kernel, stride], i) => {
      const layer = new ConvTranspose2D({ inChannels: c, outChannels: out || this.shape[0], kernel, stride, seed: root.fork(`deconv${i}`).next(), name: `${name}.deconv${i}` });
      c = out;
      return layer;
    });
    this.outputSize = prod(this.shape);
  }

  /** Raw outputs [batch, c*32*32] (CHW) for z [batch, latentSize]. */
  apply(z: tf.Tensor): tf.Tensor2D {
    if (this.disposed) throw new ValidationError(`${this.name}: used after dispose()`);
    checkInput(this.name, z, this.latentSize);
    return tf.tidy(() => {
      const h0 = denseForward(z as tf.Tensor2D, this.input.weight, this.input.bias, 'relu');
      let h = tf.reshape(h0, [h0.shape[0], 1, 1, 64]) as tf.Tensor4D;
      this.layers.forEach((layer, i) => {
        h = layer.apply(h);
        if (i < this.layers.length - 1) h = tf.relu(h);
      });
      return fromNhwc(h);
    });
  }

  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = { 'input.weight': this.input.weight, 'input.bias': this.input.bias };
    this.layers.forEach((l, i) => {
      out[`deconv${i}.weight`] = l.weight;
      out[`deconv${i}.bias`] = l.bias;
    });
    return out;
  }

  get numParameters(): number {
    return this.input.numParameters + this.layers.reduce((n, l) => n + l.numParameters, 0);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.input.dispose();
    for (const l of this.layers) l.dispose();
  }
}
