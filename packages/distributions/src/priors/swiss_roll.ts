import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '@ddvi/core';
import type { SeedStream } from '@ddvi/core';
import { gaussLegendre } from './numerics';
import { checkOptionKeys, nonNegative, positive, positiveInt, Prior2D, vec } from './prior';
import { mapRowChunks, pairwiseSquaredDistance } from './tf_math';

const NAME = 'SwissRoll';
const B = 4.5 * Math.PI;

export interface SwissRollOptions {
  /** Std of the isotropic Gaussian noise around the curve, before `scale` (default 0.1, decision D7; the reference's `swiss_roll` config uses 0). */
  noise?: number;
  /** Number of classes K: the curve parameter u in [0, 1] is cut into K equal segments (default 10). */
  classes?: number;
  /** Multiplies every sample (the reference's `mult`, default 1). */
  scale?: number;
}

const KEYS = ['noise', 'classes', 'scale'] as const;

/** A quadrature node whose term is this many nats below a point's best adds less than e^-40 of the score's weight: skipped. */
const SCORE_CUTOFF = -40;

/** Quadrature panels per noise std along the curve and Gauss-Legendre nodes per panel (see SwissRoll). */
export const SWISS_ROLL_QUADRATURE = { panelArcOverNoise: 0.5, nodesPerPanel: 6 } as const;

/**
 * The swiss roll of the paper (reference `SwissRollPrior`, spec §9.2): c ~ U{0..K-1},
 * u = (c + U(0,1)) / K, r = 3 sqrt(u), angle = 4.5 pi sqrt(u),
 * z = ((r cos angle, r sin angle) + noise * N(0, I)) * scale.
 *
 * **Density.** p(z) = int_0^1 N(z / scale; m(u), noise^2 I) du / scale^2 along the curve m. With
 * s = sqrt(u) (du = 2 s ds) the integrand is smooth in s, and it is integrated by composite
 * Gauss-Legendre: panels of equal arc length, at most 0.5 noise std each (the curve is 21.3 long:
 * 2622 nodes for noise 0.1), 6 nodes per panel, panel edges on the class boundaries; then
 * logSumExp over the nodes in tf ops (differentiable in z). Accuracy of log p in float64, against
 * a 40x finer rule, for noise 0.05 to 0.4: < 1e-9 within 8 noise std of the curve; farther out,
 * where the density is below e^-32 of its peak, up to 1e-3 nats for noise 0.1 in [-4.5, 4.5]^2
 * (5e-2 for noise 0.05). Float32 evaluation adds ~1e-6 relative (tested against float64).
 * `noise = 0` is allowed for sampling, but has no density: logProb throws.
 */
export class SwissRoll extends Prior2D {
  readonly name = NAME;
  readonly noise: number;
  readonly scale: number;
  private nodes: { x: Float64Array; y: Float64Array; logw: Float64Array; cls: Int32Array } | undefined;

  constructor(options: SwissRollOptions = {}, classIndex: number | null = null) {
    checkOptionKeys(NAME, options, KEYS);
    const classes = positiveInt(NAME, 'classes', options.classes, 10);
    super(classes, classIndex);
    this.noise = nonNegative(NAME, 'noise', options.noise, 0.1);
    this.scale = positive(NAME, 'scale', options.scale, 1);
    if (classIndex !== null) this.checkClass(classIndex);
  }

  get options(): Required<SwissRollOptions> {
    return { noise: this.noise, classes: this.numClasses, scale: this.scale };
  }

  conditional(c: number): SwissRoll {
    return new SwissRoll(this.options, this.checkClass(c));
  }

  /** E[z] (float64 quadrature of the curve; the noise has mean 0), shape [2]. */
  mean(): tf.Tensor {
    const q = this.quadrature(0.1); // panels of arc length 0.05: the smooth curve integral is exact to float64
    let mx = 0;
    let my = 0;
    for (let j = 0; j < q.x.length; j++) {
      const w = Math.exp(q.logw[j]!);
      mx += w * q.x[j]!;
      my += w * q.y[j]!;
    }
    return tf.tensor1d([mx * this.scale, my * this.scale]);
  }

  protected sampleGivenLabels(seed: SeedStream, labels: tf.Tensor1D): tf.Tensor2D {
    const n = labels.shape[0];
    const u = tf.div(tf.add(tf.cast(labels, 'float32'), tf.randomUniform([n], 0, 1, 'float32', seed.next())), this.numClasses);
    const s = tf.sqrt(u);
    const r = tf.mul(s, 3);
    const angle = tf.mul(s, B);
    const curve = tf.stack([tf.mul(r, tf.cos(angle)), tf.mul(r, tf.sin(angle))], 1);
    const noise = tf.mul(tf.randomNormal([n, 2], 0, 1, 'float32', seed.next()), this.noise);
    return tf.mul(tf.add(curve, noise), this.scale) as tf.Tensor2D;
  }

  protected logProbFlat(z: tf.Tensor2D): tf.Tensor1D {
    if (this.noise === 0) {
      throw new ValidationError(
        `${NAME}.logProb: the swiss roll with noise 0 is a curve and has no density; construct it with noise > 0 (default 0.1)`,
      );
    }
    const q = this.quadrature(this.noise);
    const sigma = this.noise;
    const nodes = tf.stack([vec(q.x), vec(q.y)], 1) as tf.Tensor2D; // [Q, 2]
    const logw = vec(q.logw.map((w) => w - Math.log(2 * Math.PI * sigma * sigma) - 2 * Math.log(this.scale)));
    const rows = Math.max(1, Math.floor(4_000_000 / q.x.length));
    return mapRowChunks(tf.div(z, this.scale) as tf.Tensor2D, rows, (zc) => {
      const sq = pairwiseSquaredDistance(zc, nodes); // [m, Q]
      return tf.logSumExp(tf.add(logw, tf.mul(sq, -0.5 / (sigma * sigma))), 1) as tf.Tensor1D;
    });
  }

  /**
   * grad log p(z) at each row of `z` [..., 2], same shape, on the host in float64, from the same
   * quadrature as `logProb`: with base coordinates u = z / scale and nodes m_j of log weight l_j,
   * log p = logsumexp_j (l_j - |u - m_j|^2 / (2 noise^2)) + const, so
   * grad_z log p = sum_j w_j (m_j - u) / (noise^2 scale), w_j the nodes' softmax shares. A node
   * more than SCORE_CUTOFF nats below a point's best term moves the score by less than float32
   * resolves, and its exp is skipped (most are: the curve is 21 long, the noise 0.1). The same
   * value as autodiff of `logProb` (tested against it and against float64 finite differences)
   * without building and differentiating a [rows, 2622] graph, for callers that read the score
   * often (DDVI's prior guidance reads it at every guided step). A constant (no gradient); NaN
   * where z is not finite.
   */
  score(z: tf.Tensor): tf.Tensor {
    this.checkValueShape(z);
    if (this.noise === 0) {
      throw new ValidationError(`${NAME}.score: the swiss roll with noise 0 is a curve and has no density; construct it with noise > 0 (default 0.1)`);
    }
    const flat = tf.tidy(() => tf.reshape(tf.cast(z, 'float32'), [-1, 2]));
    const zb = flat.dataSync();
    flat.dispose();
    const { x: nx, y: ny, logw } = this.quadrature(this.noise);
    const Q = nx.length;
    const inv2s2 = 1 / (2 * this.noise * this.noise);
    const m = zb.length / 2;
    const out = new Float32Array(2 * m);
    const terms = new Float64Array(Q);
    for (let i = 0; i < m; i++) {
      const ux = zb[2 * i]! / this.scale;
      const uy = zb[2 * i + 1]! / this.scale;
      if (!Number.isFinite(ux) || !Number.isFinite(uy)) {
        out[2 * i] = NaN;
        out[2 * i + 1] = NaN;
        continue;
      }
      let best = -Infinity;
      for (let j = 0; j < Q; j++) {
        const dx = nx[j]! - ux;
        const dy = ny[j]! - uy;
        const t = logw[j]! - (dx * dx + dy * dy) * inv2s2;
        terms[j] = t;
        if (t > best) best = t;
      }
      let sw = 0;
      let gx = 0;
      let gy = 0;
      for (let j = 0; j < Q; j++) {
        const t = terms[j]! - best;
        if (t < SCORE_CUTOFF) continue;
        const w = Math.exp(t);
        sw += w;
        gx += w * (nx[j]! - ux);
        gy += w * (ny[j]! - uy);
      }
      const k = (2 * inv2s2) / (sw * this.scale);
      out[2 * i] = gx * k;
      out[2 * i + 1] = gy * k;
    }
    return tf.tensor(out, z.shape, 'float32');
  }

  /**
   * Quadrature nodes on the curve (base coordinates) with log weights, such that
   * sum_j exp(logw_j) f(m_j) ~ E_{u ~ this prior's classes}[f(m(u))]. Panels of arc length <= 0.5 * sigma.
   */
  quadrature(sigma: number): { x: Float64Array; y: Float64Array; logw: Float64Array; cls: Int32Array } {
    if (this.nodes && sigma === this.noise) return this.nodes;
    const gl = gaussLegendre(SWISS_ROLL_QUADRATURE.nodesPerPanel);
    const xs: number[] = [];
    const ys: number[] = [];
    const lw: number[] = [];
    const cl: number[] = [];
    const K = this.numClasses;
    for (const c of this.activeClasses) {
      const s0 = Math.sqrt(c / K);
      const s1 = Math.sqrt((c + 1) / K);
      const l0 = arcLength(s0);
      const l1 = arcLength(s1);
      const panels = Math.max(1, Math.ceil((l1 - l0) / (SWISS_ROLL_QUADRATURE.panelArcOverNoise * sigma)));
      // Each class has probability 1/K and density K on its u-interval; the full prior sums them with
      // weight 1/K, a conditional one has weight 1: log weight of the class = logClassWeight + log K.
      const classLogW = this.logClassWeight + Math.log(K);
      let sa = s0;
      for (let p = 0; p < panels; p++) {
        const sb = p === panels - 1 ? s1 : inverseArcLength(l0 + ((l1 - l0) * (p + 1)) / panels, sa, s1);
        const mid = 0.5 * (sa + sb);
        const half = 0.5 * (sb - sa);
        for (let j = 0; j < gl.x.length; j++) {
          const s = mid + half * gl.x[j]!;
          xs.push(3 * s * Math.cos(B * s));
          ys.push(3 * s * Math.sin(B * s));
          lw.push(classLogW + Math.log(half * gl.w[j]! * 2 * s));
          cl.push(c);
        }
        sa = sb;
      }
    }
    const out = { x: Float64Array.from(xs), y: Float64Array.from(ys), logw: Float64Array.from(lw), cls: Int32Array.from(cl) };
    if (sigma === this.noise) this.nodes = out;
    return out;
  }
}

/** Arc length of m(s) = 3 s (cos(B s), sin(B s)) from 0 to s: int_0^s 3 sqrt(1 + B^2 t^2) dt. */
export function arcLength(s: number): number {
  return 1.5 * (s * Math.sqrt(1 + B * B * s * s) + Math.asinh(B * s) / B);
}

function inverseArcLength(l: number, lo: number, hi: number): number {
  for (let i = 0; i < 100 && hi - lo > 1e-15; i++) {
    const mid = 0.5 * (lo + hi);
    if (arcLength(mid) < l) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
