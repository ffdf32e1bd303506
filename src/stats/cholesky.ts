/**
 * Cholesky factor L (lower triangular, A = L Lᵀ) of a symmetric positive
 * definite matrix, by the column-oriented algorithm of Golub & Van Loan,
 * Matrix Computations, 4th ed. (2013), §4.2 (Algorithm 4.2.1).  Only the
 * lower triangle of `a` is read.
 *
 * A pivot that is not positive, or that has lost all but ~8 of its 16
 * significant digits to cancellation (pivot ≤ 1e-8 × the original diagonal
 * entry), means the matrix is singular or too ill-conditioned for a
 * statistic built on its inverse to be trusted; `null` is returned and the
 * caller reports the error in its own terms.  Internal helper.
 */
export function cholesky(a: readonly (readonly number[])[]): number[][] | null {
  const p = a.length;
  const l: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let j = 0; j < p; j++) {
    let pivot = a[j][j];
    for (let k = 0; k < j; k++) pivot -= l[j][k] * l[j][k];
    if (!(pivot > 1e-8 * a[j][j])) return null;
    const d = Math.sqrt(pivot);
    l[j][j] = d;
    for (let i = j + 1; i < p; i++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      l[i][j] = s / d;
    }
  }
  return l;
}
