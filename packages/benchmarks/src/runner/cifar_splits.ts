import { ValidationError } from '@ddvi/core';
import type { TrunkSpec } from './cell_data';
import { loadCifar10 } from '../datasets/cifar10';
import { cifar10FileSizes } from '../datasets/cifar_file';
import { CIFAR_SHAPE, CIFAR_SOURCE_HINT } from '../datasets/cifar_format';
import { SUBSET_SEED } from '../datasets/toy_splits';
import type { SplitOptions, Splits } from './splits';

/** Every family's encoder (and DDVI's context encoder, the flows' context) and the decoder on CIFAR-10: the spec's conv nets (§6). */
export const CIFAR_TRUNK: TrunkSpec = { kind: 'conv', shape: [...CIFAR_SHAPE] as [number, number, number] };

/**
 * The fixed standard deviation of the Gaussian likelihood on CIFAR-10 pixels in [0, 1]: sigma^2 =
 * 1/2, so -log p(x | z) = sum of squared errors + (D/2) log(pi). The reference trains with the MSE
 * (a per-pixel mean, kld_weight on the KL); with sigma^2 = 1/2 our per-image bound optimises the
 * same sum of squares, and the reference's weighting maps to beta = kld_weight x 3,072 exactly as
 * D3 maps MNIST's, while the reported number stays a proper bound in nats.
 */
export const CIFAR_GAUSSIAN_SCALE = Math.SQRT1_2;

/**
 * CIFAR-10's splits (spec §11) from the binary files in `dataDir`: pixels / 255 in [0, 1], kept as
 * 3x32x32 for the conv nets, no random flips (the reference flips at test time too, §12.9: we do
 * not). Limits keep a seeded subset. Both splits' files are checked before either is read.
 */
export async function cifarSplits(options: SplitOptions, testOnly: boolean): Promise<Splits> {
  const dir = options.dataDir;
  if (dir === undefined) throw new ValidationError(`dataset cifar10: no data folder given (--data-dir DIR); ${CIFAR_SOURCE_HINT}`);
  await cifar10FileSizes('test', dir);
  if (!testOnly) await cifar10FileSizes('train', dir);
  const load = (split: 'train' | 'test', n: number | undefined) =>
    loadCifar10({ split, dataDir: dir, ...(n === undefined ? {} : { subset: { n, seed: SUBSET_SEED } }) });
  const test = await load('test', options.testLimit);
  const train = testOnly ? undefined : await load('train', options.trainLimit);
  // imageShape [96, 32]: a flat CHW image drawn as its R, G and B planes stacked (the contact sheets are grey).
  return {
    train, test, imageShape: [96, 32], labelName: 'class', likelihood: 'gaussian', gaussianScale: CIFAR_GAUSSIAN_SCALE, trunk: CIFAR_TRUNK,
  };
}
