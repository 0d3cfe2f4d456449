import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '@ddvi/core';
import type { SeedStream } from '@ddvi/core';
import { checkOptionKeys, nonNegative, positive, positiveInt, Prior2D } from './prior';
import { both, logDiffNormalCdf, logSumExpAllowingNegInf } from './tf_math';

const NAME = 'Square';

export interface SquareOptions {
  /** Perpendicular noise in the reference's units: std = noiseLevel / 50 before `scale` (default 3, `less_noisy_square`). */
  noiseLevel?: number;
  /** Number of classes K: the perimeter position in [0, 1) is cut into K equal segments (default 10). */
  classes?: number;
  /** Multiplies every sample (the reference's `mult`, default 1). */
  scale?: number;
  /**
   * Std of extra Gaussian noise ALONG each edge, before `scale` (default 0: the reference recipe).
   * With alongStd > 0 this is a different, everywhere-positive distribution (its samples and its
   * logProb agree); alongStd = perpendicular std makes the noise isotropic. See `smoothed()`.
   */
  alongStd?: number;
}

const KEYS = ['noiseLevel', 'classes', 'scale', 'alongStd'] as const;

/** Edge e: start corner P0, unit direction D (increasing perimeter position), noise axis N. */
const EDGES = [
  { p0: [-1, 1], d: [1, 0], n: [0, 1] }, // top, x from -1 to 1, noise on y
  { p0: [1, 1], d: [0, -1], n: [1, 0] }, // right, y from 1 to -1, noise on x
  { p0: [1, -1], d: [-1, 0], n: [0, 1] }, // bottom, x from 1 to -1, noise on y
  { p0: [-1, -1], d: [0, 1], n: [1, 0] }, // left, y from -1 to 1, noise on x
] as const;

interface Segment {
  edge: number;
  /** Along-edge interval [t0, t1] in base units (each edge is t in [0, 2]). */
  t0: number;
  t1: number;
  /** log of the density per unit length along the edge (times the class weight). */
  logw: number;
}

/**
 * The square of the paper (reference `SquarePrior`, spec §9.3): c ~ U{0..K-1}, perimeter position
 * pos = (c + U(0,1)) / K in [0, 1) runs clockwise from (-1, 1) along the top, right, bottom and
 * left edges of [-1, 1]^2 (each edge a quarter); Gaussian noise of std noiseLevel/50 is added to
 * the coordinate perpendicular to the edge; z *= scale.
 *
 * **Density (exact, closed form).** Each edge piece is uniform along the edge times a Gaussian
 * across it: p(z) = sum_pieces w * 1[t(z) in [t0, t1]] * N(d(z); 0, sd^2) / scale^2, t and d the
 * along/across coordinates of z/scale for that edge, w = (probability of the piece) / (its length).
 * The ends of the uniform are NOT smoothed: outside every piece's slab (e.g. beyond a corner
 * diagonally, or off the ends of a class's segments for `conditional(c)`) the density is exactly 0
 * and logProb is -Infinity, with a zero gradient there. For training losses use `smoothed()`
 * (a proper density, positive everywhere) or the reference's KDE.
 */
export class Square extends Prior2D {
  readonly name = NAME;
  readonly noiseLevel: number;
  readonly scale: number;
  readonly alongStd: number;
  private readonly segments: Segment[];

  constructor(options: SquareOptions = {}, classIndex: number | null = null) {
    checkOptionKeys(NAME, options, KEYS);
    const classes = positiveInt(NAME, 'classes', options.classes, 10);
    super(classes, classIndex);
    this.noiseLevel = nonNegative(NAME, 'noiseLevel', options.noiseLevel, 3);
    this.scale = positive(NAME, 'scale', options.scale, 1);
    this.alongStd = nonNegative(NAME, 'alongStd', options.alongStd, 0);
    if (classIndex !== null) this.checkClass(classIndex);
    this.segments = this.buildSegments();
  }

  /** Std of the noise across the edges, before scale: noiseLevel / 50. */
  get perpStd(): number {
    return this.noiseLevel / 50;
  }

  get options(): Required<SquareOptions> {
    return { noiseLevel: this.noiseLevel, classes: this.numClasses, scale: this.scale, alongStd: this.alongStd };
  }

  conditional(c: number): Square {
    return new Square(this.options, this.checkClass(c));
  }

  /**
   * The same square with Gaussian noise of std `alongStd` (default: the perpendicular std, making
   * the noise isotropic) also along the edges: a proper distribution whose density is positive
   * everywhere, for training losses. Its logProb is exact for it (closed form with normal CDFs).
   */
  smoothed(alongStd: number = this.perpStd): Square {
    return new Square({ ...this.options, alongStd }, this.classIndex);
  }

  /** `smoothed(alongStd).logProb(z)`: NOT the density of this prior unless its alongStd already equals alongStd. */
  smoothedLogProb(z: tf.Tensor, alongStd: number = this.perpStd): tf.Tensor {
    return this.smoothed(alongStd).logProb(z);
  }

  /** E[z], exact, shape [2]. */
  mean(): tf.Tensor {
    let mx = 0;
    let my = 0;
    for (const s of this.segments) {
      const e = EDGES[s.edge]!;
      const mass = Math.exp(s.logw) * (s.t1 - s.t0);
      const tm = 0.5 * (s.t0 + s.t1);
      mx += mass * (e.p0[0] + tm * e.d[0]);
      my += mass * (e.p0[1] + tm * e.d[1]);
    }
    return tf.tensor1d([mx * this.scale, my * this.scale]);
  }

  protected sampleGivenLabels(seed: SeedStream, labels: tf.Tensor1D): tf.Tensor2D {
    const n = labels.shape[0];
    const pos = tf.div(tf.add(tf.cast(labels, 'float32'), tf.randomUniform([n], 0, 1, 'float32', seed.next())), this.numClasses);
    const edge = tf.clipByValue(tf.cast(tf.floor(tf.mul(pos, 4)), 'int32'), 0, 3);
    const t = tf.mul(tf.sub(pos, tf.div(tf.cast(edge, 'float32'), 4)), 8);
    const table = (k: 'p0' | 'd' | 'n') => tf.gather(tf.tensor2d(EDGES.map((e) => [...e[k]])), edge);
    const perp = tf.mul(tf.randomNormal([n, 1], 0, 1, 'float32', seed.next()), this.perpStd);
    let along: tf.Tensor = tf.expandDims(t, 1);
    if (this.alongStd > 0) along = tf.add(along, tf.mul(tf.randomNormal([n, 1], 0, 1, 'float32', seed.next()), this.alongStd));
    const z = tf.add(tf.add(table('p0'), tf.mul(along, table('d'))), tf.mul(perp, table('n')));
    return tf.mul(z, this.scale) as tf.Tensor2D;
  }

  protected logProbFlat(z: tf.Tensor2D): tf.Tensor1D {
    const sd = this.perpStd;
    if (sd === 0) {
      throw new ValidationError(`${NAME}.logProb: with noiseLevel 0 the square is a curve and has no density; use noiseLevel > 0 (default 3)`);
    }
    const segs = this.segments;
    const col = (f: (s: Segment, e: (typeof EDGES)[number]) => number) => tf.tensor1d(segs.map((s) => f(s, EDGES[s.edge]!)));
    // along t = D.(z - P0), across d = N.(z - P0), for every segment at once: [m, S]
    const dirs = tf.tensor2d([segs.map((s) => EDGES[s.edge]!.d[0]), segs.map((s) => EDGES[s.edge]!.d[1])]);
    const norms = tf.tensor2d([segs.map((s) => EDGES[s.edge]!.n[0]), segs.map((s) => EDGES[s.edge]!.n[1])]);
    const zb = tf.div(z, this.scale);
    const t = tf.sub(tf.matMul(zb, dirs), col((_, e) => e.p0[0] * e.d[0] + e.p0[1] * e.d[1]));
    const d = tf.sub(tf.matMul(zb, norms), col((_, e) => e.p0[0] * e.n[0] + e.p0[1] * e.n[1]));
    const logNormal = tf.sub(tf.mul(tf.square(d), -0.5 / (sd * sd)), Math.log(sd) + 0.5 * Math.log(2 * Math.PI));
    const logw = col((s) => s.logw - 2 * Math.log(this.scale));
    let terms: tf.Tensor;
    if (this.alongStd === 0) {
      const inside = both(tf.greaterEqual(t, col((s) => s.t0)), tf.greaterEqual(col((s) => s.t1), t));
      const finite = tf.add(logNormal, logw);
      terms = tf.where(inside, finite, tf.fill(finite.shape, -Infinity));
    } else {
      const a = this.alongStd;
      const hi = tf.div(tf.sub(t, col((s) => s.t0)), a);
      const lo = tf.div(tf.sub(t, col((s) => s.t1)), a);
      terms = tf.add(tf.add(logNormal, logw), logDiffNormalCdf(hi, lo));
    }
    return logSumExpAllowingNegInf(terms, 1) as tf.Tensor1D;
  }

  private buildSegments(): Segment[] {
    const K = this.numClasses;
    const out: Segment[] = [];
    for (const c of this.activeClasses) {
      const lo = c / K;
      const hi = (c + 1) / K;
      for (let e = 0; e < 4; e++) {
        const a = Math.max(lo, e / 4);
        const b = Math.min(hi, (e + 1) / 4);
        if (b <= a) continue;
        // pos has density K on the class interval; t = 8 (pos - e/4), so density K/8 per unit t.
        out.push({ edge: e, t0: 8 * (a - e / 4), t1: 8 * (b - e / 4), logw: this.logClassWeight + Math.log(K / 8) });
      }
    }
    return out;
  }
}
