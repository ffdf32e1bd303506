import { describe, expect, it } from 'vitest';
import { psdFactor } from './cholesky.ts';
import { ar1 } from '../verdicts/testSupport.ts';

function reconstruct(L: Float64Array, m: number): Float64Array {
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) a[i * m + j] += L[i * m + k] * L[j * m + k];
  return a;
}

describe('psdFactor', () => {
  it('is the Cholesky factor of a positive definite matrix', () => {
    const A = ar1(6, 0.7);
    const back = reconstruct(psdFactor(A, 6), 6);
    back.forEach((v, i) => expect(v).toBeCloseTo(A[i], 12));
  });

  it('factors a rank-deficient matrix (rank 1: all entries 1) without failing', () => {
    const A = new Float64Array(16).fill(1);
    const L = psdFactor(A, 4);
    reconstruct(L, 4).forEach((v) => expect(v).toBeCloseTo(1, 12));
    // Only the first column carries anything.
    for (let i = 0; i < 4; i++) for (let j = 1; j < 4; j++) expect(L[i * 4 + j]).toBe(0);
  });

  it('factors a singular matrix with a repeated coordinate', () => {
    // x = (g1, g2, g1): covariance [[1,0,1],[0,1,0],[1,0,1]].
    const A = Float64Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1]);
    reconstruct(psdFactor(A, 3), 3).forEach((v, i) => expect(v).toBeCloseTo(A[i], 12));
  });
});
