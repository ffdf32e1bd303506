/**
 * A factor F (R × r) with F Fᵀ ≈ G for a Gram matrix G = x xᵀ known only to working precision, by
 * Cholesky with complete (diagonal) pivoting that stops at the numerical rank.
 *
 * Each step takes the row with the largest remaining pivot d_j (its squared distance from the span
 * of the rows already taken) and stops once every remaining pivot is at most relTol · max_i G_ii.
 * The error G − F Fᵀ is then the remaining Schur complement, whose entries are at most that bound,
 * and every multiplier |F_ik / F_jk| ≤ 1, so rounding in G cannot be amplified (Higham, "Cholesky
 * factorization", WIREs Comp. Stat. 1 (2009) 251–254, §3; Golub & Van Loan, Matrix Computations,
 * 4th ed., §4.2.8). Without pivoting, a near-duplicate row just above the tolerance divided later
 * rows by a pivot of the size of G's own rounding, and rare networks got entries 100× too large.
 */

let work = new Float64Array(0);
let gram = new Float64Array(0);
let diag = new Float64Array(0);
let taken = new Uint8Array(0);

/**
 * Factors the R × R matrix G[offset …] and writes F into `out` (row i at out[outOffset + i·outStride],
 * columns 0 … rank − 1; the caller zeroes the rest). Returns the rank. Rows stay in their order;
 * F is lower-triangular only up to that row permutation.
 */
export function pivotedRowFactor(
  G: ArrayLike<number>,
  offset: number,
  R: number,
  relTol: number,
  out: Float32Array | Float64Array,
  outOffset: number,
  outStride: number,
): number {
  if (work.length < R * R) {
    work = new Float64Array(R * R);
    gram = new Float64Array(R * R);
    diag = new Float64Array(R);
    taken = new Uint8Array(R);
  }
  // L: R × R row-major, column k filled at step k for the rows not yet taken.
  const L = work;
  // One copy into float64 keeps every loop below on a single array type (V8 compiles a loop over
  // a parameter that is sometimes Float32Array, sometimes Float64Array, about half as fast).
  const g = gram;
  for (let i = 0; i < R * R; i++) g[i] = G[offset + i];
  let maxDiag = 0;
  for (let i = 0; i < R; i++) {
    diag[i] = g[i * R + i];
    taken[i] = 0;
    if (diag[i] > maxDiag) maxDiag = diag[i];
  }
  const tol = relTol * maxDiag;
  let rank = 0;
  while (rank < R) {
    let j = -1;
    let best = tol;
    for (let i = 0; i < R; i++)
      if (taken[i] === 0 && diag[i] > best) {
        best = diag[i];
        j = i;
      }
    if (j < 0) break;
    const k = rank;
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
      const v = (g[i * R + j] - (s0 + s1 + (s2 + s3))) / piv;
      L[li + k] = v;
      diag[i] -= v * v;
    }
    rank++;
  }
  for (let i = 0; i < R; i++) {
    const o = outOffset + i * outStride;
    const li = i * R;
    for (let q = 0; q < rank; q++) out[o + q] = L[li + q];
  }
  return rank;
}
