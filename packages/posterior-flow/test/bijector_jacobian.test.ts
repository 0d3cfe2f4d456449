import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeBijectors } from './bijectors';
import { autodiffLogDet, maxAbsDiff } from './jacobian';

const LOGDET_TOL = 1e-4;
const ROUNDTRIP_TOL = 1e-5;

/** Largest |logDetJ - log|det autodiff J|| over rows, for forward and (where cheap) inverse. */
function logDetErrors(d: number, c: number, batch: number, seed: number): Record<string, number> {
  const bijectors = makeBijectors(d, c, seed);
  const errors: Record<string, number> = {};
  tf.tidy(() => {
    const x = tf.randomNormal([batch, d], 0, 1.5, 'float32', seed) as tf.Tensor2D;
    const ctx = c > 0 ? (tf.randomNormal([batch, c], 0, 1, 'float32', seed + 7) as tf.Tensor2D) : undefined;
    for (const [name, b] of Object.entries(bijectors)) {
      const fwd = b.forward(x, ctx);
      errors[`${name}.forward`] = maxAbsDiff(fwd.logDetJ.dataSync(), autodiffLogDet((v) => b.forward(v, ctx).y, x));
      if (b.hasInverse) {
        const inv = b.inverse(x, ctx);
        errors[`${name}.inverse`] = maxAbsDiff(inv.logDetJ.dataSync(), autodiffLogDet((v) => b.inverse(v, ctx).x, x));
      }
    }
  });
  for (const b of Object.values(bijectors)) b.dispose();
  return errors;
}

describe('bijector log-determinants', () => {
  it('equal log |det| of the autodiff Jacobian for d = 2..5, with and without context', () => {
    let worst = 0;
    for (let d = 2; d <= 5; d++) {
      for (const c of [0, 3]) {
        const errors = logDetErrors(d, c, 6, 100 + d);
        for (const [name, e] of Object.entries(errors)) {
          expect(e, `${name} (d=${d}, context=${c})`).toBeLessThan(LOGDET_TOL);
          worst = Math.max(worst, e);
        }
      }
    }
    console.log(`max |logDetJ - autodiff log|det J||: ${worst.toExponential(2)}`);
  });

  it('hold over random sizes, batches and seeds (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.nat(100_000), (d, c, batch, seed) => {
        for (const [name, e] of Object.entries(logDetErrors(d, c, batch, seed))) {
          if (!(e < LOGDET_TOL)) throw new Error(`${name}: logDetJ off by ${e}`);
        }
      }),
      { numRuns: 12, seed: 5 },
    );
  });
});

describe('bijector inverses', () => {
  it('inverse(forward(x)) = x and the two log-determinants cancel, where an inverse exists (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 8 }), fc.nat(100_000), (d, c, batch, seed) => {
        const bijectors = makeBijectors(d, c, seed);
        tf.tidy(() => {
          const x = tf.randomNormal([batch, d], 0, 2, 'float32', seed) as tf.Tensor2D;
          const ctx = c > 0 ? (tf.randomNormal([batch, c], 0, 1, 'float32', seed + 1) as tf.Tensor2D) : undefined;
          for (const [name, b] of Object.entries(bijectors)) {
            if (!b.hasInverse) continue;
            const f = b.forward(x, ctx);
            const back = b.inverse(f.y, ctx);
            const err = maxAbsDiff(back.x.dataSync(), x.dataSync());
            if (!(err < ROUNDTRIP_TOL)) throw new Error(`${name}: inverse(forward(x)) off by ${err}`);
            const ld = maxAbsDiff(tf.add(f.logDetJ, back.logDetJ).dataSync(), new Float32Array(batch));
            if (!(ld < LOGDET_TOL)) throw new Error(`${name}: forward + inverse logDetJ = ${ld}, not 0`);
            // And the other way round: forward(inverse(y)) = y.
            const y = b.forward(b.inverse(x, ctx).x, ctx).y;
            const err2 = maxAbsDiff(y.dataSync(), x.dataSync());
            if (!(err2 < ROUNDTRIP_TOL)) throw new Error(`${name}: forward(inverse(y)) off by ${err2}`);
          }
        });
        for (const b of Object.values(bijectors)) b.dispose();
      }),
      { numRuns: 15, seed: 11 },
    );
  });

  it('says which bijector has no cheap inverse', () => {
    const { iaf, chain } = makeBijectors(3, 0, 1);
    const y = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(iaf.hasInverse).toBe(false);
    expect(() => iaf.inverse(y)).toThrow(/IAFStep: inverse is not available/);
    expect(() => chain.inverse(y)).toThrow(/Chain: inverse is not available \(no cheap inverse for IAFStep\)/);
    tf.dispose(y);
    iaf.dispose();
    chain.dispose();
  });
});
