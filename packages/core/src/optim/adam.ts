import * as tf from '@tensorflow/tfjs-core';
import { ValidationError, checkPositive } from '../errors';
import { deserializeTensor, serializeTensor } from '../serialize';
import type { SerializedTensor } from '../types/serialized';
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
  private t = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(options: AdamOptions = {}) {
    this.learningRate = checkPositive('Adam', 'learningRate', options.learningRate ?? 1e-3);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = checkPositive('Adam', 'epsilon', options.epsilon ?? 1e-8);
    this.fused = options.fused ?? true;
    for (const [name, b] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(b >= 0 && b < 1)) throw new ValidationError(`Adam: ${name} must be in [0, 1), got ${b}`);
    }
  }

  get step(): number {
    return this.t;
  }

  /** One update of `variables` along `grads` (same keys); missing gradients leave a variable as is. */
  apply(variables: Record<string, tf.Variable>, grads: Record<string, tf.Tensor>): void {
    this.t += 1;
    const { beta1: b1, beta2: b2 } = this;
    const stepSize = this.learningRate / (1 - b1 ** this.t);
    const vCorrection = 1 - b2 ** this.t;
    tf.tidy(() => {
      for (const [name, g] of Object.entries(grads)) {
        const w = variables[name];
        if (!w) throw new ValidationError(`Adam: gradient for unknown variable ${JSON.stringify(name)}`);
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

  private moment(map: Map<string, tf.Variable>, name: string, like: tf.Variable): tf.Variable {
    let t = map.get(name);
    if (!t) {
      t = tf.variable(tf.zerosLike(like), false);
      map.set(name, t);
    }
    return t;
  }
}
