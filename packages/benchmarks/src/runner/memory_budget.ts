import { freemem, totalmem } from 'node:os';
import { ValidationError } from '@ddvi/core';

export const MEMORY_LIMIT_ENV = 'DDVI_MEMORY_LIMIT';

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/**
 * The memory a training run may plan for: DDVI_MEMORY_LIMIT when set (bytes, or with a K/M/G/T
 * suffix: "6G"), else what the OS reports available now (os.freemem: MemAvailable on Linux).
 */
export function systemMemoryBudget(env: Record<string, string | undefined> = process.env): { availableBytes: number; totalBytes: number; source: string } {
  const raw = env[MEMORY_LIMIT_ENV];
  if (raw !== undefined && raw.trim() !== '') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(raw);
    if (!m) throw new ValidationError(`${MEMORY_LIMIT_ENV} must be a size such as 6G, 512M or 1073741824, got ${JSON.stringify(raw)}`);
    return { availableBytes: Number(m[1]) * UNITS[m[2]!.toLowerCase()]!, totalBytes: totalmem(), source: `${MEMORY_LIMIT_ENV}=${raw.trim()}` };
  }
  return { availableBytes: freemem(), totalBytes: totalmem(), source: 'free memory now' };
}
