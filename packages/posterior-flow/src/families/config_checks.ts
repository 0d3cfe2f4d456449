import { parseConfig, z } from '@ddvi/core';

/** One schema per config key: its type and range, read by parseConfig for the error message. */
export type Check = z.ZodType;

/**
 * defaults overlaid with `partial`, validated key by key against `checks` (so a bad default would
 * be caught too); unknown keys are rejected with a did-you-mean suggestion.
 */
export function resolveWith<C extends object>(where: string, defaults: C, partial: Partial<C>, checks: { [K in keyof C]: Check }): C {
  parseConfig(z.record(z.string(), z.unknown()).describe('an object of config keys'), partial, where);
  return parseConfig(z.strictObject(checks as Record<string, Check>), { ...defaults, ...partial }, where) as C;
}

export const widths = (allowEmpty: boolean): Check => (allowEmpty ? z.array(z.int().min(1)) : z.array(z.int().min(1)).min(1));

export const integerAtLeast = (min: number): Check => z.int().min(min);

export const positiveNumber: Check = z.number().positive();

export const finiteNumber: Check = z.number();

export const unitInterval: Check = z.number().min(0).lt(1);

export const nonNegative: Check = z.number().min(0);

export const oneOf = (options: readonly string[]): Check => z.enum(options as [string, ...string[]]);
