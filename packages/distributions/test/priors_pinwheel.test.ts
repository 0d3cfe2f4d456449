/**
 * Pinwheel: sampler vs the reference recipe, the change-of-variables density (Jacobian by
 * autodiff, root enumeration vs a brute-force scan, normalization and ring masses by polar
 * quadrature, cell masses vs a 200k-sample histogram), gradients vs float64 finite differences.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, ValidationError } from '@ddvi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Pinwheel } from '../src/priors';
import { pinwheelArmRoots } from '../src/priors/pinwheel';
import { gaussLegendre } from '../src/priors/numerics';
import { expectNoLeak, expectSameMoments, expectScoreIsGradLogProb, fdGrad, lse, normalLp, refPinwheel, Rng, rows2, take, testSeed, tfGrad } from './priors_helpers';

beforeAll(async () => {
  await initBackend();
});

const RS = 0.15;
const TS = 0.005;
const RATE = 0.25;
const FMAX = 1 + 12 * RS;

/** Brute force: all sign changes of g on a 400k-point grid over [-rho, min(rho, FMAX)], bisected. */
function bruteRoots(x: number, y: number, n = 400_000): number[] {
  const rho = Math.hypot(x, y);
  const g = (f: number) => {
    const q = RATE * Math.exp(f);
    return f - (x * Math.cos(q) - y * Math.sin(q));
  };
  const lo = -rho - 1e-9;
  const hi = Math.min(rho + 1e-9, FMAX);
  const roots: number[] = [];
  let a = lo;
  let ga = g(a);
  for (let i = 1; i <= n; i++) {
    const b = lo + ((hi - lo) * i) / n;
    const gb = g(b);
    if ((ga < 0 && gb >= 0) || (ga > 0 && gb <= 0)) {
      let l = a;
      let r = b;
      for (let k = 0; k < 80; k++) {
        const mid = 0.5 * (l + r);
        if (g(mid) < 0 === ga < 0) l = mid;
        else r = mid;
      }
      roots.push(0.5 * (l + r));
    }
    a = b;
    ga = gb;
  }
  return roots;
}

/**
 * Float64 log-density from brute-force roots (independent of the library's root finder; a 20k grid
 * suffices for |z| <= 3, where roots are at least 0.09 apart, as the 400k scan finds).
 */
function refLogProb(zx: number, zy: number, K = 10, arm?: number): number {
  const terms: number[] = [];
  const arms = arm === undefined ? Array.from({ length: K }, (_, i) => i) : [arm];
  for (const c of arms) {
    const a = (2 * Math.PI * c) / K;
    const x = zx * Math.cos(a) - zy * Math.sin(a);
    const y = zx * Math.sin(a) + zy * Math.cos(a);
    for (const f1 of bruteRoots(x, y, 20_000)) {
      const q = RATE * Math.exp(f1);
      const f2 = x * Math.sin(q) + y * Math.cos(q);
      terms.push(normalLp(f1, 1, RS) + normalLp(f2, 0, TS) - Math.log(Math.abs(1 + q * f2)));
    }
  }
  return lse(terms) - (arm === undefined ? Math.log(K) : 0);
}

describe('Pinwheel sampling', () => {
  it('matches the reference recipe: per-arm and overall means and covariances (5 SE), E|z|^2 = 1 + rs^2 + ts^2', () => {
    expectNoLeak(() => {
      const p = new Pinwheel();
      const z = p.sample(testSeed(), [40000]);
      const ours = rows2(z);
      const ref = refPinwheel(new Rng(testSeed()), 40000);
      expectSameMoments(ours, ref);
      let r2 = 0;
      for (const r of ours) r2 += (r[0]! ** 2 + r[1]! ** 2) / ours.length;
      // Var(|f|^2) ~ 4 rs^2 -> SE ~ 0.3 / sqrt(n)
      expect(Math.abs(r2 - (1 + RS * RS + TS * TS))).toBeLessThan(5 * 0.31 / Math.sqrt(40000));
      z.dispose();
      for (const c of [0, 3]) {
        const zc = p.conditional(c).sample(testSeed() + c, [20000]);
        expectSameMoments(rows2(zc), refPinwheel(new Rng(testSeed() + c), 20000, 10, c));
        const m = take(p.conditional(c).mean());
        const mm = rows2(zc).reduce((s, r) => [s[0]! + r[0]! / 20000, s[1]! + r[1]! / 20000], [0, 0]);
        expect(Math.hypot(m[0]! - mm[0]!, m[1]! - mm[1]!)).toBeLessThan(0.01);
        zc.dispose();
      }
    });
  });

  it('sampleWithClass: labels uniform, each sample lies on the arm of its label; sample() gives the same points', () => {
    expectNoLeak(() => {
      const p = new Pinwheel({ arms: 4, scale: 2 });
      const { z, label } = p.sampleWithClass(testSeed(), 8000);
      expect(z.shape).toEqual([8000, 2]);
      expect(label.dtype).toBe('int32');
      const zs = z.dataSync();
      const ls = label.dataSync();
      const counts = [0, 0, 0, 0];
      for (let i = 0; i < 8000; i++) {
        const x = zs[2 * i]! / 2;
        const y = zs[2 * i + 1]! / 2;
        // f1 ~ |z| (f2 is tiny): the base angle a_c = -atan2(y, x) - rate e^{|z|} (mod 2 pi)
        const a = -Math.atan2(y, x) - RATE * Math.exp(Math.hypot(x, y));
        const c = (((Math.round((a * 4) / (2 * Math.PI)) % 4) + 4) % 4) as number;
        expect(c).toBe(ls[i]);
        counts[ls[i]!]!++;
      }
      for (const n of counts) expect(Math.abs(n - 2000)).toBeLessThan(5 * Math.sqrt(2000 * 0.75));
      const again = p.sample(testSeed(), [8000]);
      expect(Array.from(again.dataSync())).toEqual(Array.from(zs));
      const cond = p.conditional(2).sampleWithClass(testSeed(), 10);
      expect(Array.from(cond.label.dataSync())).toEqual(new Array(10).fill(2));
      tf.dispose([z, label, again, cond.z, cond.label]);
    });
  });

  it('is deterministic under a seed and varies across seeds', () => {
    expectNoLeak(() => {
      const p = new Pinwheel();
      const a = take(p.sample(5, [100]));
      expect(take(p.sample(5, [100]))).toEqual(a);
      expect(take(p.sample(6, [100]))).not.toEqual(a);
      const s = p.sample(1, [3, 4]);
      expect(s.shape).toEqual([3, 4, 2]);
      s.dispose();
    });
  });
});

describe('Pinwheel density', () => {
  it('the Jacobian of f -> z is 1 + rate e^{f1} f2 (tf autodiff)', () => {
    expectNoLeak(() => {
      const rng = new Rng(3);
      const fs = Array.from({ length: 64 }, () => [1 + 0.5 * rng.normal(), 0.3 * rng.normal()]);
      const a = 2 * Math.PI * 0.3;
      const res = tf.tidy(() => {
        const map = (f: tf.Tensor) => {
          const [f1, f2] = tf.unstack(f, 1);
          const th = tf.add(a, tf.mul(RATE, tf.exp(f1!)));
          return [tf.add(tf.mul(f1!, tf.cos(th)), tf.mul(f2!, tf.sin(th))), tf.sub(tf.mul(f2!, tf.cos(th)), tf.mul(f1!, tf.sin(th)))];
        };
        const f = tf.tensor2d(fs);
        const g1 = tf.grad((t: tf.Tensor) => tf.sum(map(t)[0]!))(f);
        const g2 = tf.grad((t: tf.Tensor) => tf.sum(map(t)[1]!))(f);
        return tf.stack([g1, g2], 1).dataSync(); // [n, 2 (output), 2 (input)]
      });
      for (let i = 0; i < fs.length; i++) {
        const [f1, f2] = fs[i]!;
        const det = res[4 * i]! * res[4 * i + 3]! - res[4 * i + 1]! * res[4 * i + 2]!;
        const expected = 1 + RATE * Math.exp(f1!) * f2!;
        expect(Math.abs(Math.abs(det) - Math.abs(expected))).toBeLessThan(1e-4 * (1 + Math.abs(expected)));
      }
    });
  });

  it('finds every root the 400k-point brute-force scan finds (|z| up to 3: up to 3 roots per arm, 0.09 apart at least)', () => {
    const rng = new Rng(11);
    let multi = 0;
    for (let i = 0; i < 60; i++) {
      const rho = i < 20 ? 3 * rng.uniform() : 2 + rng.uniform();
      const phi = 2 * Math.PI * rng.uniform();
      const x = rho * Math.cos(phi);
      const y = rho * Math.sin(phi);
      const ours: number[] = [];
      pinwheelArmRoots(x, y, RATE, FMAX, ours);
      const ref = bruteRoots(x, y);
      ours.sort((a, b) => a - b);
      expect(ours.length).toBe(ref.length);
      ours.forEach((r, k) => expect(Math.abs(r - ref[k]!)).toBeLessThan(1e-9));
      if (ref.length > 1) multi++;
    }
    expect(multi).toBeGreaterThan(5); // the test exercised points with several preimages
  });

  it('logProb matches the float64 brute-force density (values and z-gradients) on and off the arms', () => {
    const p = new Pinwheel();
    const rng = new Rng(5);
    const samples = rows2(p.sample(testSeed(), [12]));
    const pts = [...samples, [0, 0], [0.3, -0.2], [1.2, 0.4], [-2.0, 1.1], [2.5, 0.3], [0.01, 1.0]];
    for (let i = 0; i < 6; i++) pts.push([3 * rng.normal() * 0.7, 3 * rng.normal() * 0.7]);
    expectNoLeak(() => {
      const lp = take(tf.tidy(() => p.logProb(tf.tensor2d(pts))));
      const grads = tfGrad((z) => p.logProb(z), pts);
      pts.forEach(([x, y], i) => {
        const ref = refLogProb(x!, y!);
        expect(Math.abs(lp[i]! - ref)).toBeLessThan(1e-4 + 1e-6 * Math.abs(ref));
        const fd = fdGrad((a, b) => refLogProb(a, b), x!, y!, 1e-6);
        const scale = Math.hypot(fd[0], fd[1]);
        expect(Math.hypot(grads[i]![0]! - fd[0], grads[i]![1]! - fd[1])).toBeLessThan(1e-2 + 1e-4 * scale);
      });
    });
  });

  it('score(z) is grad log p: the float64 brute-force finite difference and autodiff of logProb, for the full prior, one arm and a scaled one', () => {
    const rng = new Rng(8);
    const base = new Pinwheel();
    const others = [base.conditional(3), new Pinwheel({ scale: 2.5, rate: 0.4 })];
    const pts = [...rows2(base.sample(testSeed(), [16])), [0, 0], [0.3, -0.2], [1.2, 0.4], [-2.0, 1.1], [0.01, 1.0]];
    for (let i = 0; i < 8; i++) pts.push([2 * rng.normal(), 2 * rng.normal()]);
    // Points just off an arm (0.5 to 20 tangential widths), where the score is steep and guidance reads it.
    for (let i = 0; i < 8; i++) pts.push(pts[i]!.map((v) => v + (0.0025 + 0.05 * Math.abs(rng.normal())) * (i % 2 ? 1 : -1)));
    expectNoLeak(() => expectScoreIsGradLogProb(base, others, pts, (a, b) => refLogProb(a, b), { h: 1e-6, abs: 1e-2, rel: 1e-4, othersRel: 1e-3 }));
  });

  it('class-conditional densities average to the full density; scale is a change of variables', () => {
    expectNoLeak(() => {
      const p = new Pinwheel({ arms: 5, scale: 1.7 });
      const z = tf.tidy(() => tf.add(p.sample(2, [50]), tf.randomNormal([50, 2], 0, 0.05, 'float32', 3)));
      const full = take(p.logProb(z));
      const parts = [0, 1, 2, 3, 4].map((c) => take(p.conditional(c).logProb(z)));
      full.forEach((v, i) => expect(Math.abs(v - (lse(parts.map((q) => q[i]!)) - Math.log(5)))).toBeLessThan(1e-4 * (1 + Math.abs(v))));
      const unit = new Pinwheel({ arms: 5 });
      const base = take(tf.tidy(() => unit.logProb(tf.div(z, 1.7))));
      full.forEach((v, i) => expect(Math.abs(v - (base[i]! - 2 * Math.log(1.7)))).toBeLessThan(1e-4 * (1 + Math.abs(v))));
      z.dispose();
    });
  });

  // Polar quadrature: rho by composite Gauss-Legendre on [0.2, 2.4] (mass outside < 1e-7), phi by
  // the periodic trapezoid rule with 4096 points (arm width in phi >= tangentialStd / 2.4 = 1.4 h:
  // aliasing error < 1e-15). Computed once for arm 3 (the arms are rotations of each other) and
  // shared by the normalization, ring-mass and angular-profile tests.
  const RHO_LO = 0.2;
  const RHO_HI = 2.4;
  const PANELS = 22;
  const NPHI = 4096;
  let cached: { rho: number[]; wrho: number[]; dens: Float64Array } | undefined;
  function polarGrid(prior: Pinwheel): { rho: number[]; wrho: number[]; dens: Float64Array } {
    if (cached) return cached;
    const gl = gaussLegendre(4);
    const rho: number[] = [];
    const wrho: number[] = [];
    const hp = (RHO_HI - RHO_LO) / PANELS;
    for (let k = 0; k < PANELS; k++) {
      for (let j = 0; j < 4; j++) {
        rho.push(RHO_LO + hp * (k + 0.5 + 0.5 * gl.x[j]!));
        wrho.push(0.5 * hp * gl.w[j]!);
      }
    }
    const dens = new Float64Array(rho.length * NPHI);
    for (let r = 0; r < rho.length; r++) {
      const pts = new Float32Array(2 * NPHI);
      for (let k = 0; k < NPHI; k++) {
        const phi = (2 * Math.PI * k) / NPHI;
        pts[2 * k] = rho[r]! * Math.cos(phi);
        pts[2 * k + 1] = rho[r]! * Math.sin(phi);
      }
      const lp = tf.tidy(() => prior.logProb(tf.tensor2d(pts, [NPHI, 2])).dataSync());
      for (let k = 0; k < NPHI; k++) dens[r * NPHI + k] = Math.exp(lp[k]!);
    }
    cached = { rho, wrho, dens };
    return cached;
  }

  /** Density of |f| at r, f ~ N((1, 0), diag(rs^2, ts^2)): int p_f(r cos b, r sin b) r db (float64, fine grid). */
  function radiusDensity(r: number): number {
    const n = 200_000;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const b = -Math.PI + ((i + 0.5) * 2 * Math.PI) / n;
      s += Math.exp(normalLp(r * Math.cos(b), 1, RS) + normalLp(r * Math.sin(b), 0, TS));
    }
    return (s * r * 2 * Math.PI) / n;
  }

  it('integrates to 1 (|error| < 1e-3) and its ring masses equal the density of |f| (rotations keep |z| = |f|), arm 3 alone', () => {
    expectNoLeak(() => {
      const arm = new Pinwheel().conditional(3);
      const { rho, wrho, dens } = polarGrid(arm);
      let total = 0;
      for (let r = 0; r < rho.length; r++) {
        let ring = 0;
        for (let k = 0; k < NPHI; k++) ring += dens[r * NPHI + k]!;
        ring *= (rho[r]! * 2 * Math.PI) / NPHI;
        total += wrho[r]! * ring;
        if (r % 11 === 0) {
          const ref = radiusDensity(rho[r]!);
          expect(Math.abs(ring - ref)).toBeLessThan(1e-3 * Math.max(ref, 1e-3));
        }
      }
      expect(Math.abs(total - 1)).toBeLessThan(1e-3);
    });
  });

  it('angular profile: E[cos / sin(k (phi + rate e^rho))] by quadrature match 100k samples of arm 3 (k up to 200, 5 SE)', () => {
    expectNoLeak(() => {
      const arm = new Pinwheel().conditional(3);
      const { rho, wrho, dens } = polarGrid(arm);
      const n = 100_000;
      const z = arm.sample(testSeed(), [n]);
      const zs = z.dataSync();
      // phi + rate e^rho is constant (= -a_c) along an arm's centre line, so these moments probe the
      // arm's position and its width across (k = 200: k * tangentialStd / rho ~ 1 radian).
      for (const k of [10, 40, 100, 200]) {
        for (const trig of [Math.cos, Math.sin]) {
          const h = (x: number, y: number) => trig(k * (Math.atan2(y, x) + RATE * Math.exp(Math.hypot(x, y))));
          let quad = 0;
          for (let r = 0; r < rho.length; r++) {
            let ring = 0;
            for (let j = 0; j < NPHI; j++) {
              const phi = (2 * Math.PI * j) / NPHI;
              ring += dens[r * NPHI + j]! * h(rho[r]! * Math.cos(phi), rho[r]! * Math.sin(phi));
            }
            quad += (wrho[r]! * ring * rho[r]! * 2 * Math.PI) / NPHI;
          }
          let s1 = 0;
          let s2 = 0;
          for (let i = 0; i < n; i++) {
            const v = h(zs[2 * i]!, zs[2 * i + 1]!);
            s1 += v;
            s2 += v * v;
          }
          const mean = s1 / n;
          const se = Math.sqrt(Math.max(s2 / n - mean * mean, 1e-12) / n);
          expect(Math.abs(quad - mean)).toBeLessThan(5 * se + 2e-4);
        }
      }
      z.dispose();
    });
  });

  it('is finite everywhere with finite gradients (far points, the origin), NaN for NaN input, no leaks', () => {
    const p = new Pinwheel();
    expectNoLeak(() => {
      const pts = [
        [0, 0],
        [4, -3],
        [30, 1],
        [-1e3, 2e3],
        [0.5, 0.5],
      ];
      const lp = take(tf.tidy(() => p.logProb(tf.tensor2d(pts))));
      lp.forEach((v) => expect(Number.isFinite(v)).toBe(true));
      expect(lp[3]!).toBeLessThan(-1e9);
      const g = tfGrad((z) => p.logProb(z), pts);
      g.flat().forEach((v) => expect(Number.isFinite(v)).toBe(true));
      const nan = take(tf.tidy(() => p.logProb(tf.tensor2d([[NaN, 0], [1, 0]]))));
      expect(Number.isNaN(nan[0]!)).toBe(true);
      expect(Number.isFinite(nan[1]!)).toBe(true);
      const shaped = tf.tidy(() => p.logProb(tf.zeros([3, 4, 2])));
      expect(shaped.shape).toEqual([3, 4]);
      shaped.dispose();
    });
  });
});

describe('Pinwheel options', () => {
  it('validates options with messages that name class, option, expectation and value', () => {
    expect(() => new Pinwheel({ arms: 0 })).toThrow(ValidationError);
    expect(() => new Pinwheel({ arms: 2.5 })).toThrow('Pinwheel: arms must be an integer >= 1, got 2.5');
    expect(() => new Pinwheel({ radialStd: -1 })).toThrow('Pinwheel: radialStd must be a finite number > 0, got -1');
    expect(() => new Pinwheel({ tangentialStd: 0 })).toThrow(ValidationError);
    expect(() => new Pinwheel({ rate: -0.1 })).toThrow('Pinwheel: rate must be a finite number >= 0, got -0.1');
    expect(() => new Pinwheel({ scale: Number.NaN })).toThrow(ValidationError);
    expect(() => new Pinwheel({ noise: 1 } as never)).toThrow('Pinwheel: unknown option "noise"; known options: arms, radialStd, tangentialStd, rate, scale');
    expect(() => new Pinwheel().conditional(10)).toThrow('Pinwheel.conditional: c must be an integer in [0, 9], got 10');
    expect(() => new Pinwheel().conditional(1).conditional(2)).toThrow(ValidationError);
    expect(() => new Pinwheel().sampleWithClass(1, 0)).toThrow(ValidationError);
    expect(new Pinwheel().numClasses).toBe(10);
    expect(new Pinwheel({ arms: 4 }).conditional(1).classIndex).toBe(1);
  });

  it('rate 0 is a rotated Gaussian per arm (closed form)', () => {
    expectNoLeak(() => {
      const p = new Pinwheel({ arms: 1, rate: 0 });
      const pts = [
        [1, 0],
        [1.1, -0.003],
        [3.5, 0.01],
      ];
      const lp = take(tf.tidy(() => p.logProb(tf.tensor2d(pts))));
      pts.forEach(([x, y], i) => expect(Math.abs(lp[i]! - (normalLp(x!, 1, RS) + normalLp(y!, 0, TS)))).toBeLessThan(1e-3));
    });
  });
});

