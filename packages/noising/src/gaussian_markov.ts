import * as tf from '@tensorflow/tfjs-core';
import { LOG_2PI, ValidationError, invalid, tidy, toSeedStream } from '@ddvi/core';
import type { SeedLike } from '@ddvi/core';
import { deriveMarkovTables } from './markov_tables';
import type { GaussianMarkovTables, TableName } from './markov_tables';
import type { GaussianParams, MarginalSample, NoisingProcess, StepInput } from './types';


/**
 * A linear-Gaussian Markov noising process built from float64 tables: the shared implementation
 * behind GaussianDiffusion and VarianceExploding, and the easiest way to write a custom process
 * (subclass it, or call the constructor, with your own a_t and b_t). All derived quantities
 * (marginals r(y_t | y_0) = N(m_t y_0, s2_t), posterior coefficients, DDIM coefficients, log
 * variances) are computed in float64 on the host and stored as float32 [T + 1, dim] tensors,
 * row t for step t (row 0 is the identity step y_0 -> y_0). The process owns them: dispose().
 */
export class GaussianMarkovProcess implements NoisingProcess {
  readonly T: number;
  /** 1 or d: the number of coordinates the coefficients are given for. */
  readonly dim: number;
  /** Float64 host copies of the tables, [T + 1, dim] row-major (row t = step t). */
  readonly host: Readonly<Record<TableName, Float64Array>>;
  private readonly tables: Record<TableName, tf.Tensor2D>;
  private disposed = false;

  constructor(
    readonly name: string,
    tables: GaussianMarkovTables,
  ) {
    const h = deriveMarkovTables(name, tables);
    const { T, dim } = tables;
    this.T = T;
    this.dim = dim;
    this.host = h;
    const out = {} as Record<TableName, tf.Tensor2D>;
    for (const key of Object.keys(h) as TableName[]) {
      out[key] = tf.keep(tf.tensor2d(Float32Array.from(h[key]), [T + 1, dim], 'float32'));
    }
    this.tables = out;
  }

  // ---------------------------------------------------------------- helpers

  private alive(): void {
    if (this.disposed) throw new ValidationError(`${this.name}: used after dispose()`);
  }

  /** Checks a state tensor [B, d] against the coefficients' dim. */
  protected checkState(param: string, y: tf.Tensor, batch?: number): void {
    if (y.rank !== 2) invalid(this.name, param, 'a [B, d] tensor', `shape [${y.shape.join(', ')}]`);
    if (this.dim !== 1 && y.shape[1] !== this.dim) {
      invalid(this.name, `${param}.shape[1]`, `${this.dim} (the process's coefficient dim)`, y.shape[1]);
    }
    if (batch !== undefined && y.shape[0] !== batch) invalid(this.name, `${param}.shape[0]`, `the batch size ${batch}`, y.shape[0]);
  }

  /** Validates t (1..T, or 0..T with allowZero) for a batch of B; throws on bad values. */
  protected checkStep(t: StepInput, batch: number, allowZero = false): void {
    const lo = allowZero ? 0 : 1;
    const range = `an integer in [${lo}, ${this.T}] (paper indexing)`;
    if (typeof t === 'number') {
      if (!Number.isInteger(t) || t < lo || t > this.T) invalid(this.name, 't', range, t);
      return;
    }
    if (t.dtype !== 'int32') invalid(this.name, 't.dtype', "'int32'", t.dtype);
    if (t.rank !== 1 || t.shape[0] !== batch) invalid(this.name, 't', `an int32 tensor of shape [${batch}]`, `shape [${t.shape.join(', ')}]`);
    const v = t.dataSync();
    for (let i = 0; i < v.length; i++) {
      if (v[i]! < lo || v[i]! > this.T) invalid(this.name, `t[${i}]`, range, v[i]);
    }
  }

  /** The table's rows for t: [1, dim] for a number, [B, dim] for a tensor (broadcasts on [B, d]). */
  protected coef(name: TableName, t: StepInput): tf.Tensor2D {
    const table = this.tables[name];
    if (typeof t === 'number') return tf.slice(table, [t, 0], [1, this.dim]);
    return tf.gather(table, t) as tf.Tensor2D;
  }

  private full(x: tf.Tensor, shape: readonly number[]): tf.Tensor2D {
    return tf.broadcastTo(x, [shape[0]!, shape[1]!]) as tf.Tensor2D;
  }

  private static logNormal(x: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor, variance: tf.Tensor): tf.Tensor1D {
    const z = tf.div(tf.square(tf.sub(x, mean)), variance);
    return tf.mul(-0.5, tf.sum(tf.add(tf.add(z, logVar), LOG_2PI), -1)) as tf.Tensor1D;
  }

  // ---------------------------------------------------------------- chain

  sampleChain(y0: tf.Tensor2D, seed: SeedLike): tf.Tensor3D {
    this.alive();
    this.checkState('y0', y0);
    const seeds = toSeedStream(seed);
    return tf.tidy(() => {
      const states: tf.Tensor[] = [y0];
      let y: tf.Tensor = y0;
      for (let t = 1; t <= this.T; t++) {
        const eps = tf.randomNormal(y0.shape, 0, 1, 'float32', seeds.next());
        y = tf.add(tf.mul(this.coef('a', t), y), tf.mul(this.coef('sqrtB', t), eps));
        states.push(y);
      }
      return tf.stack(states) as tf.Tensor3D;
    });
  }

  chainLogProb(chain: tf.Tensor3D): tf.Tensor1D {
    this.alive();
    if (chain.rank !== 3 || chain.shape[0] !== this.T + 1) {
      invalid(this.name, 'chain', `a [T + 1 = ${this.T + 1}, B, d] tensor`, `shape [${chain.shape.join(', ')}]`);
    }
    const [, B, d] = chain.shape;
    if (this.dim !== 1 && d !== this.dim) invalid(this.name, 'chain.shape[2]', `${this.dim} (the process's coefficient dim)`, d);
    return tf.tidy(() => {
      const prev = tf.slice(chain, [0, 0, 0], [this.T, B, d]);
      const cur = tf.slice(chain, [1, 0, 0], [this.T, B, d]);
      const row = (name: TableName) => tf.reshape(tf.slice(this.tables[name], [1, 0], [this.T, this.dim]), [this.T, 1, this.dim]);
      const z = tf.div(tf.square(tf.sub(cur, tf.mul(row('a'), prev))), row('b'));
      const terms = tf.add(tf.add(z, row('logB')), LOG_2PI);
      return tf.mul(-0.5, tf.sum(tf.sum(terms, 2), 0)) as tf.Tensor1D;
    });
  }

  // ---------------------------------------------------------------- marginal r(y_t | y_0)

  marginal(y0: tf.Tensor2D, t: StepInput): { mean: tf.Tensor2D; std: tf.Tensor2D } {
    this.alive();
    this.checkState('y0', y0);
    this.checkStep(t, y0.shape[0], true);
    return tf.tidy(() => ({
      mean: this.full(tf.mul(this.coef('m', t), y0), y0.shape),
      std: this.full(this.coef('s', t), y0.shape),
    }));
  }

  marginalSample(y0: tf.Tensor2D, t: StepInput, seed: SeedLike, noise?: tf.Tensor2D): MarginalSample {
    this.alive();
    this.checkState('y0', y0);
    this.checkStep(t, y0.shape[0]);
    if (noise !== undefined) {
      this.checkState('noise', noise, y0.shape[0]);
      if (noise.shape[1] !== y0.shape[1]) invalid(this.name, 'noise.shape[1]', `${y0.shape[1]}`, noise.shape[1]);
    }
    const s = noise === undefined ? toSeedStream(seed).next() : 0;
    return tf.tidy(() => {
      const eps = noise === undefined ? (tf.randomNormal(y0.shape, 0, 1, 'float32', s) as tf.Tensor2D) : tf.clone(noise);
      const yt = tf.add(tf.mul(this.coef('m', t), y0), tf.mul(this.coef('s', t), eps)) as tf.Tensor2D;
      return { yt, noise: eps };
    });
  }

  marginalLogProb(yt: tf.Tensor2D, y0: tf.Tensor2D, t: StepInput): tf.Tensor1D {
    this.alive();
    this.checkState('y0', y0);
    this.checkState('yt', yt, y0.shape[0]);
    this.checkStep(t, y0.shape[0]);
    return tf.tidy(() => {
      const s = this.coef('s', t);
      return GaussianMarkovProcess.logNormal(yt, tf.mul(this.coef('m', t), y0), this.coef('logS2', t), tf.square(s));
    });
  }

  // ---------------------------------------------------------------- transition r(y_t | y_{t-1})

  transition(yPrev: tf.Tensor2D, t: StepInput): GaussianParams {
    this.alive();
    this.checkState('yPrev', yPrev);
    this.checkStep(t, yPrev.shape[0]);
    return tf.tidy(() => ({
      mean: this.full(tf.mul(this.coef('a', t), yPrev), yPrev.shape),
      variance: this.full(this.coef('b', t), yPrev.shape),
      logVariance: this.full(this.coef('logB', t), yPrev.shape),
    }));
  }

  transitionSample(yPrev: tf.Tensor2D, t: StepInput, seed: SeedLike): tf.Tensor2D {
    this.alive();
    this.checkState('yPrev', yPrev);
    this.checkStep(t, yPrev.shape[0]);
    const s = toSeedStream(seed).next();
    return tf.tidy(() => {
      const eps = tf.randomNormal(yPrev.shape, 0, 1, 'float32', s);
      return tf.add(tf.mul(this.coef('a', t), yPrev), tf.mul(this.coef('sqrtB', t), eps)) as tf.Tensor2D;
    });
  }

  transitionLogProb(yt: tf.Tensor2D, yPrev: tf.Tensor2D, t: StepInput): tf.Tensor1D {
    this.alive();
    this.checkState('yPrev', yPrev);
    this.checkState('yt', yt, yPrev.shape[0]);
    this.checkStep(t, yPrev.shape[0]);
    return tf.tidy(() =>
      GaussianMarkovProcess.logNormal(yt, tf.mul(this.coef('a', t), yPrev), this.coef('logB', t), this.coef('b', t)),
    );
  }

  // ---------------------------------------------------------------- posterior r(y_{t-1} | y_t, y_0)

  posterior(yt: tf.Tensor2D, y0: tf.Tensor2D, t: StepInput): GaussianParams {
    this.alive();
    this.checkState('yt', yt);
    this.checkState('y0', y0, yt.shape[0]);
    this.checkStep(t, yt.shape[0]);
    return tidy(() => this.posteriorUnchecked(yt, y0, t));
  }

  private posteriorUnchecked(yt: tf.Tensor2D, y0: tf.Tensor2D, t: StepInput): GaussianParams {
    const mean = tf.add(tf.mul(this.coef('postC0', t), y0), tf.mul(this.coef('postCt', t), yt));
    return {
      mean: this.full(mean, yt.shape),
      variance: this.full(this.coef('postVar', t), yt.shape),
      logVariance: this.full(this.coef('postLogVar', t), yt.shape),
    };
  }

  posteriorSample(yt: tf.Tensor2D, y0: tf.Tensor2D, t: StepInput, seed: SeedLike): tf.Tensor2D {
    const s = toSeedStream(seed).next();
    const p = this.posterior(yt, y0, t);
    return tf.tidy(() => {
      const out = tf.add(p.mean, tf.mul(tf.sqrt(p.variance), tf.randomNormal(yt.shape, 0, 1, 'float32', s))) as tf.Tensor2D;
      tf.dispose([p.mean, p.variance, p.logVariance]);
      return out;
    });
  }

  posteriorLogProb(yPrev: tf.Tensor2D, yt: tf.Tensor2D, y0: tf.Tensor2D, t: StepInput): tf.Tensor1D {
    this.alive();
    this.checkState('yt', yt);
    this.checkState('y0', y0, yt.shape[0]);
    this.checkState('yPrev', yPrev, yt.shape[0]);
    this.checkStep(t, yt.shape[0]);
    return tf.tidy(() => {
      if (t === 1) return tf.zeros([yt.shape[0]]) as tf.Tensor1D;
      const p = this.posteriorUnchecked(yt, y0, t);
      // clipped log variance (finite at t = 1), masked out below
      const lp = GaussianMarkovProcess.logNormal(yPrev, p.mean, p.logVariance, tf.exp(p.logVariance));
      if (typeof t === 'number') return lp;
      return tf.mul(lp, tf.cast(tf.greater(t, 1), 'float32')) as tf.Tensor1D;
    });
  }

  // ---------------------------------------------------------------- reverse-model parameterizations

  predictY0FromNoise(yt: tf.Tensor2D, eps: tf.Tensor2D, t: StepInput): tf.Tensor2D {
    this.alive();
    this.checkState('yt', yt);
    this.checkState('eps', eps, yt.shape[0]);
    this.checkStep(t, yt.shape[0]);
    return tf.tidy(() => tf.sub(tf.mul(this.coef('invM', t), yt), tf.mul(this.coef('sOverM', t), eps)) as tf.Tensor2D);
  }

  predictNoiseFromY0(yt: tf.Tensor2D, y0: tf.Tensor2D, t: StepInput): tf.Tensor2D {
    this.alive();
    this.checkState('yt', yt);
    this.checkState('y0', y0, yt.shape[0]);
    this.checkStep(t, yt.shape[0]);
    return tf.tidy(() => tf.sub(tf.mul(this.coef('invS', t), yt), tf.mul(this.coef('mOverS', t), y0)) as tf.Tensor2D);
  }

  posteriorFromY0(yt: tf.Tensor2D, y0Hat: tf.Tensor2D, t: StepInput): GaussianParams {
    return this.posterior(yt, y0Hat, t);
  }

  posteriorFromNoise(yt: tf.Tensor2D, epsHat: tf.Tensor2D, t: StepInput): GaussianParams {
    this.alive();
    this.checkState('yt', yt);
    this.checkState('epsHat', epsHat, yt.shape[0]);
    this.checkStep(t, yt.shape[0]);
    return tf.tidy(() => {
      const mean = tf.add(tf.mul(this.coef('epsA', t), yt), tf.mul(this.coef('epsB', t), epsHat));
      return {
        mean: this.full(mean, yt.shape),
        variance: this.full(this.coef('postVar', t), yt.shape),
        logVariance: this.full(this.coef('postLogVar', t), yt.shape),
      };
    });
  }

  ddimStep(yt: tf.Tensor2D, eps: tf.Tensor2D, t: StepInput): tf.Tensor2D {
    this.alive();
    this.checkState('yt', yt);
    this.checkState('eps', eps, yt.shape[0]);
    this.checkStep(t, yt.shape[0]);
    return tf.tidy(() => tf.add(tf.mul(this.coef('ddimY', t), yt), tf.mul(this.coef('ddimEps', t), eps)) as tf.Tensor2D);
  }

  reverseVariance(
    t: StepInput,
    shape: readonly [number, number],
    kind: 'posterior' | 'forward' = 'posterior',
  ): { variance: tf.Tensor2D; logVariance: tf.Tensor2D } {
    this.alive();
    if (this.dim !== 1 && shape[1] !== this.dim) invalid(this.name, 'shape[1]', `${this.dim}`, shape[1]);
    if (kind !== 'posterior' && kind !== 'forward') invalid(this.name, 'kind', "'posterior' or 'forward'", kind);
    this.checkStep(t, shape[0]);
    return tf.tidy(() => ({
      variance: this.full(this.coef(kind === 'posterior' ? 'revVar' : 'b', t), shape),
      logVariance: this.full(this.coef(kind === 'posterior' ? 'revLogVar' : 'logB', t), shape),
    }));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(Object.values(this.tables));
  }
}
