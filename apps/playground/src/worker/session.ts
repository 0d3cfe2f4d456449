import * as tf from '@tensorflow/tfjs-core';
import { Elbo, Reconstruction, SeedStream, Trainer, createPosterior, encodeCheckpoint, encodeLatents } from '@ddvi/core';
import type { CheckpointPayload, Dataset, EpochRecord, Posterior, TrainEvent, TrainResult } from '@ddvi/core';
import { DecoderModel } from '@ddvi/models';
import pkg from '../../package.json';
import type { PlaygroundSettings } from '../settings';
import { splitSizes } from './data';

/** What the page draws between steps: latents of the test examples and decoded images over a latent grid. */
export interface Snapshot {
  step: number;
  /** [n * 2] row-major: the first two latent coordinates of each shown test example. */
  latents: Float32Array;
  /** [m * 2] row-major: samples of the model's prior (first two coordinates), drawn in grey beneath the latents. */
  prior: Float32Array;
  labels: Int32Array | null;
  numClasses: number;
  grid: { side: number; rows: number; cols: number; images: Float32Array; extent: [number, number, number, number] };
}

export interface SessionData {
  train: Dataset;
  test: Dataset;
  imageShape: [number, number];
}

/** The two files `ddvi eval` reads: the checkpoint and the run.json beside it that names the dataset. */
export interface ExportedRun {
  checkpoint: string;
  run: string;
  step: number;
}

/** Test examples drawn in the scatter, prior samples beneath them, and the decoded grid's side. */
const SCATTER_POINTS = 1000;
const PRIOR_POINTS = 1000;
const GRID_SIDE = 10;

/**
 * One training run of the page: the model and posterior built exactly as `ddvi train` builds them
 * from the same settings (same seeds), a Trainer that keeps its checkpoints in memory, and the
 * snapshots and exports the page asks for. DOM-free, so the Node tests drive it too.
 */
export class PlaygroundSession {
  readonly settings: PlaygroundSettings;
  readonly model: DecoderModel;
  readonly posterior: Posterior;
  readonly data: SessionData;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** The newest checkpoint (each epoch end, and where a stop happened). */
  latest: CheckpointPayload | undefined;
  private trainer: Trainer | undefined;

  constructor(settings: PlaygroundSettings, data: SessionData) {
    this.settings = settings;
    this.data = data;
    // Whole epochs: as few as reach `steps`, the steps spread evenly over them.
    const full = Math.ceil(data.train.size / settings.batchSize);
    this.epochs = Math.ceil(settings.steps / full);
    this.stepsPerEpoch = Math.ceil(settings.steps / this.epochs);
    const root = new SeedStream(settings.seed);
    this.model = new DecoderModel({
      latentSize: settings.latentSize, dataSize: data.train.dataSize, prior: settings.prior, likelihood: 'bernoulli',
      hidden: settings.hidden, seed: root.fork('model').next(),
    });
    try {
      this.posterior = createPosterior(settings.posterior, {
        latentSize: settings.latentSize, dataSize: data.train.dataSize, seed: root.fork('posterior').next(),
        config: { ...settings.posteriorConfig, hidden: settings.hidden }, prior: this.model.prior(),
      });
    } catch (e) {
      this.model.dispose();
      throw e;
    }
  }

  get totalSteps(): number {
    return this.epochs * this.stepsPerEpoch;
  }

  get finished(): boolean {
    return this.latest !== undefined && this.latest.epoch >= this.epochs;
  }

  /**
   * Trains until the last step or until `signal` aborts; `resume` continues from the newest
   * checkpoint exactly as an uninterrupted run would (the trainer's resume).
   */
  async run(onEvent: (e: TrainEvent) => void, signal: AbortSignal, resume = false): Promise<TrainResult> {
    this.trainer?.dispose();
    const density = this.posterior.capabilities.hasDensity;
    this.trainer = new Trainer({
      model: this.model, posterior: this.posterior, objective: density ? new Elbo() : new Reconstruction(),
      train: this.data.train, test: this.data.test, evalLimit: SCATTER_POINTS,
      batchSize: this.settings.batchSize, epochs: this.epochs, learningRate: this.settings.learningRate, seed: this.settings.seed,
      maxStepsPerEpoch: this.stepsPerEpoch, nanPolicy: 'stop', signal, onEvent,
      onCheckpoint: (p) => void (this.latest = p),
    });
    return this.trainer.fit(resume ? this.latest : undefined);
  }

  snapshot(step: number): Snapshot {
    const { test } = this.data;
    const encoded = encodeLatents(this.posterior, test, { seed: this.settings.seed, limit: SCATTER_POINTS });
    const d = encoded.latentSize;
    const n = encoded.z.length / d;
    const latents = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      latents[2 * i] = encoded.z[i * d]!;
      latents[2 * i + 1] = d > 1 ? encoded.z[i * d + 1]! : 0;
    }
    const prior = this.priorSamples(d);
    // Both clouds in view: how well the latents cover the prior is what the scatter shows.
    const extent = latentExtent(latents, prior);
    const [rows, cols] = this.data.imageShape;
    const grid = tf.tidy(() => {
      const xs = tf.linspace(extent[0], extent[1], GRID_SIDE);
      const ys = tf.reverse(tf.linspace(extent[2], extent[3], GRID_SIDE)); // top row = largest y, as in the scatter
      const gx = tf.tile(tf.reshape(xs, [1, GRID_SIDE]), [GRID_SIDE, 1]);
      const gy = tf.tile(tf.reshape(ys, [GRID_SIDE, 1]), [1, GRID_SIDE]);
      const z2 = tf.stack([tf.reshape(gx, [-1]), tf.reshape(gy, [-1])], 1);
      const z = d > 2 ? tf.concat([z2, tf.zeros([GRID_SIDE * GRID_SIDE, d - 2])], 1) : z2;
      return this.model.decode(z as tf.Tensor2D);
    });
    const images = grid.dataSync() as Float32Array;
    grid.dispose();
    return {
      step, latents, prior, labels: encoded.labels ?? null, numClasses: test.numClasses ?? 0,
      grid: { side: GRID_SIDE, rows, cols, images: Float32Array.from(images), extent },
    };
  }

  /**
   * PRIOR_POINTS samples of the model's prior, first two coordinates, as the CLI's latent plots
   * draw them (grey, beneath the latents). The same seed at every snapshot, so a fixed prior's
   * cloud stays put and a learned one's moves only as the prior learns.
   */
  private priorSamples(d: number): Float32Array {
    const samples = tf.tidy(() => this.model.prior().sample(new SeedStream(this.settings.seed).fork('scatter-prior'), [PRIOR_POINTS]));
    const values = samples.dataSync() as Float32Array;
    samples.dispose();
    const out = new Float32Array(PRIOR_POINTS * 2);
    for (let i = 0; i < PRIOR_POINTS; i++) {
      out[2 * i] = values[i * d]!;
      out[2 * i + 1] = d > 1 ? values[i * d + 1]! : 0;
    }
    return out;
  }

  /** The newest checkpoint as `ddvi train` writes it, and a run.json that tells `ddvi eval` the dataset. */
  async exportRun(): Promise<ExportedRun> {
    if (!this.latest) throw new Error('nothing to export yet: train for at least one step, then stop or finish');
    const s = this.settings;
    const config = {
      preset: 'playground', posterior: s.posterior, posteriorConfig: { ...s.posteriorConfig, hidden: s.hidden }, prior: s.prior, dataset: s.dataset,
      latentSize: s.latentSize, epochs: this.epochs, batchSize: s.batchSize, learningRate: s.learningRate, seed: s.seed,
      ...splitSizes(s.dataset), stepsPerEpoch: this.stepsPerEpoch, beta: 1, klWarmup: 0, likelihood: 'bernoulli', hidden: s.hidden,
      steps: s.steps,
    };
    const run = { tool: { name: '@ddvi/playground', version: pkg.version }, config };
    return { checkpoint: await encodeCheckpoint(this.latest), run: `${JSON.stringify(run, null, 2)}\n`, step: this.latest.step };
  }

  history(): EpochRecord[] {
    return this.latest?.history ?? [];
  }

  dispose(): void {
    this.trainer?.dispose();
    this.model.dispose();
    this.posterior.dispose();
  }
}

/** The bounding box of the points ([n * 2] arrays) padded by 10%, square so the scatter keeps its aspect; never empty. */
function latentExtent(...clouds: Float32Array[]): [number, number, number, number] {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const points of clouds) {
    for (let i = 0; i < points.length; i += 2) {
      const x = points[i]!, y = points[i + 1]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
  }
  if (!Number.isFinite(x0)) return [-3, 3, -3, 3];
  const half = Math.max(x1 - x0, y1 - y0, 1e-3) * 0.55;
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return [cx - half, cx + half, cy - half, cy + half];
}
