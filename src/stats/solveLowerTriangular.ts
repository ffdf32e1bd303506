/**
 * Solves L y = b by forward substitution for lower-triangular L with a
 * non-zero diagonal (Golub & Van Loan, Matrix Computations, 4th ed., §3.1.1,
 * Algorithm 3.1.1).  With L the Cholesky factor of S, |y|² = bᵀ S⁻¹ b, which
 * is how the quadratic forms of Mardia's and Hotelling's statistics are
 * formed without inverting S.  Internal helper.
 */
export function solveLowerTriangular(l: readonly (readonly number[])[], b: readonly number[]): number[] {
  const p = b.length;
  const y = new Array<number>(p);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
  }
  return y;
}
