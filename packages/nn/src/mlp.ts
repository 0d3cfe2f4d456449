import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, ValidationError, checkPositiveInt, invalid, toSeedStream } from '@ddvi/core';
import type { SeedLike } from '@ddvi/core';
import { ACTIVATIONS, OUTPUT_ACTIVATIONS } from './activation';
import type { Activation, OutputActivation } from './activation';
import { Dense, checkInput, checkName, denseForward, resolveSeed } from './dense';

export interface MLPOptions {
  inputSize: number;
  /** Hidden widths, e.g. [1000, 1000]; may be empty (then each head is linear in x). */
  hidden: number[];
  /** One linear head per entry, e.g. [2, 2] for (mu, logvar). */
  outputs: number[];
  /** Hidden activation, default 'leakyRelu' (slope 0.2). */
  activation?: Activation;
  /** Dropout probability after every hidden activation, default 0. */
  dropout?: number;
  /** Per head (or one value for all heads), default 'none'. */
  outputActivation?: OutputActivation | OutputActivation[];
  /** Root seed of the initialization (a SeedStream gives one draw from it). */
  seed: SeedLike;
  /** Label used in error messages, default 'MLP'. */
  name?: string;
}

/** Everything needed to rebuild an MLP (JSON); weights travel separately (namedVariables). */
export interface MLPConfig {
  inputSize: number;
  hidden: number[];
  outputs: number[];
  activation: Activation;
  dropout: number;
  outputActivation: OutputActivation[];
  seed: number;
  name: string;
}

export interface ApplyOptions {
  /** Dropout is applied only when true (default false). */
  training?: boolean;
  /** Seeds the dropout masks; required when training with dropout > 0. */
  seed?: SeedLike;
}

/**
 * The DDVI reference's MultiWayLinear: for each hidden width, Linear -> activation -> dropout(p);
 * then one Linear head per output (optionally followed by a sigmoid). Layers are initialized like
 * PyTorch's nn.Linear (see Dense). Note the reference keeps dropout on at evaluation too
 * (functional dropout with training=True); callers that want that pass `training: true`.
 *
 * @example
 * const enc = new MLP({ inputSize: 784, hidden: [1000, 1000], outputs: [2, 2], dropout: 0.2, seed: 1, name: 'encoder' });
 * const [mu, logvar] = enc.apply(x, { training: true, seed: stream });
 */
export class MLP {
  readonly config: MLPConfig;
  readonly hiddenLayers: readonly Dense[];
  readonly heads: readonly Dense[];
  private disposed = false;

  constructor(options: MLPOptions) {
    const where = checkName('MLP', options.name ?? 'MLP');
    checkPositiveInt(where, 'inputSize', options.inputSize);
    const hidden = checkSizes(where, 'hidden', options.hidden, true);
    const outputs = checkSizes(where, 'outputs', options.outputs, false);
    const activation = options.activation ?? 'leakyRelu';
    if (!ACTIVATIONS.includes(activation)) invalid(where, 'activation', `one of ${ACTIVATIONS.join(', ')}`, activation);
    const dropout = options.dropout ?? 0;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) invalid(where, 'dropout', 'a number in [0, 1)', dropout);
    const outputActivation = checkOutputActivation(where, options.outputActivation ?? 'none', outputs.length);
    const seed = resolveSeed(where, options.seed);
    this.config = { inputSize: options.inputSize, hidden, outputs, activation, dropout, outputActivation, seed, name: where };

    const root = new SeedStream(seed);
    const layers: Dense[] = [];
    const heads: Dense[] = [];
    try {
      let width = options.inputSize;
      hidden.forEach((h, i) => {
        layers.push(new Dense({ inputSize: width, outputSize: h, seed: root.fork(`hidden${i}`).next(), name: `${where}.hidden${i}` }));
        width = h;
      });
      outputs.forEach((o, i) => {
        heads.push(new Dense({ inputSize: width, outputSize: o, seed: root.fork(`head${i}`).next(), name: `${where}.head${i}` }));
      });
    } catch (e) {
      for (const l of [...layers, ...heads]) l.dispose();
      throw e;
    }
    this.hiddenLayers = layers;
    this.heads = heads;
  }

  static fromConfig(config: MLPConfig): MLP {
    return new MLP(config);
  }

  /**
   * The head outputs for x: [batch, inputSize], in the order of `outputs`. With `training` and
   * dropout > 0, one seed per hidden layer is drawn from `seed`.
   */
  apply(x: tf.Tensor, options: ApplyOptions = {}): tf.Tensor2D[] {
    const where = this.config.name;
    if (this.disposed) throw new ValidationError(`${where}: used after dispose()`);
    checkInput(where, x, this.config.inputSize);
    const { activation, dropout, outputActivation } = this.config;
    const drop = options.training === true && dropout > 0;
    let seeds: SeedStream | undefined;
    if (drop) {
      if (options.seed === undefined) invalid(where, 'seed', 'given when training with dropout > 0', undefined);
      seeds = toSeedStream(options.seed);
    }
    return tf.tidy(() => {
      let h = x as tf.Tensor2D;
      for (const layer of this.hiddenLayers) {
        h = denseForward(h, layer.weight, layer.bias, activation);
        if (seeds) h = tf.dropout(h, dropout, undefined, seeds.next()) as tf.Tensor2D;
      }
      return this.heads.map((head, i) =>
        denseForward(h, head.weight, head.bias, outputActivation[i] === 'sigmoid' ? 'sigmoid' : 'linear'),
      );
    });
  }

  /** Stable names: hidden0.weight, hidden0.bias, ..., head0.weight, head0.bias, ... */
  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    this.hiddenLayers.forEach((l, i) => {
      out[`hidden${i}.weight`] = l.weight;
      out[`hidden${i}.bias`] = l.bias;
    });
    this.heads.forEach((l, i) => {
      out[`head${i}.weight`] = l.weight;
      out[`head${i}.bias`] = l.bias;
    });
    return out;
  }

  /** The trainable variables, for an optimizer's var list. */
  variables(): tf.Variable[] {
    return Object.values(this.namedVariables());
  }

  get numParameters(): number {
    return [...this.hiddenLayers, ...this.heads].reduce((n, l) => n + l.numParameters, 0);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const l of [...this.hiddenLayers, ...this.heads]) l.dispose();
  }
}

function checkSizes(where: string, param: string, sizes: unknown, allowEmpty: boolean): number[] {
  const ok =
    Array.isArray(sizes) && (allowEmpty || sizes.length > 0) && sizes.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 1);
  if (!ok) invalid(where, param, allowEmpty ? 'an array of integers >= 1' : 'a non-empty array of integers >= 1', sizes);
  return [...(sizes as number[])];
}

function checkOutputActivation(where: string, value: unknown, heads: number): OutputActivation[] {
  const list = Array.isArray(value) ? value : Array.from({ length: heads }, () => value);
  if (list.length !== heads) invalid(where, 'outputActivation', `one value or an array of ${heads} (one per head)`, value);
  for (const v of list) {
    if (!OUTPUT_ACTIVATIONS.includes(v as OutputActivation)) {
      invalid(where, 'outputActivation', `${OUTPUT_ACTIVATIONS.map((a) => JSON.stringify(a)).join(' or ')} per head`, value);
    }
  }
  return list as OutputActivation[];
}
