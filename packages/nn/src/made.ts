import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, ValidationError, checkPositiveInt, invalid } from '@ddvi/core';
import type { SeedLike } from '@ddvi/core';
import { ACTIVATIONS, applyActivation } from './activation';
import type { Activation } from './activation';
import { Dense, checkInput, checkName, denseForward, resolveSeed } from './dense';
import { hiddenMask, madeDegrees, outputMask } from './made_degrees';
import type { MadeDegrees, MadeOrdering } from './made_degrees';
import { MaskedDense } from './masked_dense';

export interface MADEOptions {
  /** d, the autoregressive dimension. */
  inputSize: number;
  /** Masked hidden widths, at least one (the reference IAF uses [128, 128, 128]). */
  hidden: number[];
  /** Outputs per input dimension, e.g. 2 for (shift, log-scale). */
  outputMultiplier: number;
  /**
   * Size of an unmasked context vector (the encoder's h), added through its own linear map to the
   * first hidden layer before its activation, as the reference IAF does. 0: no context.
   */
  contextSize?: number;
  /** Input ordering, default 'natural'; 'random' draws a seeded permutation. */
  ordering?: MadeOrdering;
  /** Hidden activation, default 'relu' (the reference MADE). */
  activation?: Activation;
  seed: SeedLike;
  name?: string;
}

/** Everything needed to rebuild a MADE (JSON); weights travel separately. */
export interface MADEConfig {
  inputSize: number;
  hidden: number[];
  outputMultiplier: number;
  contextSize: number;
  ordering: number[];
  activation: Activation;
  seed: number;
  name: string;
}

/**
 * MADE, the masked autoencoder for distribution estimation (Germain et al. 2015,
 * https://arxiv.org/abs/1502.03509): an MLP whose masks make output block j, dimension i, depend
 * only on inputs that come before i in the ordering (never on input i itself). One pass therefore
 * gives every conditional's parameters, which is what IAF and MAF steps need.
 *
 * @example
 * const made = new MADE({ inputSize: 2, hidden: [128, 128, 128], outputMultiplier: 2, contextSize: 10, ordering: 'random', seed: 0 });
 * const [s, t] = made.apply(z, h); // each [batch, 2], in input order
 */
export class MADE {
  readonly config: MADEConfig;
  readonly degrees: MadeDegrees;
  private readonly layers: MaskedDense[] = [];
  private readonly output: MaskedDense;
  private readonly context?: Dense;
  private disposed = false;

  constructor(options: MADEOptions) {
    const name = checkName('MADE', options.name ?? 'MADE');
    const d = checkPositiveInt(name, 'inputSize', options.inputSize);
    const hidden = options.hidden;
    if (!Array.isArray(hidden) || hidden.length === 0 || !hidden.every((h) => Number.isInteger(h) && h >= 1)) {
      invalid(name, 'hidden', 'a non-empty array of integers >= 1', hidden);
    }
    const k = checkPositiveInt(name, 'outputMultiplier', options.outputMultiplier);
    const contextSize = options.contextSize ?? 0;
    if (!Number.isInteger(contextSize) || contextSize < 0) invalid(name, 'contextSize', 'an integer >= 0', contextSize);
    const activation = options.activation ?? 'relu';
    if (!ACTIVATIONS.includes(activation)) invalid(name, 'activation', `one of ${ACTIVATIONS.join(', ')}`, activation);
    const seed = resolveSeed(name, options.seed);
    const root = new SeedStream(seed);
    this.degrees = madeDegrees(name, d, hidden, options.ordering ?? 'natural', root.fork('degrees').next());
    this.config = { inputSize: d, hidden: [...hidden], outputMultiplier: k, contextSize, ordering: this.degrees.input, activation, seed, name };

    const created: { dispose(): void }[] = [];
    try {
      let from = this.degrees.input;
      hidden.forEach((width, i) => {
        const to = this.degrees.hidden[i]!;
        const layer = new MaskedDense({
          inputSize: from.length, outputSize: width, seed: root.fork(`layer${i}`).next(), name: `${name}.layer${i}`, mask: hiddenMask(from, to),
        });
        created.push(layer);
        this.layers.push(layer);
        from = to;
      });
      // Output block j repeats the input degrees, so every block is autoregressive in the same order.
      const outDegrees = Array.from({ length: k }, () => this.degrees.input).flat();
      this.output = new MaskedDense({
        inputSize: from.length, outputSize: k * d, seed: root.fork('output').next(), name: `${name}.output`, mask: outputMask(from, outDegrees),
      });
      created.push(this.output);
      if (contextSize > 0) {
        this.context = new Dense({ inputSize: contextSize, outputSize: hidden[0]!, seed: root.fork('context').next(), name: `${name}.context` });
      }
    } catch (e) {
      for (const c of created) c.dispose();
      throw e;
    }
  }

  static fromConfig(config: MADEConfig): MADE {
    return new MADE(config);
  }

  /**
   * The `outputMultiplier` parameter blocks for x: [batch, inputSize] (and context: [batch,
   * contextSize] when the MADE has one), each [batch, inputSize] in input order.
   */
  apply(x: tf.Tensor, context?: tf.Tensor): tf.Tensor2D[] {
    const { name, contextSize, inputSize, outputMultiplier, activation } = this.config;
    if (this.disposed) throw new ValidationError(`${name}: used after dispose()`);
    checkInput(name, x, inputSize);
    if (contextSize > 0) {
      if (context === undefined) throw new ValidationError(`${name}: context of shape [batch, ${contextSize}] is required`);
      checkInput(`${name} (context)`, context, contextSize);
      if (context.shape[0] !== x.shape[0]) {
        throw new ValidationError(`${name}: context must have shape [${x.shape[0]}, ${contextSize}] (one row per row of x), got [${context.shape.join(', ')}]`);
      }
    } else if (context !== undefined) {
      throw new ValidationError(`${name}: this MADE was built without context (contextSize 0) but was given one`);
    }
    return tf.tidy(() => {
      let h = x as tf.Tensor2D;
      this.layers.forEach((layer, i) => {
        const pre = denseForward(h, tf.mul(layer.dense.weight, layer.mask), layer.dense.bias, 'linear');
        const withContext = i === 0 && this.context ? tf.add(pre, denseForward(context as tf.Tensor2D, this.context.weight, this.context.bias, 'linear')) : pre;
        h = applyActivation(withContext, activation) as tf.Tensor2D;
      });
      const out = this.output.apply(h);
      return tf.split(out, outputMultiplier, 1) as tf.Tensor2D[];
    });
  }

  /** Stable names: layer0.weight, ..., output.weight, output.bias, context.weight, context.bias. */
  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    this.layers.forEach((l, i) => {
      out[`layer${i}.weight`] = l.dense.weight;
      out[`layer${i}.bias`] = l.dense.bias;
    });
    out['output.weight'] = this.output.dense.weight;
    out['output.bias'] = this.output.dense.bias;
    if (this.context) {
      out['context.weight'] = this.context.weight;
      out['context.bias'] = this.context.bias;
    }
    return out;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const l of this.layers) l.dispose();
    this.output.dispose();
    this.context?.dispose();
  }
}

