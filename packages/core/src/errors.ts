/** Base class of every error ddvi throws on purpose, so callers can tell ours from tfjs's. */
export class DdviError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A parameter, shape, name or file did not meet its contract; the message names what and why. */
export class ValidationError extends DdviError {}

/**
 * A loss term or gradient became NaN or infinite during training. `term` names the quantity that
 * did (a loss term, the loss, a variable's gradient); `origin`, when the trainer could tell, names
 * its cause (non-finite input data and which examples, or an already non-finite parameter).
 */
export class NonFiniteError extends DdviError {
  constructor(
    readonly step: number,
    readonly term: string,
    readonly value: number,
    readonly checkpoint?: string,
    readonly origin?: string,
  ) {
    super(
      `non-finite value at step ${step}: ${term} = ${value}` +
        (origin ? `, caused by ${origin}` : '') +
        (checkpoint ? `; the last good checkpoint is kept at ${checkpoint}` : '; no checkpoint was written yet'),
    );
  }
}

/** A family's health check found training diverged (Posterior.checkHealth); the run stops there. */
export class DivergenceError extends DdviError {
  constructor(
    readonly epoch: number,
    readonly reason: string,
    readonly checkpoint?: string,
  ) {
    super(
      `training diverged at epoch ${epoch + 1}: ${reason}` +
        (checkpoint ? `; the last good checkpoint is kept at ${checkpoint}` : '; no checkpoint was written yet'),
    );
  }
}

/** Throws a ValidationError of the form "<where>: <param> must be <expected>, got <actual>". */
export function invalid(where: string, param: string, expected: string, actual: unknown): never {
  throw new ValidationError(`${where}: ${param} must be ${expected}, got ${describe(actual)}`);
}

/**
 * Like `invalid`, for a found value already put into words ("length 6", "Float32Array of
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

export function describe(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

export function checkPositiveInt(where: string, param: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) invalid(where, param, 'an integer >= 1', value);
  return value;
}

export function checkPositive(where: string, param: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) invalid(where, param, 'a finite number > 0', value);
  return value;
}

export function checkShape(where: string, param: string, actual: readonly number[], expected: readonly (number | null)[]): void {
  const ok = actual.length === expected.length && expected.every((e, i) => e === null || e === actual[i]);
  if (!ok) {
    const shown = `[${expected.map((e) => (e === null ? '*' : e)).join(', ')}]`;
    invalid(where, param, `of shape ${shown}`, `shape [${actual.join(', ')}]`);
  }
}
