import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, ValidationError, checkPositiveInt, invalid } from '@ddvi/core';
import type { SeedLike } from '@ddvi/core';
import { ensureConvGradients } from './conv_gradients';
import { checkName, resolveSeed } from './dense';

export interface ConvOptions {
  inChannels: number;
  outChannels: number;
  /** Square kernel size. */
  kernel: number;
  /** Default 1. */
  stride?: number;
  /** Zeros added on every side before a Conv2D (not used by ConvTranspose2D), default 0. */
  padding?: number;
  seed: SeedLike;
  name?: string;
}

/** Everything needed to rebuild a conv layer (JSON); weights travel separately. */
export interface ConvConfig {
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  padding: number;
  seed: number;
  name: string;
}

function resolve(where: string, o: ConvOptions): ConvConfig {
  const name = checkName(where, o.name ?? where);
  checkPositiveInt(name, 'inChannels', o.inChannels);
  checkPositiveInt(name, 'outChannels', o.outChannels);
  checkPositiveInt(name, 'kernel', o.kernel);
  const stride = o.stride ?? 1;
  checkPositiveInt(name, 'stride', stride);
  const padding = o.padding ?? 0;
  if (!Number.isInteger(padding) || padding < 0) invalid(name, 'padding', 'an integer >= 0', padding);
  return { inChannels: o.inChannels, outChannels: o.outChannels, kernel: o.kernel, stride, padding, seed: resolveSeed(name, o.seed), name };
}

/** U(-1/sqrt(fan_in), 1/sqrt(fan_in)) weights and bias: PyTorch's default for its conv layers. */
function init(shape: number[], fanIn: number, outChannels: number, seed: number): [tf.Variable, tf.Variable] {
  const stream = new SeedStream(seed);
  const bound = 1 / Math.sqrt(fanIn);
  const w = tf.tidy(() => tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', stream.next()), true));
  const b = tf.tidy(() => tf.variable(tf.randomUniform([outChannels], -bound, bound, 'float32', stream.next()), true));
  return [w, b];
}

function check4d(where: string, x: tf.Tensor, channels: number): void {
  if (!(x instanceof tf.Tensor) || x.rank !== 4 || x.shape[3] !== channels) {
    throw new ValidationError(`${where}: x must have shape [batch, height, width, ${channels}] (NHWC), got ${x instanceof tf.Tensor ? `[${x.shape.join(', ')}]` : typeof x}`);
  }
}

/**
 * A 2-D convolution, NHWC, weights [k, k, in, out], initialized like PyTorch's `nn.Conv2d`. The
 * gradient with respect to the weights runs as a dilated convolution (./conv_gradients.ts), so it
 * trains on the wasm backend, which lacks tfjs' filter-gradient kernel.
 */
export class Conv2D {
  readonly config: ConvConfig;
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  private disposed = false;

  constructor(options: ConvOptions) {
    ensureConvGradients();
    this.config = resolve('Conv2D', options);
    const { kernel: k, inChannels, outChannels } = this.config;
    [this.weight, this.bias] = init([k, k, inChannels, outChannels], inChannels * k * k, outChannels, this.config.seed);
  }

  /** Output height/width for an input of `size` pixels. */
  outputSize(size: number): number {
    const { kernel, stride, padding } = this.config;
    return Math.floor((size + 2 * padding - kernel) / stride) + 1;
  }

  /** conv(x) + bias for x: [batch, h, w, inChannels]; the caller applies the activation. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    if (this.disposed) throw new ValidationError(`${this.config.name}: used after dispose()`);
    check4d(this.config.name, x, this.config.inChannels);
    const { padding: p, stride } = this.config;
    return tf.tidy(() => {
      const padded = p > 0 ? tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]) : x;
      return tf.add(tf.conv2d(padded, this.weight as tf.Tensor4D, stride, 'valid'), this.bias) as tf.Tensor4D;
    });
  }

  namedVariables(): Record<string, tf.Variable> {
    return { weight: this.weight, bias: this.bias };
  }

  get numParameters(): number {
    return this.weight.size + this.bias.size;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.weight.dispose();
    this.bias.dispose();
  }
}

/**
 * A transposed 2-D convolution ('valid': out = (in - 1) * stride + kernel), NHWC, weights
 * [k, k, out, in], initialized like PyTorch's `nn.ConvTranspose2d` (fan_in = out x k x k, as
 * PyTorch computes it from its [in, out, k, k] weight).
 */
export class ConvTranspose2D {
  readonly config: ConvConfig;
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  private disposed = false;

  constructor(options: ConvOptions) {
    ensureConvGradients();
    this.config = resolve('ConvTranspose2D', options);
    if (this.config.padding !== 0) invalid(this.config.name, 'padding', '0 (transposed convolutions here are unpadded)', this.config.padding);
    const { kernel: k, inChannels, outChannels } = this.config;
    [this.weight, this.bias] = init([k, k, outChannels, inChannels], outChannels * k * k, outChannels, this.config.seed);
  }

  outputSize(size: number): number {
    return (size - 1) * this.config.stride + this.config.kernel;
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    if (this.disposed) throw new ValidationError(`${this.config.name}: used after dispose()`);
    check4d(this.config.name, x, this.config.inChannels);
    const [b, h, w] = x.shape;
    const out: [number, number, number, number] = [b, this.outputSize(h), this.outputSize(w), this.config.outChannels];
    // Measured on wasm: this kernel plus the rewritten gradient (./conv_gradients.ts) ran the decoder's backward pass
    // ~10x faster than expressing the transposed convolution as phase-wise stride-1 conv2d calls.
    return tf.tidy(() => tf.add(tf.conv2dTranspose(x, this.weight as tf.Tensor4D, out, this.config.stride, 'valid'), this.bias) as tf.Tensor4D);
  }

  namedVariables(): Record<string, tf.Variable> {
    return { weight: this.weight, bias: this.bias };
  }

  get numParameters(): number {
    return this.weight.size + this.bias.size;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.weight.dispose();
    this.bias.dispose();
  }
}
