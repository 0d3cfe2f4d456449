import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, encodeLatents, writeFileAtomic } from '@ddvi/core';
import type { Dataset, Posterior } from '@ddvi/core';
import type { DecoderModel } from '@ddvi/models';
import { renderLatentPlot } from './plots/latent';
import { centralRange, gridPoints, samplesSvg, tileImages } from './plots/samples';
import type { GridSpec } from './plots/samples';

export interface PlotOptions {
  out: string;
  seed: number;
  /** What labels mean ("digit"). */
  labelName: string;
  /** [rows, cols] of one example drawn as an image. */
  imageShape: [number, number];
  /** For titles. */
  describe: { dataset: string; posterior: string; prior: string; elbo?: number | null };
  /** Prior samples drawn behind the latents. */
  priorSamples?: number;
  /** Latent grid points per side in samples.png. */
  gridSize?: number;
}

/**
 * latent.svg/.png: one posterior sample per test example, colored by label, over grey prior
 * samples; samples.svg/.png: the decoder's mean image at each point of a regular latent grid
 * spanning the prior's central 99%. Returns the file names written.
 */
export async function writePlots(model: DecoderModel, posterior: Posterior, test: Dataset, o: PlotOptions): Promise<string[]> {
  const root = new SeedStream(o.seed).fork('plots');
  const prior = model.prior();
  const priorTensor = prior.sample(root.fork('prior'), [o.priorSamples ?? 2000]);
  const priorSamples = (await priorTensor.data()) as Float32Array;
  priorTensor.dispose();

  const latents = encodeLatents(posterior, test, { seed: o.seed });
  const d = o.describe;
  const elbo = d.elbo === undefined || d.elbo === null ? '' : `; test ELBO ${d.elbo.toFixed(2)} nats`;
  const latent = await renderLatentPlot({
    z: latents.z, labels: latents.labels, labelName: o.labelName, priorSamples,
    title: `${d.dataset} test latents: ${d.posterior} posterior, ${d.prior} prior`,
    subtitle: [
      `${test.size} test examples, one posterior sample each${latents.labels ? `, colored by ${o.labelName}` : ''}`,
      `grey: ${priorSamples.length / 2} samples of the prior${elbo}`,
    ],
  });
  await writeFileAtomic(join(o.out, 'latent.svg'), latent.svg);
  await writeFileAtomic(join(o.out, 'latent.png'), latent.png);

  const grid: GridSpec = { n: o.gridSize ?? 20, xRange: centralRange(priorSamples, 0), yRange: centralRange(priorSamples, 1) };
  const z = gridPoints(grid);
  const decoded = tf.tidy(() => model.decode(tf.tensor2d(z, [grid.n * grid.n, 2])));
  const images = (await decoded.data()) as Float32Array;
  decoded.dispose();
  const tiled = tileImages(images, grid, o.imageShape);
  await writeFileAtomic(join(o.out, 'samples.png'), tiled.png);
  const title = `decoder means on a ${grid.n} x ${grid.n} latent grid (${d.prior} prior's central 99%)`;
  await writeFileAtomic(join(o.out, 'samples.svg'), samplesSvg(tiled.png, tiled.width, tiled.height, grid, title));
  return ['latent.svg', 'latent.png', 'samples.png', 'samples.svg'];
}
