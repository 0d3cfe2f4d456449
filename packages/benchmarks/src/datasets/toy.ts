import { SeedStream, ValidationError, checkPositive, checkPositiveInt, invalid } from '@ddvi/core';
import { TensorDataset } from '@ddvi/core';
import { describeArray, mustBe } from './validate';

/**
 * A synthetic dataset with a known low-dimensional latent structure, for fast tests and the quick
 * run: x = sigmoid(A z + b (+ noise)) with a fixed random A [dataSize × latentSize] and b, so
 * every x lies in (0, 1) like MNIST grey levels and a Bernoulli/BCE decoder fits it. The latents z
 * are an input (e.g. samples of one of the paper's 2-D priors), so this file needs no distribution
 * package; without them, z ~ N(0, I) drawn from the seed.
 */
export interface ToyGeneratorOptions {
  /** Features per example. Default 64. */
  dataSize?: number;
  /** Latent dimension. Default 2. */
  latentSize?: number;
  /** Fixes A and b. Default 0. */
  seed?: number;
  /** Standard deviation of A's entries. Default 1.5. */
  scale?: number;
}

export interface ToyDatasetOptions extends ToyGeneratorOptions {
  /** Number of examples. Default: latents.length / latentSize when latents are given, else 2000. */
  n?: number;
  /** Row-major latents [n × latentSize]; default standard normal drawn from the seed. */
  latents?: Float32Array;
  /** Optional labels, one per example (e.g. the prior's mixture component). */
  labels?: Int32Array;
  numClasses?: number;
  /** Standard deviation of Gaussian noise added before the sigmoid. Default 0. */
  noise?: number;
  /** Default "toy". */
  name?: string;
}

/** The fixed map z -> sigmoid(A z + b) behind a toy dataset: its ground-truth decoder. */
export interface ToyGenerator {
  readonly dataSize: number;
  readonly latentSize: number;
  /** A, row-major [dataSize × latentSize]. */
  readonly weights: Float32Array;
  /** b, [dataSize]. */
  readonly bias: Float32Array;
  /** sigmoid(A z + b) for each row of `latents` [m × latentSize]; returns [m × dataSize]. */
  decode(latents: Float32Array): Float32Array;
}

export function makeToyGenerator(options: ToyGeneratorOptions = {}): ToyGenerator {
  const where = 'makeToyGenerator';
  const dataSize = checkPositiveInt(where, 'dataSize', options.dataSize ?? 64);
  const latentSize = checkPositiveInt(where, 'latentSize', options.latentSize ?? 2);
  const scale = checkPositive(where, 'scale', options.scale ?? 1.5);
  const rng = seedStream(where, options.seed ?? 0).fork('toy-generator');
  const weights = normals(dataSize * latentSize, rng, scale);
  const bias = normals(dataSize, rng, 0.5);
  const generator: ToyGenerator = {
    dataSize,
    latentSize,
    weights,
    bias,
    decode: (latents) => {
      const out = preActivations(generator, latents, `${where}.decode`);
      for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]!);
      return out;
    },
  };
  return generator;
}

/** A z + b for each row of `latents` [m × latentSize]; returns [m × dataSize]. */
function preActivations(gen: ToyGenerator, latents: Float32Array, where: string): Float32Array {
  const { dataSize, latentSize, weights, bias } = gen;
  if (!(latents instanceof Float32Array) || latents.length % latentSize !== 0) {
    mustBe(where, 'latents', `a Float32Array of length m × ${latentSize} (latentSize)`, describeArray(latents));
  }
  const m = latents.length / latentSize;
  const out = new Float32Array(m * dataSize);
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < dataSize; j++) {
      let a = bias[j]!;
      for (let k = 0; k < latentSize; k++) a += weights[j * latentSize + k]! * latents[r * latentSize + k]!;
      out[r * dataSize + j] = a;
    }
  }
  return out;
}

/** A synthetic dataset x = sigmoid(A z + b (+ noise)); deterministic given its options. */
export function makeToyDataset(options: ToyDatasetOptions = {}): TensorDataset {
  const where = 'makeToyDataset';
  const gen = makeToyGenerator(options);
  const { latentSize } = gen;
  const seed = seedStream(where, options.seed ?? 0);
  let latents = options.latents;
  let n: number;
  if (latents !== undefined) {
    if (!(latents instanceof Float32Array) || latents.length % latentSize !== 0 || latents.length === 0) {
      mustBe(where, 'latents', `a non-empty Float32Array of length n × ${latentSize} (latentSize)`, describeArray(latents));
    }
    n = latents.length / latentSize;
    if (options.n !== undefined && options.n !== n) {
      throw new ValidationError(
        `${where}: n is ${options.n} but latents hold ${n} rows of latentSize ${latentSize} (length ${latents.length})`,
      );
    }
  } else {
    n = checkPositiveInt(where, 'n', options.n ?? 2000);
    latents = normals(n * latentSize, seed.fork('toy-latents'), 1);
  }
  const noise = options.noise ?? 0;
  if (!(Number.isFinite(noise) && noise >= 0)) invalid(where, 'noise', 'a finite number >= 0', noise);

  const pre = preActivations(gen, latents, where);
  if (noise > 0) {
    const eps = normals(pre.length, seed.fork('toy-noise'), noise);
    for (let i = 0; i < pre.length; i++) pre[i] = pre[i]! + eps[i]!;
  }
  for (let i = 0; i < pre.length; i++) pre[i] = sigmoid(pre[i]!);
  return new TensorDataset({
    name: options.name ?? 'toy',
    data: pre,
    dataSize: gen.dataSize,
    labels: options.labels,
    numClasses: options.numClasses,
  });
}

function sigmoid(a: number): number {
  return 1 / (1 + Math.exp(-a));
}

/** `count` draws of N(0, std²), Box–Muller on the stream's uniforms. */
function normals(count: number, rng: SeedStream, std: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u1 = 1 - rng.uniform(); // (0, 1]
    const u2 = rng.uniform();
    const r = Math.sqrt(-2 * Math.log(u1)) * std;
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

function seedStream(where: string, seed: number): SeedStream {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) invalid(where, 'seed', 'an integer in [0, 2^32)', seed);
  return new SeedStream(seed);
}
