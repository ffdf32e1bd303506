import { describe, expect, it } from 'vitest';
import { solveLowerTriangular } from './cholesky.ts';

describe('solveLowerTriangular', () => {
  it('solves L y = b by forward substitution', () => {
    const l = [
      [2, 0, 0],
      [6, 1, 0],
      [-8, 5, 3],
    ];
    // y = (1, −2, 4): b = (2, 6 − 2, −8 − 10 + 12) = (2, 4, −6).
    expect(solveLowerTriangular(l, [2, 4, -6])).toEqual([1, -2, 4]);
  });
});
