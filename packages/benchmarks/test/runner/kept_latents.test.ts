import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RESULTS_JSON, RESULTS_MD, cellPath, collectReport, decodeNpy, encodeLatentFile, decodeLatentFile, encodeNpy, kMeans,
  knnAccuracy, latentNll, nmi, readLatentFile, rescoreCells, resolveBenchConfig, runBenchmark, scoreLatents,
} from '../../src/index';
import type { BenchConfig, BenchResults, CellResult, KeptLatents } from '../../src/index';
import { TOY_FAMILY, registerToyFamily } from './toy_family';

const TOOL = { name: 'test', version: '0.0.0' };
const BACKEND = { name: 'cpu', reason: 'test' };

describe('.npy encoding', () => {
  it('writes the v1.0 header numpy expects, 64-byte aligned, and reads it back', () => {
    const data = Float32Array.from([1.5, -2, 3.25, 4, 5, 6]);
    const bytes = encodeNpy({ dtype: 'float32', data, shape: [3, 2] });
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 78, 85, 77, 80, 89, 1, 0]);
    const headerLength = bytes[8]! + 256 * bytes[9]!;
    expect((10 + headerLength) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 2\), \} *\n$/);
    expect(bytes.length).toBe(10 + headerLength + 24);
    const back = decodeNpy(bytes, 'x.npy');
    expect(back).toEqual({ dtype: 'float32', data, shape: [3, 2] });
    const labels = decodeNpy(encodeNpy({ dtype: 'int32', data: Int32Array.from([7, -1]), shape: [2] }), 'y.npy');
    expect(labels).toEqual({ dtype: 'int32', data: Int32Array.from([7, -1]), shape: [2] });
  });

  it('refuses a shape that does not fit the data, and bytes that are not an array it wrote', () => {
    expect(() => encodeNpy({ dtype: 'float32', data: new Float32Array(3), shape: [2, 2] })).toThrow(/encodeNpy: shape \[2, 2\] holds 4 values but the data has 3/);
    expect(() => decodeNpy(new Uint8Array(20), 'bad.npy')).toThrow(/bad.npy: not a .npy array the runner wrote \(no \\x93NUMPY magic\)/);
    const f8 = encodeNpy({ dtype: 'float32', data: new Float32Array(2), shape: [2] });
    const at = new TextDecoder('latin1').decode(f8).indexOf('<f4');
    f8[at + 2] = '8'.charCodeAt(0);
    expect(() => decodeNpy(f8, 'f8.npy')).toThrow(/f8.npy: not a .npy array the runner wrote \(dtype <f8; float32 '<f4' or int32 '<i4' expected\)/);
  });
});

const LATENTS: KeptLatents = {
  meta: {
    format: 'ddvi-latents/1', id: 'toy__x__pinwheel__seed0', seed: 0, dim: 2, numClasses: 2, clustering: { method: 'kmeans' },
    splits: { test: 'toy-test', train: 'toy-train' }, latentNll: { samples: 3, seed: 0 },
  },
  testZ: Float32Array.from([0, 1, 2, 3]), trainZ: Float32Array.from([4, 5, 6, 7, 8, 9]),
  testY: Int32Array.from([0, 1]), trainY: Int32Array.from([1, 0, 1]), priorZ: Float32Array.from([0.5, 0.5, 1, 1, -1, 2]),
};

describe('kept-latents files (.npz)', () => {
  it('round-trips every array and the meta, byte for byte the same for the same latents', () => {
    const bytes = encodeLatentFile(LATENTS);
    expect(decodeLatentFile(bytes, 'f.npz')).toEqual(LATENTS);
    expect(encodeLatentFile(LATENTS)).toEqual(bytes);
  });

  it('names the file and the member that is wrong', () => {
    expect(() => decodeLatentFile(new Uint8Array([1, 2, 3]), 'x.npz')).toThrow(/x.npz: not a .npz \(zip\) file/);
    const { testY: _t, ...rest } = LATENTS;
    const mismatched = encodeLatentFile({ ...rest, testY: Int32Array.from([0, 1, 1]) });
    expect(() => decodeLatentFile(mismatched, 'm.npz')).toThrow(/m.npz: 3 test labels for 2 test latents/);
  });

  // numpy is not a dependency: where a python3 with numpy is installed, it reads the file as a researcher would.
  const numpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!numpy)('numpy.load reads the arrays and the meta', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddvi-npz-'));
    try {
      const path = join(dir, 'cell.npz');
      writeFileSync(path, encodeLatentFile(LATENTS));
      const script = [
        'import json, sys, numpy as np',
        'f = np.load(sys.argv[1])',
        'print(json.dumps({k: (f[k].tolist() if k.endswith(("_z", "_y")) else json.loads(f[k])["id"]) for k in sorted(f.files)}))',
        'print(f["test_z"].dtype, f["test_z"].shape, f["train_y"].dtype)',
      ].join('\n');
      const r = spawnSync('python3', ['-c', script, path], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const [json, types] = r.stdout.trim().split('\n');
      expect(JSON.parse(json!)).toEqual({
        'meta.json': LATENTS.meta.id, prior_z: [[0.5, 0.5], [1, 1], [-1, 2]], test_y: [0, 1], test_z: [[0, 1], [2, 3]], train_y: [1, 0, 1],
        train_z: [[4, 5], [6, 7], [8, 9]],
      });
      expect(types).toBe('float32 (2, 2) int32');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ddvi bench report --rescore: latent metrics from the kept latents', () => {
  const out = mkdtempSync(join(tmpdir(), 'ddvi-rescore-'));
  let config: BenchConfig;
  let results: BenchResults;
  beforeAll(async () => {
    registerToyFamily();
    config = resolveBenchConfig({
      datasets: ['toy'], families: [TOY_FAMILY], priors: ['pinwheel'], seeds: [2], epochs: 1, batchSize: 32, learningRate: 1e-2,
      trainLimit: 120, testLimit: 60, hidden: [8], iwaeK: 0, knnK: 5, latentNllSamples: 300,
    });
    ({ results } = await runBenchmark({ config, out, tool: TOOL, backend: BACKEND }));
  }, 60_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const cellOf = (r: BenchResults): CellResult => r.cells[0]!;

  it('each cell lists its latents file, which holds the latents it was scored on', () => {
    const cell = cellOf(results);
    const file = cell.files.find((f) => f.endsWith('.npz'));
    expect(file).toBe(`latents/${cell.id}.npz`);
    const kept = readLatentFile(join(out, file!));
    expect(kept.meta).toMatchObject({ id: cell.id, seed: 2, dim: 2, clustering: { method: 'kmeans' }, latentNll: { samples: 300, seed: 2 } });
    expect(kept.testZ.length).toBe(60 * 2);
    expect(kept.trainZ.length).toBe(120 * 2);
    expect(kept.testY!.length).toBe(60);
    expect(kept.trainY!.length).toBe(120);
    expect(kept.priorZ!.length).toBe(300 * 2);
    // The stored latents give the run's numbers: kNN and the latent NLL recomputed from them directly.
    const knn = knnAccuracy({ trainX: { data: kept.trainZ, dim: 2 }, trainY: kept.trainY!, testX: { data: kept.testZ, dim: 2 }, testY: kept.testY!, k: 5 });
    expect(knn).toBe(cell.metrics.knnAccuracy);
    expect(latentNll({ latents: { data: kept.testZ, dim: 2 }, priorSamples: { data: kept.priorZ!, dim: 2 } })).toBe(cell.metrics.latentNll);
  });

  it('rescoring with the run\'s own settings reproduces its metrics exactly', () => {
    const { cells, record } = rescoreCells(out, results.cells, config, {});
    expect(cells[0]!.metrics).toEqual(cellOf(results).metrics);
    expect(record).toMatchObject({ knnK: 5, rescored: 1, kept: [], metrics: ['knnAccuracy', 'logisticAccuracy', 'nmi', 'purity', 'latentNll'] });
  });

  it('rescores with another k, other bandwidths and another clustering, as scoring the same arrays directly', async () => {
    const before = readFileSync(cellPath(out, cellOf(results).cell), 'utf8');
    const H = [0.05, 0.1, 0.3, 0.5, 0.8];
    const { results: again } = await collectReport({
      config, out, tool: TOOL, backend: BACKEND,
      rescore: { knnK: 3, latentNllBandwidths: [0.02, 0.2], altLatentNllBandwidths: H, clustering: { method: 'gmm', components: 3 } },
    });
    const kept = readLatentFile(join(out, `latents/${cellOf(results).id}.npz`));
    const trainX = { data: kept.trainZ, dim: 2 };
    const testX = { data: kept.testZ, dim: 2 };
    const m = cellOf(again).metrics;
    expect(m.knnAccuracy).toBe(knnAccuracy({ trainX, trainY: kept.trainY!, testX, testY: kept.testY!, k: 3 }));
    const priorSamples = { data: kept.priorZ!, dim: 2 };
    expect(m.latentNll).toBe(latentNll({ latents: testX, priorSamples, bandwidths: [0.02, 0.2] }));
    expect(m.altLatentNll).toBe(latentNll({ latents: testX, priorSamples, bandwidths: H }));
    expect(m.latentNll).not.toBe(cellOf(results).metrics.latentNll);
    expect(Number.isFinite(m.nmi)).toBe(true);
    const direct = scoreLatents({
      trainZ: kept.trainZ, testZ: kept.testZ, dim: 2, trainY: kept.trainY!, testY: kept.testY!, numClasses: kept.meta.numClasses, knnK: 3, seed: 2,
      clustering: { method: 'gmm', components: 3 },
    });
    expect({ nmi: m.nmi, purity: m.purity, logisticAccuracy: m.logisticAccuracy }).toEqual({ nmi: direct.nmi, purity: direct.purity, logisticAccuracy: direct.logisticAccuracy });
    // The GMM sees the latents scaled to unit mean squared radius (latent_scores.ts): k-means on the raw ones would differ.
    expect(m.nmi).not.toBe(nmi(kept.testY!, kMeans(testX, { k: 3, seed: 2 }).labels));
    // Everything else is the run's.
    expect(m.elbo).toBe(cellOf(results).metrics.elbo);
    expect(m.reconstruction).toBe(cellOf(results).metrics.reconstruction);
    // results.json/md say what was rescored and with what; the cell's own file is untouched.
    const json = JSON.parse(readFileSync(join(out, RESULTS_JSON), 'utf8')) as BenchResults;
    expect(json.rescored).toMatchObject({ knnK: 3, latentNllBandwidths: [0.02, 0.2], altLatentNllBandwidths: H, clustering: { method: 'gmm', components: 3 }, rescored: 1 });
    expect(json.rescored!.metrics).toEqual(['knnAccuracy', 'logisticAccuracy', 'nmi', 'purity', 'latentNll', 'altLatentNll']);
    const md = readFileSync(join(out, RESULTS_MD), 'utf8');
    expect(md).toContain('Rescored from the kept latents');
    expect(md).toContain('with kNN k = 3, latent-NLL bandwidths {0.02, 0.2} (alt H {0.05, 0.1, 0.3, 0.5, 0.8}), clustering gmm with 3 components');
    expect(md).toMatch(/\| latent NLL \| latent NLL, alt H \|/);
    expect(readFileSync(cellPath(out, cellOf(results).cell), 'utf8')).toBe(before);
  });

  it('a plain report afterwards shows the run\'s own numbers again', async () => {
    const { results: plain } = await collectReport({ config, out, tool: TOOL, backend: BACKEND });
    expect(cellOf(plain).metrics).toEqual(cellOf(results).metrics);
    expect(plain.rescored).toBeUndefined();
    expect(readFileSync(join(out, RESULTS_MD), 'utf8')).not.toContain('latent NLL, alt H');
  });

  it('refuses bad rescoring options before reading a file', () => {
    expect(() => rescoreCells(out, results.cells, config, { knnK: 0 })).toThrow(/rescore: knnK must be an integer >= 1, got 0/);
    expect(() => rescoreCells(out, results.cells, config, { latentNllBandwidths: [] })).toThrow(/latentNllBandwidths must be a non-empty list of positive bandwidths/);
    expect(() => rescoreCells(out, results.cells, config, { clustering: { method: 'dbscan' as 'gmm' } })).toThrow(/clustering.method must be "kmeans" or "gmm", got "dbscan"/);
  });
});
