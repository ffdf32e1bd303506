/**
 * A factor F (R × r) with F Fᵀ = G for a PSD Gram matrix G known only to working precision, by
 * Cholesky in row order that skips rows numerically in the span of the rows before them.
 *
 * Row k's pivot d_k is the squared distance of row k from the span of the kept rows before it. When
 * d_k ≤ relTol · G_kk the row gets no column of its own: it is still represented through the
 * earlier columns, exactly in its covariance with every kept row, and G − F Fᵀ is the remaining
 * Schur complement, PSD and zero outside the skipped rows with diagonal d_k there, so every entry
 * of the error is at most relTol · √(G_kk G_jj) (Golub & Van Loan, Matrix Computations, 4th ed.,
 * §4.2.8, semidefinite Cholesky). No pivoting: the kept columns follow the row order, so the same
 * G to within rounding gives the same columns on any backend.
 */

let work = new Float64Array(0);
let pivots = new Int32Array(0);

/**
 * Factors the R × R matrix G[offset …] and writes F into `out` (row i at out[outOffset + i·outStride],
 * columns 0 … rank − 1; the caller zeroes the rest). Returns the rank. `outStride` ≥ R always fits.
 *
 * Row by row (left-looking): row i's entry in the column of an earlier kept row p is
 * (G_ip − <F_i, F_p>)/F_pc over the columns before, and what is left of G_ii is its pivot. Every
 * inner loop is a dot product over contiguous memory.
 */
export function inOrderCholesky(
  G: ArrayLike<number>,
  offset: number,
  R: number,
  relTol: number,
  out: Float32Array | Float64Array,
  outOffset: number,
  outStride: number,
): number {
  // Rows of F in float64 while factoring, R × R row-major; pivots[c] is the row that owns column c.
  if (work.length < R * R) {
    work = new Float64Array(R * R);
    pivots = new Int32Array(R);
  }
  const L = work;
  let rank = 0;
  for (let i = 0; i < R; i++) {
    const li = i * R;
    for (let c = 0; c < rank; c++) {
      const lp = pivots[c] * R;
      let s = G[offset + i * R + pivots[c]];
      for (let q = 0; q < c; q++) s -= L[li + q] * L[lp + q];
      L[li + c] = s / L[lp + c];
    }
    let d = G[offset + i * R + i];
    const gii = d;
    for (let q = 0; q < rank; q++) d -= L[li + q] * L[li + q];
    const own = gii > 0 && d > relTol * gii;
    if (own) {
      L[li + rank] = Math.sqrt(d);
      pivots[rank] = i;
    }
    const width = own ? rank + 1 : rank;
    const o = outOffset + i * outStride;
    for (let q = 0; q < width; q++) out[o + q] = L[li + q];
    if (own) rank++;
  }
  return rank;
}
