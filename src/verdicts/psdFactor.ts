/**
 * A lower-triangular factor L with L Lᵀ ≈ A for a symmetric positive SEMI-definite matrix, by the
 * Cholesky recursion with non-positive (or cancelled) pivots set to zero (Higham 1990, "Analysis
 * of the Cholesky decomposition of a semi-definite matrix", in Reliable Numerical Computation,
 * OUP, pp. 161–185: the recursion is stable on semi-definite input once a pivot that has lost its
 * digits is treated as zero).
 *
 * Why not src/stats/cholesky: that one refuses ill-conditioned input, which is right for a
 * statistic built on A⁻¹ but wrong here. The verdict engine only needs draws from N(0, A), and the
 * covariance of kernel entries is routinely rank-deficient (entries that are exact linear
 * combinations of others, more entries than networks); a zero column draws nothing along a
 * direction the data says has no variance.
 *
 * `a` is row-major m×m; only its lower triangle is read. Returns L row-major m×m.
 */
export function psdFactor(a: Float64Array, m: number): Float64Array {
  if (a.length !== m * m) throw new Error(`psdFactor: expected ${m * m} entries, got ${a.length}`);
  const l = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    const rowJ = j * m;
    let pivot = a[rowJ + j];
    for (let k = 0; k < j; k++) pivot -= l[rowJ + k] * l[rowJ + k];
    // A pivot below 1e-12 of its diagonal has no significant digits left (float64 has ~16).
    if (!(pivot > 1e-12 * a[rowJ + j])) continue;
    const d = Math.sqrt(pivot);
    l[rowJ + j] = d;
    for (let i = j + 1; i < m; i++) {
      const rowI = i * m;
      let s = a[rowI + j];
      for (let k = 0; k < j; k++) s -= l[rowI + k] * l[rowJ + k];
      l[rowI + j] = s / d;
    }
  }
  return l;
}
