import * as tf from '@tensorflow/tfjs-core';
import { ValidationError, checkPositive } from '../errors';
import { deserializeTensor, serializeTensor } from '../serialize';
import type { SerializedTensor } from '../types/serialized';
import { squaredNorm } from '../ops';
import { adamUpdate } from './adam_kernel';

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /**
   * Run the update of each small variable as one kernel where the backend has it (wasm, cpu;
   * default true; ./adam_kernel.ts), or every update as tfjs ops (false), or every update as the
   * kernel ('always'): the baselines the default is tested and timed against.
   */
  fused?: boolean | 'always';
  /**
   * Global gradient-norm clipping (PyTorch's `clip_grad_norm_`, Keras' `global_clipnorm`): when the
   * gradients of one update have a joint L2 norm above `clipNorm`, all of them are scaled by
   * clipNorm / norm first. Adam alone normalizes a gradient's scale only slowly (its second moment
   * has a ~1,000-step memory), so a single spike moves every weight by up to ~3 learning rates
   * (0.1 / sqrt(0.001), past the bias correction's warm-up), whatever the other steps said;
   * clipping caps what one bad batch can do. Default: no clipping.
   */
  clipNorm?: number;
}

export interface AdamState {
  step: number;
  m: Record<string, SerializedTensor>;
  v: Record<string, SerializedTensor>;
}

/**
 * Adam (Kingma & Ba 2015, https://arxiv.org/abs/1412.6980) with the update of PyTorch and
 * tf.train.adam: w -= lr * mhat / (sqrt(vhat) + eps). Ours rather than tf.train.adam because its
 * moments are keyed by our stable variable names, so checkpoints save and restore them exactly.
 */
export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly fused: boolean | 'always';
  readonly clipNorm: number | undefined;
  private t = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(options: AdamOptions = {}) {
    this.learningRate = checkPositive('Adam', 'learningRate', options.learningRate ?? 1e-3);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = checkPositive('Adam', 'epsilon', options.epsilon ?? 1e-8);
    this.fused = options.fused ?? true;
    this.clipNorm = options.clipNorm === undefined ? undefined : checkPositive('Adam', 'clipNorm', options.clipNorm);
    for (const [name, b] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(b >= 0 && b < 1)) throw new ValidationError(`Adam: ${name} must be in [0, 1), got ${b}`);
    }
  }

  get step(): number {
    return this.t;
  }

  /**
   * One update of `variables` along `grads` (same keys); missing gradients leave a variable as is.
   * `gradNorm`, the gradients' joint L2 norm when the caller has already read it (the trainer's
   * guard does), saves computing it again for `clipNorm`. `rateFactor` scales the learning rate of
   * this update alone (a schedule's factor, ../train/learning_rate_schedule.ts).
   */
  apply(variables: Record<string, tf.Variable>, grads: Record<string, tf.Tensor>, gradNorm?: number, rateFactor = 1): void {
    this.t += 1;
    const { beta1: b1, beta2: b2 } = this;
    const stepSize = (this.learningRate * rateFactor) / (1 - b1 ** this.t);
    const vCorrection = 1 - b2 ** this.t;
    const scale = this.clipScale(grads, gradNorm);
    tf.tidy(() => {
      for (const [name, raw] of Object.entries(grads)) {
        const w = variables[name];
        if (!w) throw new ValidationError(`Adam: gradient for unknown variable ${JSON.stringify(name)}`);
        const g = scale === 1 ? raw : tf.mul(raw, scale);
        const m = this.moment(this.m, name, w);
        const v = this.moment(this.v, name, w);
        const [w1, m1, v1] = adamUpdate(w, g, m, v, { beta1: b1, beta2: b2, stepSize, vCorrection, epsilon: this.epsilon }, this.fused);
        m.assign(m1);
        v.assign(v1);
        w.assign(w1);
      }
    });
  }

  state(): AdamState {
    const pack = (map: Map<string, tf.Variable>) => Object.fromEntries([...map].map(([k, t]) => [k, serializeTensor(t)]));
    return { step: this.t, m: pack(this.m), v: pack(this.v) };
  }

  loadState(state: AdamState): void {
    this.dispose();
    this.t = state.step;
    const restore = (map: Map<string, tf.Variable>, saved: Record<string, SerializedTensor>, label: string) => {
      for (const [k, s] of Object.entries(saved)) {
        const t = deserializeTensor(s, `Adam.${label}.${k}`);
        map.set(k, tf.variable(t, false));
        t.dispose();
      }
    };
    restore(this.m, state.m, 'm');
    restore(this.v, state.v, 'v');
  }

  dispose(): void {
    for (const t of this.m.values()) t.dispose();
    for (const t of this.v.values()) t.dispose();
    this.m.clear();
    this.v.clear();
  }

  /** The factor clipNorm asks of this update's gradients: 1 when not clipping or under the limit. */
  private clipScale(grads: Record<string, tf.Tensor>, gradNorm: number | undefined): number {
    if (this.clipNorm === undefined) return 1;
    const norm = gradNorm ?? globalNorm(Object.values(grads));
    return norm > this.clipNorm ? this.clipNorm / norm : 1;
  }

  private moment(map: Map<string, tf.Variable>, name: string, like: tf.Variable): tf.Variable {
    let t = map.get(name);
    if (!t) {
      t = tf.variable(tf.zerosLike(like), false);
      map.set(name, t);
    }
    return t;
  }
}

/** The joint L2 norm of a set of tensors (one host read). */
function globalNorm(ts: tf.Tensor[]): number {
  if (ts.length === 0) return 0;
  const n = tf.tidy(() => tf.sqrt(squaredNorm(ts)));
  const value = n.dataSync()[0]!;
  n.dispose();
  return value;
}
