import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeedStream, createPosterior, initBackend, listPosteriors, posteriorFromJSON } from '@ddvi/core';
import { expectNoLeak } from '@ddvi/core/testing';
import '../src/families';

beforeAll(async () => {
  await initBackend();
});

const TRUNK = { kind: 'conv', shape: [3, 32, 32] };

/**
 * Every registered family takes the same `trunk` key (the spec's conv encoder, §6): its encoder
 * variables include the trunk's, sampling works on flat CHW images, the JSON round trip gives the
 * same draws, and without the key the variables are exactly those of the MLP encoder.
 */
/**
 * The families the CLI ships (src/families.ts): the semi-supervised wrapper builds its family on
 * [x, onehot(c)], which a conv trunk cannot read, and this worker's registry may hold a fixture
 * family another test file registered.
 */
const SHIPPED = ['aae', 'ddvi', 'gaussian', 'hiaf', 'iaf', 'maf', 'realnvp'];

describe('the conv trunk in every family', () => {
  it('covers every family the CLI registers', () => {
    expect(listPosteriors({ wrappers: false })).toEqual(expect.arrayContaining(SHIPPED));
  });
  for (const family of SHIPPED) {
    it(`${family}: trunk variables, sampling, JSON round trip, no leak`, () => {
      const q = createPosterior(family, { latentSize: 2, dataSize: 3072, seed: 7, config: { hidden: [8], trunk: TRUNK } });
      const names = Object.keys(q.namedVariables());
      expect(names.some((n) => /trunk\.conv0\.weight$/.test(n)), names.join(', ')).toBe(true);
      const x = tf.randomUniform([3, 3072], 0, 1, 'float32', 1) as tf.Tensor2D;
      const draw = (p: typeof q) => tf.tidy(() => p.sample(x, { seed: new SeedStream(5), training: false }).z);
      const z = draw(q);
      expect(z.shape).toEqual([3, 2]);
      const back = posteriorFromJSON(JSON.parse(JSON.stringify(q.toJSON())));
      expect(Array.from(draw(back).dataSync())).toEqual(Array.from(z.dataSync()));
      expectNoLeak(() => tf.dispose(draw(q)));
      const plain = createPosterior(family, { latentSize: 2, dataSize: 3072, seed: 7, config: { hidden: [8] } });
      expect(Object.keys(plain.namedVariables()).some((n) => n.includes('trunk'))).toBe(false);
      for (const p of [q, back, plain]) p.dispose();
      tf.dispose([x, z]);
    });
  }
});
