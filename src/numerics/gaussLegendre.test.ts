import { describe, expect, it } from 'vitest';
import { gaussLegendre } from './gaussLegendre.ts';
import { symmetricTridiagonalEigenvalues } from './golubWelsch.ts';

describe('gaussLegendre on [−1, 1]', () => {
  it.each([1, 2, 3, 6, 17, 64, 200])('n = %i: Σw = 2 and exact for degree ≤ 2n − 1', (n) => {
    const { nodes, weights } = gaussLegendre(n);
    for (let d = 0; d <= 2 * n - 1; d++) {
      let q = 0;
      for (let i = 0; i < n; i++) q += weights[i] * nodes[i] ** d;
      const exact = d % 2 === 1 ? 0 : 2 / (d + 1);
      expect(Math.abs(q - exact)).toBeLessThanOrEqual(1e-14);
    }
  });

  it('reproduces the 3-point rule', () => {
    const { nodes, weights } = gaussLegendre(3);
    expect(nodes[2]).toBeCloseTo(Math.sqrt(3 / 5), 15);
    expect(nodes[1]).toBe(0);
    expect(weights[1]).toBeCloseTo(8 / 9, 15);
    expect(weights[0]).toBeCloseTo(5 / 9, 15);
  });
});

describe('symmetricTridiagonalEigenvalues (implicit QL)', () => {
  it('finds the eigenvalues 2 − 2cos(kπ/(n+1)) of the second-difference matrix', () => {
    const n = 50;
    const ev = symmetricTridiagonalEigenvalues(new Float64Array(n).fill(2), new Float64Array(n - 1).fill(-1));
    for (let k = 1; k <= n; k++) expect(ev[k - 1]).toBeCloseTo(2 - 2 * Math.cos((k * Math.PI) / (n + 1)), 13);
  });

  it('handles a matrix that is already split', () => {
    expect(Array.from(symmetricTridiagonalEigenvalues([3, 1, 2], [0, 0]))).toEqual([1, 2, 3]);
  });
});
