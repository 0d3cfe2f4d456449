import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError, writeFileAtomic } from '@ddvi/core';
import { unzipSync, zipSync } from 'fflate';
import { decodeNpy, encodeNpy } from './npy';
import type { ClusteringSpec } from './latent_scores';

/** Where a run keeps its cells' latents: `<out>/latents/<cell id>.npz`. */
export const LATENTS_DIR = 'latents';

/** What a kept-latents file records beside the arrays: enough to score them again as the run did. */
export interface LatentFileMeta {
  format: 'ddvi-latents/1';
  /** The cell id and its seed (the seed of kNN ties, k-means and the GMM). */
  id: string;
  seed: number;
  dim: number;
  /** Classes of the labels (null: unlabelled). */
  numClasses: number | null;
  /** The clustering the run scored NMI / purity with. */
  clustering: ClusteringSpec;
  /** Names of the scored (test or validation) and the reference (train) splits. */
  splits: { test: string; train: string };
  /** The prior samples' count and seed of the latent NLL (absent for baselines: no prior). */
  latentNll?: { samples: number; seed: number };
}

/**
 * A cell's latents as kept on disk (one .npz, which `numpy.load` opens): `test_z` [n, dim] float32
 * one posterior sample per scored example, `train_z` [m, dim] likewise for the training split,
 * `test_y` / `train_y` int32 labels where the data has them, `prior_z` [k, dim] the prior samples
 * the latent NLL scored (families only), and `meta.json` (LatentFileMeta).
 */
export interface KeptLatents {
  meta: LatentFileMeta;
  testZ: Float32Array;
  trainZ: Float32Array;
  testY?: Int32Array;
  trainY?: Int32Array;
  priorZ?: Float32Array;
}

/** The file of a cell id, relative to the run's folder (as listed in the cell's `files`). */
export function latentFileName(id: string): string {
  return `${LATENTS_DIR}/${id}.npz`;
}

// A fixed timestamp: the same latents give the same bytes.
const ZIP_OPTIONS = { level: 0, mtime: new Date(Date.UTC(1980, 0, 2)) } as const;

/** Encodes kept latents as .npz bytes (stored, uncompressed: float noise does not compress). */
export function encodeLatentFile(latents: KeptLatents): Uint8Array {
  const { meta, testZ, trainZ } = latents;
  const rows = (z: Float32Array) => [z.length / meta.dim, meta.dim];
  const members: Record<string, Uint8Array> = {
    'test_z.npy': encodeNpy({ dtype: 'float32', data: testZ, shape: rows(testZ) }),
    'train_z.npy': encodeNpy({ dtype: 'float32', data: trainZ, shape: rows(trainZ) }),
  };
  if (latents.testY) members['test_y.npy'] = encodeNpy({ dtype: 'int32', data: latents.testY, shape: [latents.testY.length] });
  if (latents.trainY) members['train_y.npy'] = encodeNpy({ dtype: 'int32', data: latents.trainY, shape: [latents.trainY.length] });
  if (latents.priorZ) members['prior_z.npy'] = encodeNpy({ dtype: 'float32', data: latents.priorZ, shape: rows(latents.priorZ) });
  members['meta.json'] = new TextEncoder().encode(`${JSON.stringify(meta, null, 2)}\n`);
  return zipSync(members, ZIP_OPTIONS);
}

/** Writes a cell's latents to `<out>/latents/<id>.npz` atomically; returns the path relative to `out`. */
export async function writeLatentFile(out: string, latents: KeptLatents): Promise<string> {
  const name = latentFileName(latents.meta.id);
  await writeFileAtomic(join(out, name), encodeLatentFile(latents));
  return name;
}

/** Reads a kept-latents file; `where` names it in errors (a missing member, a shape that does not fit). */
export function decodeLatentFile(bytes: Uint8Array, where: string): KeptLatents {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (e) {
    throw new ValidationError(`${where}: not a .npz (zip) file (${(e as Error).message})`);
  }
  const metaBytes = members['meta.json'];
  if (!metaBytes) throw new ValidationError(`${where}: no meta.json member; not a latents file the runner wrote`);
  const meta = JSON.parse(new TextDecoder().decode(metaBytes)) as LatentFileMeta;
  if (meta.format !== 'ddvi-latents/1') throw new ValidationError(`${where}: format ${JSON.stringify(meta.format)}, expected "ddvi-latents/1"`);
  const array = (name: string, dtype: 'float32' | 'int32', width: number | null) => {
    const member = members[`${name}.npy`];
    if (!member) return undefined;
    const a = decodeNpy(member, `${where}:${name}.npy`);
    const ok = a.dtype === dtype && (width === null ? a.shape.length === 1 : a.shape.length === 2 && a.shape[1] === width);
    if (!ok) throw new ValidationError(`${where}:${name}.npy: a ${dtype} array of shape ${width === null ? '[n]' : `[n, ${width}]`} expected, got ${a.dtype} [${a.shape.join(', ')}]`);
    return a.data;
  };
  const testZ = array('test_z', 'float32', meta.dim) as Float32Array | undefined;
  const trainZ = array('train_z', 'float32', meta.dim) as Float32Array | undefined;
  if (!testZ || !trainZ) throw new ValidationError(`${where}: test_z.npy and train_z.npy are required`);
  const testY = array('test_y', 'int32', null) as Int32Array | undefined;
  const trainY = array('train_y', 'int32', null) as Int32Array | undefined;
  const priorZ = array('prior_z', 'float32', meta.dim) as Float32Array | undefined;
  if (testY && testY.length * meta.dim !== testZ.length) throw new ValidationError(`${where}: ${testY.length} test labels for ${testZ.length / meta.dim} test latents`);
  if (trainY && trainY.length * meta.dim !== trainZ.length) throw new ValidationError(`${where}: ${trainY.length} train labels for ${trainZ.length / meta.dim} train latents`);
  return { meta, testZ, trainZ, ...(testY ? { testY } : {}), ...(trainY ? { trainY } : {}), ...(priorZ ? { priorZ } : {}) };
}

export function readLatentFile(path: string): KeptLatents {
  return decodeLatentFile(new Uint8Array(readFileSync(path)), path);
}
