import { ValidationError } from '@ddvi/core';

/**
 * Like core's `invalid`, for a found value already put into words ("length 6", "Float32Array of
 * length 3"): "<where>: <param> must be <expected>, got <found>", without quoting `found`.
 */
export function mustBe(where: string, param: string, expected: string, found: string): never {
  throw new ValidationError(`${where}: ${param} must be ${expected}, got ${found}`);
}

/** A short description of an array-like argument for messages: "Float32Array of length 3", "[object Array]". */
export function describeArray(a: unknown): string {
  if (ArrayBuffer.isView(a) && 'length' in a) return `${a.constructor.name} of length ${(a as unknown as ArrayLike<number>).length}`;
  return Object.prototype.toString.call(a);
}
