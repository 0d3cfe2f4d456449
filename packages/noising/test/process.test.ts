import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError, tidy } from '@ddvi/core';
import {
  GaussianDiffusion,
  GaussianMarkovProcess,
  VarianceExploding,
  cosineSchedule,
  linearSchedule,
  sigmoidSchedule,
  stepKL,
} from '../src';
import { expectClose, expectGaussianStats, expectNoLeak, take } from './helpers';

const T = 40;
const cases: Array<[string, () => GaussianMarkovProcess]> = [
  ['linear', () => new GaussianDiffusion(linearSchedule(T))],
  ['cosine', () => new GaussianDiffusion(cosineSchedule(T))],
  ['sigmoid', () => new GaussianDiffusion(sigmoidSchedule(T))],
  ['alphasCumprod', () => GaussianDiffusion.fromAlphasCumprod(Array.from({ length: T }, (_, i) => 1 - (i + 1) / (T + 1)))],
  ['variance-exploding', () => VarianceExploding.geometric(T, 0.01, 2)],
];

/** Host (float64) marginal scale m_t and variance s2_t, t = 0..T. */
function hostMarginal(p: GaussianMarkovProcess, t: number): { m: number; v: number } {
  return { m: p.host.m[t]!, v: p.host.s[t]! ** 2 };
}

const processes: GaussianMarkovProcess[] = [];
afterAll(() => processes.forEach((p) => p.dispose()));

describe.each(cases)('%s', (_label, make) => {
  const p = make();
  processes.push(p);

  it('closed-form tables match the family formulas in float64 (rel 1e-12)', () => {
    if (p instanceof GaussianDiffusion) {
      const { betas, alphasCumprod: ab } = p.schedule;
      for (let t = 1; t <= T; t++) {
        const abPrev = t === 1 ? 1 : ab[t - 2]!;
        const b = betas[t - 1]!;
        // spec §1: mutilde weights and betatilde
        expectClose([p.host.m[t]!, p.host.s[t]! ** 2], [Math.sqrt(ab[t - 1]!), 1 - ab[t - 1]!], 0, 1e-10, `t=${t} marginal`);
        expectClose(
          [p.host.postC0[t]!, p.host.postCt[t]!, p.host.postVar[t]!],
          [(b * Math.sqrt(abPrev)) / (1 - ab[t - 1]!), (Math.sqrt(1 - b) * (1 - abPrev)) / (1 - ab[t - 1]!), (b * (1 - abPrev)) / (1 - ab[t - 1]!)],
          1e-300,
          1e-10,
          `t=${t} posterior`,
        );
        // eps form: mean = (y_t - beta / sqrt(1 - abar) eps) / sqrt(alpha)
        expectClose([p.host.epsA[t]!, p.host.epsB[t]!], [1 / Math.sqrt(1 - b), -b / (Math.sqrt(1 - b) * Math.sqrt(1 - ab[t - 1]!))], 0, 1e-9, `t=${t} eps`);
      }
    } else if (p instanceof VarianceExploding) {
      for (let t = 1; t <= T; t++) {
        const s = p.sigmas[t - 1]!;
        const sp = t === 1 ? 0 : p.sigmas[t - 2]!;
        expectClose([p.host.m[t]!, p.host.s[t]!, p.host.postVar[t]!], [1, s, (sp * sp * (s * s - sp * sp)) / (s * s)], 1e-300, 1e-12);
      }
    }
  });

  it('posterior = Bayes rule r(y_t|y_{t-1}) r(y_{t-1}|y_0) normalized: float64 algebra (1e-12) and a grid of the log-densities (1e-3)', () => {
    for (const t of [2, 7, T]) {
      // Gaussian algebra in float64
      const a = p.host.a[t]!;
      const b = p.host.b[t]!;
      const { m: mp, v: vp } = hostMarginal(p, t - 1);
      const prec = 1 / vp + (a * a) / b;
      const y0 = 0.7;
      const yt = -0.4;
      const mean = (mp * y0 / vp + (a * yt) / b) / prec;
      expectClose([p.host.postC0[t]! * y0 + p.host.postCt[t]! * yt, p.host.postVar[t]!], [mean, 1 / prec], 1e-12, 1e-9, `t=${t}`);
      // numerically, with the process's own (float32) log-densities on a grid of y_{t-1}
      const sd = Math.sqrt(1 / prec);
      const n = 801;
      const grid = Array.from({ length: n }, (_, i) => mean + sd * (-8 + (16 * i) / (n - 1)));
      const yPrev = tf.tensor2d(grid, [n, 1]);
      const y0s = tf.fill([n, 1], y0) as tf.Tensor2D;
      const yts = tf.fill([n, 1], yt) as tf.Tensor2D;
      const lt = take(p.transitionLogProb(yts, yPrev, t));
      const lm = t - 1 >= 1 ? take(p.marginalLogProb(yPrev, y0s, t - 1)) : grid.map(() => 0);
      const lpost = take(p.posteriorLogProb(yPrev, yts, y0s, t));
      const post = p.posterior(yts, y0s, t);
      const [pm, pv] = [take(post.mean)[0]!, take(post.variance)[0]!];
      post.logVariance.dispose();
      tf.dispose([yPrev, y0s, yts]);
      const logw = lt.map((v, i) => v + lm[i]!);
      const mx = Math.max(...logw);
      const w = logw.map((v) => Math.exp(v - mx));
      const Z = w.reduce((s, v) => s + v, 0);
      const gm = w.reduce((s, v, i) => s + v * grid[i]!, 0) / Z;
      const gv = w.reduce((s, v, i) => s + v * (grid[i]! - gm) ** 2, 0) / Z;
      expectClose([gm, gv], [pm, pv], 1e-3 * sd, 1e-3, `grid t=${t}`);
      // and the posterior log-density is the normalized product on the grid
      const h = grid[1]! - grid[0]!;
      lpost.forEach((v, i) => expect(Math.abs(v - (Math.log(w[i]! / (Z * h))))).toBeLessThan(2e-2));
    }
  });

  it('composing the one-step transitions (sampleChain, N = 20000) matches r(y_t|y_0) within 5 standard errors', () => {
    const N = 20000;
    const y0 = tf.fill([N, 1], 1.5) as tf.Tensor2D;
    const chain = p.sampleChain(y0, 11);
    expect(chain.shape).toEqual([T + 1, N, 1]);
    const data = chain.dataSync();
    for (const t of [1, T / 2, T]) {
      const { m, v } = hostMarginal(p, t);
      expectGaussianStats(data.subarray(t * N, (t + 1) * N), N, [1.5 * m], [v], 5, `t=${t}`);
    }
    tf.dispose([y0, chain]);
  });

  it('marginalSample with per-example t (N = 20000) matches the closed form within 5 SE; noise is returned', () => {
    const N = 20000;
    const t = 17;
    const y0 = tf.fill([N, 1], -2) as tf.Tensor2D;
    const tt = tf.fill([N], t, 'int32') as tf.Tensor1D;
    const { yt, noise } = p.marginalSample(y0, tt, 5);
    const { m, v } = hostMarginal(p, t);
    expectGaussianStats(yt.dataSync(), N, [-2 * m], [v], 5, 'marginal');
    // y_t = m y0 + s noise exactly
    const recon = take(tf.add(tf.mul(m, y0), tf.mul(Math.sqrt(v), noise)));
    expectClose(take(yt).slice(0, 100), recon.slice(0, 100), 1e-5, 1e-5);
    tf.dispose([y0, tt, noise]);
  });

  it('posteriorSample is the conditional of (y_{t-1}, y_t): regression of sampled pairs gives slope, intercept and residual variance (5 SE)', () => {
    const N = 20000;
    const t = 9;
    const y0 = tf.fill([N, 1], 0.8) as tf.Tensor2D;
    const { yt } = p.marginalSample(y0, t, 1);
    const yPrev = p.posteriorSample(yt, y0, t, 2);
    // closed form conditional: mean c0 y0 + ct yt, variance postVar
    const resid = take(tf.sub(yPrev, tf.add(tf.mul(p.host.postC0[t]! * 1, y0), tf.mul(p.host.postCt[t]!, yt))));
    expectGaussianStats(resid, N, [0], [p.host.postVar[t]!], 5, 'posterior residual');
    // and the pair is distributed as the forward joint: y_{t-1} has marginal r(y_{t-1}|y_0)
    const { m, v } = hostMarginal(p, t - 1);
    expectGaussianStats(yPrev.dataSync(), N, [0.8 * m], [v], 5, 'y_{t-1} marginal');
    tf.dispose([y0, yt, yPrev]);
  });

  it('eps- and y0-parameterized posterior means agree; DDIM with the true eps gives m_{t-1} y0 + s_{t-1} eps', () => {
    const B = 64;
    const y0 = tf.randomNormal([B, 2], 0, 1, 'float32', 3) as tf.Tensor2D;
    const t = tf.tensor1d(Array.from({ length: B }, (_, i) => 1 + (i % T)), 'int32');
    const { yt, noise } = p.marginalSample(y0, t, 4);
    const fromEps = p.posteriorFromNoise(yt, noise, t);
    const y0hat = p.predictY0FromNoise(yt, noise, t);
    const fromY0 = p.posteriorFromY0(yt, y0hat, t);
    const fromTrue = p.posterior(yt, y0, t);
    const epsMean = take(fromEps.mean);
    expectClose(epsMean, take(fromY0.mean), 1e-4, 1e-4, 'eps vs y0hat');
    expectClose(take(fromTrue.mean), epsMean, 1e-4, 1e-4, 'true y0');
    expectClose(take(y0hat), y0.dataSync(), 5e-4, 1e-3, 'y0hat');
    expectClose(take(p.predictNoiseFromY0(yt, y0, t)), noise.dataSync(), 2e-3, 1e-3, 'noise from y0');
    // DDIM eta = 0: deterministic, reproduces the marginal mean path
    const step = take(p.ddimStep(yt, noise, t));
    const tv = t.dataSync();
    const y0v = y0.dataSync();
    const nv = noise.dataSync();
    const expected = step.map((_, j) => {
      const i = Math.floor(j / 2);
      const s = tv[i]! - 1;
      return p.host.m[s]! * y0v[j]! + p.host.s[s]! * nv[j]!;
    });
    expectClose(step, expected, 1e-4, 1e-4, 'ddim');
    if (p instanceof GaussianDiffusion) {
      // spec §3 form: (y_t - sqrt(1 - abar_t) eps) / sqrt(alpha_t) + sqrt(1 - abar_{t-1}) eps
      const ytv = yt.dataSync();
      const spec = step.map((_, j) => {
        const s = tv[Math.floor(j / 2)]!;
        const ab = p.schedule.alphasCumprod;
        const abPrev = s === 1 ? 1 : ab[s - 2]!;
        return (ytv[j]! - Math.sqrt(1 - ab[s - 1]!) * nv[j]!) / Math.sqrt(1 - p.schedule.betas[s - 1]!) + Math.sqrt(1 - abPrev) * nv[j]!;
      });
      expectClose(step, spec, 1e-4, 1e-4, 'ddim spec');
    }
    tf.dispose([y0, t, yt, noise, fromEps.variance, fromEps.logVariance, fromY0.variance, fromY0.logVariance, fromTrue.variance, fromTrue.logVariance]);
  });

  it('t = 1: the posterior is the point mass at y_0 (variance 0, finite clipped log-variance, log-prob and step KL 0)', () => {
    const y0 = tf.tensor2d([[0.3], [-1]]);
    const yt = tf.tensor2d([[0.2], [0.5]]);
    const post = p.posterior(yt, y0, 1);
    expectClose(take(post.mean), [0.3, -1], 1e-6, 0);
    expect(take(post.variance)).toEqual([0, 0]);
    expectClose(take(post.logVariance), [Math.log(p.host.postVar[2]!), Math.log(p.host.postVar[2]!)], 1e-4, 1e-5);
    expect(take(p.posteriorLogProb(y0, yt, y0, 1))).toEqual([0, 0]);
    const mixed = tf.tensor1d([1, 3], 'int32');
    const lp = take(p.posteriorLogProb(y0, yt, y0, mixed));
    expect(lp[0]).toBe(0);
    expect(Number.isFinite(lp[1])).toBe(true);
    const q = { mean: yt, logVariance: tf.zeros([2, 1]) as tf.Tensor2D };
    const kl = take(stepKL(p, q, yt, y0, mixed));
    expect(kl[0]).toBe(0);
    expect(kl[1]).toBeGreaterThan(0);
    const rv = p.reverseVariance(1, [2, 1]);
    expectClose(take(rv.variance), [p.host.b[1]!, p.host.b[1]!], 0, 1e-6);
    rv.logVariance.dispose();
    tf.dispose([y0, yt, mixed, q.logVariance]);
  });

  it('log-densities: marginal vs float64 formula, chainLogProb = sum of transition log-probs, per-example t = per-number t', () => {
    const y0 = tf.tensor2d([[0.5, -0.2], [1.0, 2.0]]);
    const chain = p.sampleChain(y0, 8);
    let sum = tf.zeros([2]);
    for (let t = 1; t <= T; t++) {
      const [cur, prev] = [tf.gather(chain, t), tf.gather(chain, t - 1)] as unknown as [tf.Tensor2D, tf.Tensor2D];
      const next = tf.add(sum, p.transitionLogProb(cur, prev, t));
      tf.dispose([sum, cur, prev]);
      sum = next;
    }
    expectClose(take(p.chainLogProb(chain)), take(sum), 1e-2, 1e-4, 'chain');
    const y5 = tf.gather(chain, 5) as unknown as tf.Tensor2D;
    const lm = take(p.marginalLogProb(y5, y0, 5));
    const { m, v } = hostMarginal(p, 5);
    const yv = y5.dataSync();
    const y0v = y0.dataSync();
    const expected = [0, 1].map((i) =>
      [0, 1].reduce((s, k) => s - 0.5 * (Math.log(2 * Math.PI * v) + (yv[2 * i + k]! - m * y0v[2 * i + k]!) ** 2 / v), 0),
    );
    expectClose(lm, expected, 1e-3, 1e-4, 'marginal logprob');
    const tt = tf.tensor1d([5, 5], 'int32');
    expectClose(take(p.marginalLogProb(y5, y0, tt)), lm, 1e-5, 1e-6);
    tf.dispose([y0, chain, y5, tt]);
  });

  it('is deterministic under a seed, and nothing leaks', () => {
    const y0 = tf.ones([3, 2]) as tf.Tensor2D;
    const a = take(p.sampleChain(y0, 42));
    const b = take(p.sampleChain(y0, 42));
    const c = take(p.sampleChain(y0, 43));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expectNoLeak(() => {
      const t = tf.tensor1d([1, 2, T], 'int32');
      const out: tf.Tensor[] = [];
      const ms = p.marginalSample(y0, t, 1);
      out.push(ms.yt, ms.noise);
      const mg = p.marginal(y0, t);
      out.push(mg.mean, mg.std);
      for (const g of [p.transition(y0, t), p.posterior(ms.yt, y0, t), p.posteriorFromNoise(ms.yt, ms.noise, t), p.posteriorFromY0(ms.yt, y0, t)]) {
        out.push(g.mean, g.variance, g.logVariance);
      }
      const rv = p.reverseVariance(t, [3, 2], 'forward');
      out.push(rv.variance, rv.logVariance);
      const chain = p.sampleChain(y0, 1);
      out.push(
        chain,
        p.chainLogProb(chain),
        p.marginalLogProb(ms.yt, y0, t),
        p.transitionSample(y0, t, 2),
        p.transitionLogProb(ms.yt, y0, t),
        p.posteriorSample(ms.yt, y0, t, 3),
        p.posteriorLogProb(y0, ms.yt, y0, t),
        p.predictY0FromNoise(ms.yt, ms.noise, t),
        p.predictNoiseFromY0(ms.yt, y0, t),
        p.ddimStep(ms.yt, ms.noise, t),
        stepKL(p, { mean: y0, logVariance: y0 }, ms.yt, y0, t),
      );
      tf.dispose([...out, t]);
    });
    y0.dispose();
  });

  it('rejects bad inputs with a ValidationError', () => {
    const y0 = tf.ones([3, 2]) as tf.Tensor2D;
    const bad: Array<() => unknown> = [
      () => p.marginal(y0, T + 1),
      () => p.marginalSample(y0, 0, 1),
      () => p.marginal(y0, 1.5),
      () => p.marginal(tf.ones([3]) as unknown as tf.Tensor2D, 1),
      () => p.marginal(y0, tf.tensor1d([1, 2], 'int32')),
      () => p.marginal(y0, tf.tensor1d([1, 2, 3], 'float32') as tf.Tensor1D),
      () => p.marginal(y0, tf.tensor1d([1, 2, T + 1], 'int32')),
      () => p.posterior(y0, tf.ones([2, 2]) as tf.Tensor2D, 1),
      () => p.chainLogProb(tf.zeros([T, 3, 2]) as tf.Tensor3D),
    ];
    for (const fn of bad) expect(fn).toThrow(ValidationError);
    y0.dispose();
  });
});

describe('ownership', () => {
  it('dispose() frees the tables; later use throws', () => {
    const before = tf.memory().numTensors;
    const p = new GaussianDiffusion(linearSchedule(10));
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    // tables survive an enclosing tidy
    const q = tidy(() => new VarianceExploding([0.1, 0.2]));
    const y0 = tf.ones([1, 1]) as tf.Tensor2D;
    const mg = q.marginal(y0, 1);
    expectClose(take(mg.std), [0.1], 1e-7, 1e-6);
    mg.mean.dispose();
    q.dispose();
    p.dispose();
    p.dispose();
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(() => p.marginal(y0, 1)).toThrow(/after dispose/);
    y0.dispose();
  });
});
