import * as tf from '@tensorflow/tfjs-core';
import { ValidationError, checkPositive } from '../errors';
import { deserializeTensor, serializeTensor } from '../serialize';
import type { SerializedTensor } from '../types/serialized';

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
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
  private t = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(options: AdamOptions = {}) {
    this.learningRate = checkPositive('Adam', 'learningRate', options.learningRate ?? 1e-3);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = checkPositive('Adam', 'epsilon', options.epsilon ?? 1e-8);
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
        const m1 = tf.add(tf.mul(b1, m), tf.mul(1 - b1, g));
        const v1 = tf.add(tf.mul(b2, v), tf.mul(1 - b2, tf.square(g)));
        m.assign(m1);
        v.assign(v1);
        const denom = tf.add(tf.sqrt(tf.div(v1, vCorrection)), this.epsilon);
        w.assign(tf.sub(w, tf.mul(stepSize, tf.div(m1, denom))));
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
