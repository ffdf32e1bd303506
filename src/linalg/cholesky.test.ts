import { describe, expect, it } from 'vitest';
import { cholesky } from './cholesky.ts';

describe('cholesky', () => {
  it('factors a symmetric positive definite matrix: L Lᵀ = A', () => {
    const a = [
      [4, 12, -16],
      [12, 37, -43],
      [-16, -43, 98],
    ];
    // Classic example with integer factor L = [[2,0,0],[6,1,0],[−8,5,3]].
    expect(cholesky(a)).toEqual([
      [2, 0, 0],
      [6, 1, 0],
      [-8, 5, 3],
    ]);
  });

  it('returns null for singular or indefinite matrices', () => {
    expect(
      cholesky([
        [1, 2],
        [2, 4],
      ]),
    ).toBeNull();
    expect(
      cholesky([
        [1, 3],
        [3, 1],
      ]),
    ).toBeNull();
  });
});
