import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, ValidationError, checkPositiveInt, checkShape } from '@ddvi/core';
import { Dense } from '@ddvi/nn';

export interface DenoiserOptions {
  /** d: size of y_t and of the predicted noise. */
  latentSize: number;
  /** c: size of the context a = Q2(x) concatenated to y_t (0 for an unconditional denoiser). */
  contextSize: number;
  /** T: one embedding row per step. */
  steps: number;
  width: number;
  /** Conditional layers (>= 2); a residual joins layer i to layer i - 2 for odd i >= 3. */
  layers: number;
  /** Output width, default latentSize (2 * latentSize when a variance head rides along). */
  outputSize?: number;
  seed: number;
}

/** The denoiser's variables, layer by layer (`ConditionalDenoiser.parameters`). */
export interface DenoiserParameters {
  /** Hidden layer i: x W + b + E[t - 1], then ReLU, plus layer i - 2's output for even i >= 2 (the residuals). */
  hidden: { weight: tf.Variable; bias: tf.Variable; embedding: tf.Variable }[];
  head: { weight: tf.Variable; bias: tf.Variable };
}

/** Whether hidden layer i (0-based) adds layer i - 2's output after its ReLU (layer 1 into layer 3, and on). */
export function hasResidual(i: number): boolean {
  return i >= 2 && i % 2 === 0;
}

/**
 * The reference's ConditionalModelWAUX (spec §6): eps(y_t, a, t) with every hidden layer
 * "conditional linear", Linear(h) + E_l[t], an embedding row per step, and ReLU; a residual from
 * layer 1 into layer 3 (generalized: layer i - 2 into every odd layer i >= 3); a linear head to d.
 * Steps use paper indexing 1..T.
 *
 * The embedding lookup is a one-hot matmul, not a gather: tfjs' gather gradient with respect to
 * its params throws on the wasm backend (docs/tfjs-traps.md).
 */
export class ConditionalDenoiser {
  readonly options: DenoiserOptions;
  private readonly hidden: Dense[];
  private readonly embeddings: tf.Variable[];
  private readonly head: Dense;

  constructor(options: DenoiserOptions) {
    const name = 'ConditionalDenoiser';
    checkPositiveInt(name, 'latentSize', options.latentSize);
    checkPositiveInt(name, 'steps', options.steps);
    checkPositiveInt(name, 'width', options.width);
    if (options.outputSize !== undefined) checkPositiveInt(name, 'outputSize', options.outputSize);
    if (!(Number.isInteger(options.contextSize) && options.contextSize >= 0)) {
      throw new ValidationError(`${name}: contextSize must be an integer >= 0, got ${options.contextSize}`);
    }
    if (!(Number.isInteger(options.layers) && options.layers >= 2)) throw new ValidationError(`${name}: layers must be an integer >= 2, got ${options.layers}`);
    this.options = { ...options };
    const seeds = new SeedStream(options.seed);
    const { latentSize: d, contextSize: c, width: w, steps: T } = options;
    this.hidden = Array.from({ length: options.layers }, (_, i) => new Dense({ inputSize: i === 0 ? d + c : w, outputSize: w, seed: seeds.next(), name: `denoiser.layer${i}` }));
    // PyTorch's nn.Embedding here is initialized U[0, 1) (the reference's ConditionalLinear).
    this.embeddings = this.hidden.map(() => tf.tidy(() => tf.variable(tf.randomUniform([T, w], 0, 1, 'float32', seeds.next()), true)));
    this.head = new Dense({ inputSize: w, outputSize: options.outputSize ?? d, seed: seeds.next(), name: 'denoiser.head' });
  }

  /**
   * Predicted noise [B, outputSize] for y_t [B, d], context [B, c] and step t (one number for the batch, or
   * int32 [B] in 1..T).
   */
  apply(yt: tf.Tensor2D, context: tf.Tensor2D | undefined, t: number | tf.Tensor1D): tf.Tensor2D {
    const { latentSize: d, contextSize: c, steps: T } = this.options;
    checkShape('ConditionalDenoiser', 'yt', yt.shape, [null, d]);
    const B = yt.shape[0];
    if (c > 0) {
      if (!context) throw new ValidationError(`ConditionalDenoiser: context of shape [${B}, ${c}] is required (contextSize = ${c})`);
      checkShape('ConditionalDenoiser', 'context', context.shape, [B, c]);
    }
    return tf.tidy(() => {
      const select = this.stepSelector(t, B, T);
      let h: tf.Tensor2D = c > 0 ? (tf.concat([yt, context!], 1) as tf.Tensor2D) : yt;
      const outs: tf.Tensor2D[] = [];
      this.hidden.forEach((layer, i) => {
        const pre = tf.add(layer.apply(h), tf.matMul(select, this.embeddings[i]!));
        let out = tf.relu(pre) as tf.Tensor2D;
        if (hasResidual(i)) out = tf.add(out, outs[i - 2]!) as tf.Tensor2D;
        outs.push(out);
        h = out;
      });
      return this.head.apply(h);
    });
  }

  /**
   * The layers' variables in order (hidden layers with their step embeddings, then the head), for
   * code that runs the same network another way (the DDVI posterior's fused reverse chain).
   */
  parameters(): DenoiserParameters {
    return {
      hidden: this.hidden.map((layer, i) => ({ weight: layer.weight, bias: layer.bias, embedding: this.embeddings[i]! })),
      head: { weight: this.head.weight, bias: this.head.bias },
    };
  }

  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    this.hidden.forEach((layer, i) => {
      out[`layer${i}.weight`] = layer.weight;
      out[`layer${i}.bias`] = layer.bias;
      out[`layer${i}.embedding`] = this.embeddings[i]!;
    });
    out['head.weight'] = this.head.weight;
    out['head.bias'] = this.head.bias;
    return out;
  }

  dispose(): void {
    this.hidden.forEach((l) => l.dispose());
    this.embeddings.forEach((e) => e.dispose());
    this.head.dispose();
  }

  /** [1, T] (a shared step) or [B, T] one-hot rows selecting each example's embedding row. */
  private stepSelector(t: number | tf.Tensor1D, B: number, T: number): tf.Tensor2D {
    if (typeof t === 'number') {
      if (!(Number.isInteger(t) && t >= 1 && t <= T)) throw new ValidationError(`ConditionalDenoiser: t must be an integer in 1..${T}, got ${t}`);
      const row = new Float32Array(T);
      row[t - 1] = 1;
      return tf.tensor2d(row, [1, T]);
    }
    checkShape('ConditionalDenoiser', 't', t.shape, [B]);
    if (T === 1) return tf.ones([B, 1]); // tf.oneHot needs depth >= 2.
    // oneHot to int32 then cast: tf.oneHot(..., 'float32') is broken on wasm (docs/tfjs-traps.md).
    return tf.cast(tf.oneHot(tf.sub(tf.cast(t, 'int32'), tf.scalar(1, 'int32')) as tf.Tensor1D, T), 'float32') as tf.Tensor2D;
  }
}
