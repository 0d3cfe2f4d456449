import { ValidationError } from '@ddvi/core';
import { MNIST_COLS, MNIST_ROWS, TOY_TEST, TOY_TRAIN, mnistFromIdx, parseIdx, toySplits } from '@ddvi/benchmarks/browser';
import type { Splits } from '@ddvi/benchmarks/browser';
import type { DatasetName } from '../settings';

/**
 * Examples per MNIST split in the page's static asset (scripts/prepare-assets.mjs writes them):
 * the subset `ddvi train --train-limit 5000 --test-limit 1000` draws.
 */
export const MNIST_SUBSET = { train: 5000, test: 1000 } as const;

/** Train / test sizes, as `ddvi eval` must be told them (run.json's trainLimit / testLimit). */
export function splitSizes(dataset: DatasetName): { trainLimit: number; testLimit: number } {
  return dataset === 'mnist' ? { trainLimit: MNIST_SUBSET.train, testLimit: MNIST_SUBSET.test } : { trainLimit: TOY_TRAIN, testLimit: TOY_TEST };
}

export type Fetch = (url: string) => Promise<Response>;

/**
 * The splits of a dataset, built as `ddvi train` builds them: the toy from the prior's samples
 * (no download), MNIST from the gzipped IDX files under `assetBase`/mnist/.
 */
export async function loadPlaygroundSplits(
  dataset: DatasetName, prior: string, latentSize: number, assetBase: string, fetchFn: Fetch = (u) => fetch(u),
): Promise<Required<Splits>> {
  if (dataset === 'toy') {
    const s = toySplits({ prior, latentSize, ...splitSizes('toy') });
    return { ...s, train: s.train! };
  }
  const read = async (name: string) => parseIdx(await fetchIdx(new URL(`mnist/${name}.gz`, assetBase).href, fetchFn), name);
  const split = async (split: 'train' | 'test', prefix: string) => {
    const [images, labels] = await Promise.all([read(`${prefix}-images-idx3-ubyte`), read(`${prefix}-labels-idx1-ubyte`)]);
    return mnistFromIdx(images, labels, { split }, { images: `${prefix}-images`, labels: `${prefix}-labels` });
  };
  const [train, test] = await Promise.all([split('train', 'train'), split('test', 't10k')]);
  return { train, test, imageShape: [MNIST_ROWS, MNIST_COLS], labelName: 'digit' };
}

/** The bytes of an IDX file, gunzipped here unless the server already decoded them (Content-Encoding). */
async function fetchIdx(url: string, fetchFn: Fetch): Promise<Uint8Array> {
  const response = await fetchFn(url);
  if (!response.ok) {
    throw new ValidationError(`MNIST asset ${url}: HTTP ${response.status}; run \`pnpm --filter playground build\` (it writes public/mnist/)`);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
