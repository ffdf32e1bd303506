/**
 * The unpivoted Cholesky factor L (lower triangular, A ≈ L Lᵀ), by the column-oriented algorithm of
 * Golub & Van Loan, Matrix Computations, 4th ed. (2013), §4.2 (Algorithm 4.2.1). Only the lower
 * triangle of A is read. Its two callers differ only in what a lost pivot means:
 *
 * - `cholesky` (statistics built on A⁻¹: Mardia, Hotelling): A must be positive definite. A pivot
 *   that is not positive, or that has lost all but ~8 of its 16 significant digits to cancellation
 *   (pivot ≤ 1e-8 × the original diagonal entry), means A is singular or too ill-conditioned for
 *   the statistic to be trusted; `null` is returned and the caller reports it in its own terms.
 * - `psdFactor` (the verdict engine's draws from N(0, A)): A is positive SEMI-definite and routinely
 *   rank-deficient (entries that are exact linear combinations of others, more entries than
 *   networks). A pivot below 1e-12 of its diagonal has no significant digits left and is set to
 *   zero with its column, which keeps the recursion stable on semi-definite input (Higham 1990,
 *   "Analysis of the Cholesky decomposition of a semi-definite matrix", in Reliable Numerical
 *   Computation, OUP, pp. 161–185); a zero column draws nothing along a direction without variance.
 *
 * For rank-revealing (pivoted) factors see pivotedCholesky.ts.
 */

/**
 * Factors the row-major m × m matrix `a` into `l` (zeroed by the caller). A pivot at or below
 * `minRatio` × its diagonal entry returns false when `refuse`, and gets a zero column otherwise.
 */
function factorInto(a: ArrayLike<number>, m: number, l: Float64Array, minRatio: number, refuse: boolean): boolean {
  for (let j = 0; j < m; j++) {
    const rowJ = j * m;
    let pivot = a[rowJ + j];
    for (let k = 0; k < j; k++) pivot -= l[rowJ + k] * l[rowJ + k];
    if (!(pivot > minRatio * a[rowJ + j])) {
      if (refuse) return false;
      continue;
    }
    const d = Math.sqrt(pivot);
    l[rowJ + j] = d;
    for (let i = j + 1; i < m; i++) {
      const rowI = i * m;
      let s = a[rowI + j];
      for (let k = 0; k < j; k++) s -= l[rowI + k] * l[rowJ + k];
      l[rowI + j] = s / d;
    }
  }
  return true;
}

/** The Cholesky factor of a positive definite matrix (nested rows), or null when it is not one to ~8 digits. */
export function cholesky(a: readonly (readonly number[])[]): number[][] | null {
  const p = a.length;
  const flat = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) flat[i * p + j] = a[i][j];
  const l = new Float64Array(p * p);
  if (!factorInto(flat, p, l, 1e-8, true)) return null;
  return Array.from({ length: p }, (_, i) => Array.from(l.subarray(i * p, (i + 1) * p)));
}

/** A lower-triangular L (row-major m × m) with L Lᵀ ≈ A for a positive semi-definite A (row-major m × m). */
export function psdFactor(a: Float64Array, m: number): Float64Array {
  if (a.length !== m * m) throw new Error(`psdFactor: expected ${m * m} entries, got ${a.length}`);
  const l = new Float64Array(m * m);
  factorInto(a, m, l, 1e-12, false);
  return l;
}

/**
 * Solves L y = b by forward substitution for lower-triangular L with a non-zero diagonal
 * (Golub & Van Loan, §3.1.1, Algorithm 3.1.1). With L the Cholesky factor of S, |y|² = bᵀ S⁻¹ b:
 * how Mardia's and Hotelling's quadratic forms are formed without inverting S.
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
