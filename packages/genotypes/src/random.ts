import { SeedStream, invalid } from '@ddvi/core';

/**
 * Seeded host-side random numbers for the genotype simulator and the embedding baselines.
 *
 * `Rng` is xoshiro128** (Blackman & Vigna) seeded from a `SeedStream` (splitmix-style mixing of
 * the seed), so a simulation is a pure function of its seed on every platform. The samplers are
 * the textbook ones: Marsaglia–Tsang (2000) for Gamma, Beta as X/(X+Y) of two Gammas, Dirichlet
 * as normalized Gammas, Box–Muller for normals.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) invalid('Rng', 'seed', 'an integer in [0, 2^32)', seed);
    const s = new SeedStream(seed);
    // SeedStream.next() is 31 bits; combine two draws per word for full 32-bit state.
    const word = (): number => ((s.next() << 1) ^ s.next()) >>> 0;
    this.a = word();
    this.b = word();
    this.c = word();
    this.d = word();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the all-zero state is a fixed point
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in (0, 1): never exactly 0, safe for logs. */
  uniformOpen(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box–Muller, the second value of each pair kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniformOpen()));
    const theta = 2 * Math.PI * this.uniform();
    this.spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /**
   * Gamma(shape, 1) by Marsaglia & Tsang (2000). For shape < 1 it uses the boost
   * Gamma(shape) = Gamma(shape + 1) · U^(1/shape).
   */
  gamma(shape: number): number {
    if (!(Number.isFinite(shape) && shape > 0)) invalid('Rng.gamma', 'shape', 'a finite number > 0', shape);
    if (shape < 1) {
      return this.gamma(shape + 1) * Math.pow(this.uniformOpen(), 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniformOpen();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Beta(a, b) as X / (X + Y), X ~ Gamma(a), Y ~ Gamma(b). */
  beta(a: number, b: number): number {
    if (!(Number.isFinite(a) && a > 0)) invalid('Rng.beta', 'a', 'a finite number > 0', a);
    if (!(Number.isFinite(b) && b > 0)) invalid('Rng.beta', 'b', 'a finite number > 0', b);
    const x = this.gamma(a);
    const y = this.gamma(b);
    const s = x + y;
    // Both Gammas can underflow to 0 for tiny shapes; fall back to the mean's side.
    return s > 0 ? x / s : a / (a + b) >= 0.5 ? 1 : 0;
  }

  /** Dirichlet(alpha) written into `out` (length = alpha.length). */
  dirichlet(alpha: ArrayLike<number>, out: Float64Array = new Float64Array(alpha.length)): Float64Array {
    let sum = 0;
    for (let k = 0; k < alpha.length; k++) {
      const a = alpha[k]!;
      if (!(Number.isFinite(a) && a > 0)) invalid('Rng.dirichlet', `alpha[${k}]`, 'a finite number > 0', a);
      const g = this.gamma(a);
      out[k] = g;
      sum += g;
    }
    if (sum > 0) {
      for (let k = 0; k < alpha.length; k++) out[k] = out[k]! / sum;
    } else {
      // All Gammas underflowed (tiny alpha): the Dirichlet is then essentially a vertex.
      out.fill(0);
      out[this.int(alpha.length)] = 1;
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
