import type { DecoderModelConfig, LikelihoodName } from '@ddvi/models';

/** The `trunk` key shared by the model and every family (@ddvi/nn's TrunkSpec, reached through the model's config). */
export type TrunkSpec = NonNullable<DecoderModelConfig['trunk']>;

/** What a dataset asks of the networks: the likelihood, its fixed Gaussian scale, the trunk. */
export interface CellData {
  likelihood?: LikelihoodName;
  gaussianScale?: number;
  trunk?: TrunkSpec;
}

/** A dataset's networks and likelihood (its splits' choice), the run's `likelihood` / `gaussianScale` winning. */
export function cellData(
  splits: CellData, config: { likelihood?: LikelihoodName | undefined; gaussianScale?: number | undefined } = {},
): CellData {
  const likelihood = config.likelihood ?? splits.likelihood;
  const gaussianScale = config.gaussianScale ?? splits.gaussianScale;
  return {
    ...(likelihood ? { likelihood } : {}), ...(gaussianScale !== undefined ? { gaussianScale } : {}), ...(splits.trunk ? { trunk: splits.trunk } : {}),
  };
}

/** The model config keys a dataset sets (likelihood, gaussianScale, trunk). */
export function modelDataOptions(data: CellData): CellData {
  return cellData(data);
}

/** The posterior config keys a dataset sets: the trunk every family's encoder reads x with. */
export function posteriorDataOptions(data: CellData): { trunk?: TrunkSpec } {
  return data.trunk ? { trunk: data.trunk } : {};
}
