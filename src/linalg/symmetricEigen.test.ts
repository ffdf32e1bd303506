import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './symmetricEigen.ts';
import { symmetricTridiagonalEigenvalues } from '../numerics/golubWelsch.ts';

function reconstruct(values: Float64Array, V: Float64Array, n: number): Float64Array {
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) A[i * n + j] += V[i * n + k] * values[k] * V[j * n + k];
  return A;
}

describe('symmetricEigen (cyclic Jacobi)', () => {
  it('reconstructs a random symmetric matrix with orthonormal eigenvectors, eigenvalues decreasing', () => {
    const n = 7;
    let s = 3;
    const rnd = () => ((s = (s * 16807) % 2147483647), s / 2147483647 - 0.5);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) A[i * n + j] = A[j * n + i] = rnd();
    const { values, vectors } = symmetricEigen(A, n);
    const R = reconstruct(values, vectors, n);
    R.forEach((v, i) => expect(v).toBeCloseTo(A[i], 13));
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[i * n + a] * vectors[i * n + b];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 13);
      }
    for (let k = 1; k < n; k++) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
  });

  it('agrees with the tridiagonal QL eigenvalues of src/numerics on a tridiagonal matrix', () => {
    const d = [2, -1, 0.5, 3, 1.5];
    const e = [0.7, -0.3, 1.1, 0.2];
    const n = d.length;
    const A = new Float64Array(n * n);
    d.forEach((v, i) => (A[i * n + i] = v));
    e.forEach((v, i) => (A[i * n + i + 1] = A[(i + 1) * n + i] = v));
    const ours = Array.from(symmetricEigen(A, n).values).reverse();
    const ref = Array.from(symmetricTridiagonalEigenvalues(d, e));
    ours.forEach((v, i) => expect(v).toBeCloseTo(ref[i], 13));
  });

  it('finds the smallest eigenvalue of the 8×8 Hilbert matrix to high relative accuracy (condition 1.5e10)', () => {
    // λ_min(H_8) = 1.111538966880...e-10 (Todd 1954; also Wolfram Alpha, Eigenvalues[HilbertMatrix[8]]).
    const n = 8;
    const H = Float64Array.from({ length: n * n }, (_, k) => 1 / (Math.floor(k / n) + (k % n) + 1));
    const { values } = symmetricEigen(H, n);
    expect(Math.abs(values[n - 1] / 1.111538966880e-10 - 1)).toBeLessThan(1e-6);
    expect(values[0]).toBeCloseTo(1.6959389969219498, 12);
  });

  it('handles a repeated eigenvalue, a zero matrix and a 1×1 matrix; refuses a wrong size or NaN', () => {
    const I = Float64Array.from({ length: 9 }, (_, k) => (k % 4 === 0 ? 2 : 0));
    expect(Array.from(symmetricEigen(I, 3).values)).toEqual([2, 2, 2]);
    expect(Array.from(symmetricEigen(new Float64Array(4), 2).values)).toEqual([0, 0]);
    expect(Array.from(symmetricEigen([5], 1).values)).toEqual([5]);
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/expected 2×2/);
    expect(() => symmetricEigen([1, NaN, NaN, 1], 2)).toThrow(/entry \(0, 1\) is NaN/);
  });
});
