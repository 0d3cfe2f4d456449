import type * as tf from '@tensorflow/tfjs-core';
import { SeedStream, ValidationError, z } from '@ddvi/core';
import { ConvTrunk, checkImageShape } from './conv_nets';
import type { ImageShape } from './conv_nets';
import { MLP } from './mlp';
import type { ApplyOptions, MLPOptions } from './mlp';

/**
 * What an encoder reads x with before its MLP: 'mlp' (the default) feeds the flat x straight to
 * the MLP, as every family always did; 'conv' puts the spec's conv trunk (§6) in front, for images
 * of `shape` [channels, height, width] stored flat, plane by plane.
 */
export type TrunkSpec = { kind: 'mlp' } | { kind: 'conv'; shape: ImageShape };

/** The `trunk` config key every family accepts (optional: absent means 'mlp'). */
export const TrunkSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mlp') }),
  z.strictObject({ kind: z.literal('conv'), shape: z.tuple([z.int().min(1), z.int().min(1), z.int().min(1)]) }),
]);

/** The interface MLP and TrunkedMLP share: what a family's encoder needs. */
export interface EncoderNet {
  apply(x: tf.Tensor, options?: ApplyOptions): tf.Tensor2D[];
  namedVariables(): Record<string, tf.Variable>;
  variables(): tf.Variable[];
  readonly numParameters: number;
  readonly isDisposed: boolean;
  dispose(): void;
}

/**
 * A conv trunk followed by an MLP (the spec's CIFAR encoders: trunk -> MultiWayLinear(128, ...)).
 * The MLP keeps the seed and variable names it has alone; the trunk's variables are `trunk.*`.
 */
export class TrunkedMLP implements EncoderNet {
  readonly trunk: ConvTrunk;
  readonly mlp: MLP;

  constructor(trunk: ConvTrunk, mlp: MLP) {
    this.trunk = trunk;
    this.mlp = mlp;
  }

  apply(x: tf.Tensor, options: ApplyOptions = {}): tf.Tensor2D[] {
    const h = this.trunk.apply(x);
    try {
      return this.mlp.apply(h, options);
    } finally {
      h.dispose();
    }
  }

  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const [k, v] of Object.entries(this.trunk.namedVariables())) out[`trunk.${k}`] = v;
    return { ...out, ...this.mlp.namedVariables() };
  }

  variables(): tf.Variable[] {
    return Object.values(this.namedVariables());
  }

  get numParameters(): number {
    return this.trunk.numParameters + this.mlp.numParameters;
  }

  get isDisposed(): boolean {
    return this.mlp.isDisposed;
  }

  dispose(): void {
    this.trunk.dispose();
    this.mlp.dispose();
  }
}

/**
 * A family's encoder network: the MLP of `options` on the flat x (trunk absent or 'mlp': exactly
 * `new MLP(options)`, same weights and names as before trunks existed), or the conv trunk then
 * that MLP on the trunk's features.
 */
export function trunkedMLP(options: MLPOptions & { trunk?: TrunkSpec | undefined }): EncoderNet {
  const { trunk, ...mlp } = options;
  if (trunk === undefined || trunk.kind === 'mlp') return new MLP(mlp);
  const where = `${options.name ?? 'MLP'}.trunk`;
  if (trunk.kind !== 'conv') throw new ValidationError(`${where}: kind must be "mlp" or "conv", got ${JSON.stringify((trunk as { kind: unknown }).kind)}`);
  const shape = checkImageShape(where, trunk.shape);
  const size = shape[0] * shape[1] * shape[2];
  if (mlp.inputSize !== size) {
    throw new ValidationError(`${where}: shape [${shape.join(', ')}] holds ${size} values, but the input has ${mlp.inputSize} (dataSize)`);
  }
  // The trunk's seed is a fork of the MLP's, so one config seed still fixes the whole encoder.
  const seed = typeof mlp.seed === 'number' ? mlp.seed : mlp.seed.next();
  const conv = new ConvTrunk(shape, new SeedStream(seed).fork('trunk').next(), `${options.name ?? 'MLP'}.trunk`);
  try {
    return new TrunkedMLP(conv, new MLP({ ...mlp, seed, inputSize: conv.outputSize }));
  } catch (e) {
    conv.dispose();
    throw e;
  }
}
