import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, ValidationError, checkPositiveInt, invalid } from '@ddvi/core';
import type { SeedLike } from '@ddvi/core';
import { LAYER_ACTIVATIONS, applyActivation, fusable } from './activation';
import type { LayerActivation } from './activation';
import { fusedDense } from './dense_op';
import { isDenseFusionEnabled } from './fusion';

export interface DenseOptions {
  inputSize: number;
  outputSize: number;
  /** Root seed of the initialization (a SeedStream gives one draw from it). */
  seed: SeedLike;
  /** Label used in error messages. */
  name?: string;
}

/** Everything needed to rebuild a Dense layer (JSON); weights travel separately. */
export interface DenseConfig {
  inputSize: number;
  outputSize: number;
  seed: number;
  name: string;
}

/**
 * y = x W + b, with W: [inputSize, outputSize] and b: [outputSize], initialized like PyTorch's
 * `nn.Linear`: kaiming_uniform(a = sqrt(5)) for W, which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and
 * the same bound for b. The draws are tfjs seeded uniforms, so a seed gives the same weights on
 * every backend and run (not PyTorch's numbers: its generator differs).
 */
export class Dense {
  readonly config: DenseConfig;
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  private disposed = false;

  constructor(options: DenseOptions) {
    const name = checkName('Dense', options.name ?? 'Dense');
    checkPositiveInt(name, 'inputSize', options.inputSize);
    checkPositiveInt(name, 'outputSize', options.outputSize);
    const seed = resolveSeed(name, options.seed);
    this.config = { inputSize: options.inputSize, outputSize: options.outputSize, seed, name };
    const stream = new SeedStream(seed);
    const bound = 1 / Math.sqrt(options.inputSize);
    // Variables get tfjs' automatic unique names: a rebuilt module may coexist with the original.
    this.weight = tf.tidy(() =>
      tf.variable(tf.randomUniform([options.inputSize, options.outputSize], -bound, bound, 'float32', stream.next()), true),
    );
    this.bias = tf.tidy(() => tf.variable(tf.randomUniform([options.outputSize], -bound, bound, 'float32', stream.next()), true));
  }

  static fromConfig(config: DenseConfig): Dense {
    return new Dense(config);
  }

  /**
   * x W + b, then the activation, for x: [batch, inputSize]. Runs as one fused kernel (bias and
   * relu / leaky ReLU / sigmoid), under a gradient tape too, with its own backward pass (dense_op.ts).
   */
  apply(x: tf.Tensor, activation: LayerActivation = 'linear'): tf.Tensor2D {
    this.check(x);
    if (!LAYER_ACTIVATIONS.includes(activation)) invalid(this.config.name, 'activation', `one of ${LAYER_ACTIVATIONS.join(', ')}`, activation);
    return tf.tidy(() => denseForward(x as tf.Tensor2D, this.weight, this.bias, activation));
  }

  /** { weight, bias }: stable names for checkpoints (see serializeVariables / assignVariables). */
  namedVariables(): Record<string, tf.Variable> {
    return { weight: this.weight, bias: this.bias };
  }

  get numParameters(): number {
    return this.weight.size + this.bias.size;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.weight.dispose();
    this.bias.dispose();
  }

  private check(x: tf.Tensor): void {
    if (this.disposed) throw new ValidationError(`${this.config.name}: used after dispose()`);
    checkInput(this.config.name, x, this.config.inputSize);
  }
}

/** The layer computation, shared with MLP (which checks its input once). */
export function denseForward(x: tf.Tensor2D, weight: tf.Tensor, bias: tf.Tensor, activation: LayerActivation): tf.Tensor2D {
  if (!isDenseFusionEnabled()) return applyActivation(tf.add(tf.matMul(x, weight as tf.Tensor2D), bias), activation) as tf.Tensor2D;
  const f = fusable(activation);
  const y = fusedDense(x, weight as tf.Tensor2D, bias as tf.Tensor1D, f.activation, f.leakyreluAlpha);
  return f.fused ? y : (applyActivation(y, activation) as tf.Tensor2D);
}

export function checkInput(where: string, x: tf.Tensor, inputSize: number): void {
  if (!(x instanceof tf.Tensor)) invalid(where, 'x', 'a tf.Tensor', typeof x);
  if (x.rank !== 2 || x.shape[1] !== inputSize) {
    throw new ValidationError(`${where}: x must have shape [batch, ${inputSize}], got [${x.shape.join(', ')}]`);
  }
  if (x.dtype !== 'float32') invalid(where, 'x', 'float32', x.dtype);
}

export function checkName(where: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) invalid(where, 'name', 'a non-empty string', name);
  return name;
}

/** A number seed is used as is; a SeedStream contributes one draw (so the config stays JSON). */
export function resolveSeed(where: string, seed: SeedLike): number {
  if (seed instanceof SeedStream) return seed.next();
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    invalid(where, 'seed', 'an integer in [0, 2^32) or a SeedStream', seed);
  }
  return seed;
}
