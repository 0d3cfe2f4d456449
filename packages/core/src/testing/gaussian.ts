import * as tf from '@tensorflow/tfjs-core';
import { HALF_LOG_2PI } from '../math_constants';
import { toSeedStream } from '../random/seed_stream';
import type { SeedLike } from '../random/seed_stream';
import type { Distribution } from '../types/distribution';


/**
 * A minimal diagonal Gaussian for the conformance kit's reference model. Core cannot import
 * @ddvi/distributions (which depends on core), and the kit needs only these few lines.
 */
export class TestGaussian implements Distribution {
  readonly name = 'TestGaussian';
  readonly reparameterized = true;
  readonly batchShape: number[];
  readonly eventShape: number[];

  constructor(
    private readonly loc: tf.Tensor,
    private readonly scale: number,
  ) {
    this.batchShape = loc.shape.slice(0, -1);
    this.eventShape = loc.shape.slice(-1);
  }

  sample(seed: SeedLike, sampleShape: readonly number[] = []): tf.Tensor {
    return this.rsample(seed, sampleShape);
  }

  rsample(seed: SeedLike, sampleShape: readonly number[] = []): tf.Tensor {
    const shape = [...sampleShape, ...this.loc.shape];
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, tf.randomNormal(shape, 0, 1, 'float32', toSeedStream(seed).next()))));
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const u = tf.div(tf.sub(value, this.loc), this.scale);
      const d = this.eventShape[0]!;
      return tf.sub(tf.mul(-0.5, tf.sum(tf.square(u), -1)), d * (HALF_LOG_2PI + Math.log(this.scale)));
    });
  }

  mean(): tf.Tensor {
    return tf.clone(this.loc);
  }
}
