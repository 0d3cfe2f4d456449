import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

describe('guide 1: sample a pinwheel with @ddvi/distributions alone', () => {
  it('runs as written: 1,000 labelled points on 5 arms with finite exact log-densities', async () => {
    const { pinwheel, z, label, logDensity } = await import('../guides/examples/sample-pinwheel');
    expect(z.shape).toEqual([1000, 2]);
    expect(label.shape).toEqual([1000]);
    expect(pinwheel.numClasses).toBe(5);
    const arms = new Set(label.dataSync());
    expect([...arms].sort()).toEqual([0, 1, 2, 3, 4]);
    const lp = Array.from(logDensity.dataSync());
    expect(lp.every(Number.isFinite)).toBe(true);
    // Points sit on the arms, where the density is high: far above a point well off the wheel.
    const off = tf.tidy(() => pinwheel.logProb(tf.tensor2d([[5, 5]])).dataSync()[0]!);
    const mean = lp.reduce((a, b) => a + b, 0) / lp.length;
    expect(mean).toBeGreaterThan(off + 10);
    // Reproducible: the same seed draws the same points.
    const again = pinwheel.sampleWithClass(0, 1000);
    expect(again.z.dataSync()).toEqual(z.dataSync());
    tf.dispose([z, label, logDensity, again.z, again.label]);
  });
});
