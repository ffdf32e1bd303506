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

/**
 * Factors the R × R matrix G[offset …] and writes F into `out` (row i at out[outOffset + i·outStride],
 * columns 0 … rank − 1; the caller zeroes the rest). Returns the rank. `outStride` ≥ R always fits.
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
  // S holds the Schur complement of the kept rows; only its lower triangle is read or written.
  if (work.length < R * R) work = new Float64Array(R * R);
  const S = work;
  for (let i = 0; i < R; i++) for (let j = 0; j <= i; j++) S[i * R + j] = G[offset + i * R + j];
  let rank = 0;
  for (let k = 0; k < R; k++) {
    const gkk = G[offset + k * R + k];
    const d = S[k * R + k];
    if (!(gkk > 0) || !(d > relTol * gkk)) continue;
    const root = Math.sqrt(d);
    const inv = 1 / root;
    // Column k of S becomes the new column of F (rows below k), in place.
    out[outOffset + k * outStride + rank] = root;
    for (let i = k + 1; i < R; i++) {
      const ci = S[i * R + k] * inv;
      S[i * R + k] = ci;
      out[outOffset + i * outStride + rank] = ci;
    }
    for (let i = k + 1; i < R; i++) {
      const ci = S[i * R + k];
      if (ci === 0) continue;
      const row = i * R;
      for (let j = k + 1; j <= i; j++) S[row + j] -= ci * S[j * R + k];
    }
    rank++;
  }
  return rank;
}
