import { describe, expect, it } from 'vitest';
import { blasThreadsShare } from '../../src';

describe('blasThreadsShare', () => {
  it('leaves the default (1 BLAS thread) alone and caps a requested count at each process share', () => {
    expect(blasThreadsShare(undefined, 2, 2)).toEqual({});
    expect(blasThreadsShare('', 2, 2)).toEqual({});
    expect(blasThreadsShare('2', 2, 2)).toEqual({ DDVI_BLAS_THREADS: '1' });
    expect(blasThreadsShare('4', 2, 8)).toEqual({ DDVI_BLAS_THREADS: '4' });
    expect(blasThreadsShare('8', 3, 8)).toEqual({ DDVI_BLAS_THREADS: '2' });
    expect(blasThreadsShare('2', 4, 2)).toEqual({ DDVI_BLAS_THREADS: '1' });
  });

  it('passes an invalid count on unchanged, for the kernels to reject with its name', () => {
    expect(blasThreadsShare('two', 2, 2)).toEqual({});
  });
});
