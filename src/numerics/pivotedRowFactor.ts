/**
 * A factor F (R × r) with F Fᵀ ≈ G for a Gram matrix G = x xᵀ known only to working precision, by
 * Cholesky with complete (diagonal) pivoting on the correlation matrix C = D^-½ G D^-½
 * (D = diag G), stopping at the numerical rank; F = D^½ F_C.
 *
 * Each step takes the row with the largest remaining pivot of C (the squared sine of its angle to
 * the span of the rows already taken) and stops once every remaining one is at most relTol. The
 * error G − F Fᵀ = D^½ (C − F_C F_Cᵀ) D^½ is the remaining Schur complement, PSD with entries at most
 * relTol · √(G_ii G_jj): each entry within a tolerance scaled to its own rows, which is how the
 * rounding of a float32 dot product scales. Every multiplier of F_C is at most 1, so that rounding
 * is not amplified (Higham, "Cholesky factorization", WIREs Comp. Stat. 1 (2009) 251–254, §3;
 * Golub & Van Loan, Matrix Computations, 4th ed., §4.2.8). Without pivoting, a near-dependent row
 * taken early divided later rows by a pivot of the size of G's rounding, and rare networks got
 * entries 100× too large; pivoting on G itself, a tolerance relative to the largest diagonal let
 * rows of small norm lose up to relTol·max G / G_ii of their variance. Zero rows get zero rows.
 */

let work = new Float64Array(0);
let corr = new Float64Array(0);
let scale = new Float64Array(0);
let diag = new Float64Array(0);
let taken = new Uint8Array(0);

/**
 * Factors the R × R matrix G[offset …] and writes F into `out` (row i at out[outOffset + i·outStride],
 * columns 0 … rank − 1; the caller zeroes the rest). Returns the rank. Rows stay in their order;
 * F is lower-triangular only up to that row permutation: `pivots`, when given, receives the row
 * taken at each step (pivots[k] for column k), so the rows pivots[0 … rank − 1] of F form a lower
 * triangular matrix.
 */
export function pivotedRowFactor(
  G: ArrayLike<number>,
  offset: number,
  R: number,
  relTol: number,
  out: Float32Array | Float64Array,
  outOffset: number,
  outStride: number,
  pivots?: Int32Array,
): number {
  if (work.length < R * R) {
    work = new Float64Array(R * R);
    corr = new Float64Array(R * R);
    scale = new Float64Array(R);
    diag = new Float64Array(R);
    taken = new Uint8Array(R);
  }
  // L: R × R row-major, column k filled at step k for the rows not yet taken (of F_C).
  const L = work;
  const c = corr;
  for (let i = 0; i < R; i++) {
    const gii = G[offset + i * R + i];
    scale[i] = gii > 0 ? Math.sqrt(gii) : 0;
    // A zero (or, from rounding, negative) diagonal is a zero row: never a pivot, never a column.
    diag[i] = gii > 0 ? 1 : 0;
    taken[i] = gii > 0 ? 0 : 1;
  }
  for (let i = 0; i < R; i++)
    for (let j = 0; j < R; j++) c[i * R + j] = scale[i] > 0 && scale[j] > 0 ? G[offset + i * R + j] / (scale[i] * scale[j]) : 0;
  let rank = 0;
  while (rank < R) {
    let j = -1;
    let best = relTol;
    for (let i = 0; i < R; i++)
      if (taken[i] === 0 && diag[i] > best) {
        best = diag[i];
        j = i;
      }
    if (j < 0) break;
    const k = rank;
    if (pivots) pivots[k] = j;
    const piv = Math.sqrt(diag[j]);
    const lj = j * R;
    L[lj + k] = piv;
    taken[j] = 1;
    for (let i = 0; i < R; i++) {
      const li = i * R;
      if (taken[i] === 1) {
        if (i !== j) L[li + k] = 0;
        continue;
      }
      // <L_i, L_j> over the columns so far, four at a time for instruction-level parallelism.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let q = 0;
      for (; q + 3 < k; q += 4) {
        s0 += L[li + q] * L[lj + q];
        s1 += L[li + q + 1] * L[lj + q + 1];
        s2 += L[li + q + 2] * L[lj + q + 2];
        s3 += L[li + q + 3] * L[lj + q + 3];
      }
      for (; q < k; q++) s0 += L[li + q] * L[lj + q];
      const v = (c[i * R + j] - (s0 + s1 + (s2 + s3))) / piv;
      L[li + k] = v;
      diag[i] -= v * v;
    }
    rank++;
  }
  for (let i = 0; i < R; i++) {
    const o = outOffset + i * outStride;
    const li = i * R;
    const si = scale[i];
    for (let q = 0; q < rank; q++) out[o + q] = si * L[li + q];
  }
  return rank;
}
