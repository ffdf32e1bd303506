/**
 * Pivoted (rank-revealing) Cholesky: one outer-product recursion with complete (diagonal) pivoting
 * (Golub & Van Loan, Matrix Computations, 4th ed., §4.2.8; Higham, "Cholesky factorization",
 * WIREs Comp. Stat. 1 (2009) 251–254, §3), used two ways:
 *
 * - `pivotedCholesky` / `psdSquareFactor`: factors of analytic float64 kernels (attention's logit
 *   covariances, the positional correlation R). Rank-deficient matrices (identical inputs, masked
 *   rows, a kernel of low rank) factor without jitter, with a residual at the stopping tolerance.
 * - `pivotedRowFactor`: a Gram matrix G = x xᵀ known only to working precision (the sampler's
 *   float32 activations), pivoted on its correlation matrix (see there).
 */

export interface PivotedCholesky {
  /** n × rank, row-major, rows in the ORIGINAL order: L Lᵀ ≈ A. */
  readonly L: Float64Array;
  readonly n: number;
  readonly rank: number;
  /**
   * Row i of L is zero beyond column lens[i] - 1 (L is lower-triangular in pivot order), which lets
   * products with L skip the zero tail.
   */
  readonly lens: Int32Array;
}

/**
 * The recursion. A is n × n row-major at `offset`; `d` holds its diagonal on entry (the remaining
 * pivots, updated in place); rows with `taken[i] = 1` are never pivots. Each step takes the row with
 * the largest remaining pivot above `tol` (the first such on ties), fills column k of `L` (n × n,
 * row-major; entries of taken rows set to zero) and stops when none is left. `lens[j]` gets k + 1
 * for the row pivoted at step k. Returns the rank.
 *
 * `unrolled` only orders the sums: the sampler's factor (hot) sums four at a time, the analytic
 * kernels subtract term by term as they always have, so that both give the same bits as before
 * the two copies were merged (with one order for both, the sampled sqrt-softmax kernels of the
 * committed suites changed: up to 0.15 relative in one entry, from rounding-level differences).
 */
function pivotedRecursion(
  A: ArrayLike<number>,
  offset: number,
  n: number,
  tol: number,
  d: Float64Array,
  taken: Uint8Array,
  L: Float64Array,
  lens: Int32Array | null,
  unrolled: boolean,
): number {
  let rank = 0;
  while (rank < n) {
    let j = -1;
    let best = tol;
    for (let i = 0; i < n; i++)
      if (taken[i] === 0 && d[i] > best) {
        best = d[i];
        j = i;
      }
    if (j < 0) break;
    const k = rank;
    const piv = Math.sqrt(d[j]);
    const lj = j * n;
    L[lj + k] = piv;
    taken[j] = 1;
    if (lens) lens[j] = k + 1;
    for (let i = 0; i < n; i++) {
      const li = i * n;
      if (taken[i] === 1) {
        if (i !== j) L[li + k] = 0;
        continue;
      }
      let v: number;
      if (unrolled) {
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
        v = (A[offset + i * n + j] - (s0 + s1 + (s2 + s3))) / piv;
      } else {
        let s = A[offset + i * n + j];
        for (let q = 0; q < k; q++) s -= L[li + q] * L[lj + q];
        v = s / piv;
      }
      L[li + k] = v;
      d[i] -= v * v;
    }
    rank++;
  }
  return rank;
}

/**
 * Pivoted Cholesky of a symmetric PSD matrix A (n × n), stopping once every remaining pivot is at
 * most relTol · max(diag A). A zero matrix gives rank 0.
 */
export function pivotedCholesky(A: Float64Array, n: number, relTol = 1e-12): PivotedCholesky {
  const d = new Float64Array(n);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    d[i] = A[i * n + i];
    if (d[i] > maxDiag) maxDiag = d[i];
  }
  const full = new Float64Array(n * n);
  const lens = new Int32Array(n);
  const rank = maxDiag > 0 ? pivotedRecursion(A, 0, n, relTol * maxDiag, d, new Uint8Array(n), full, lens, false) : 0;
  for (let i = 0; i < n; i++) if (lens[i] === 0) lens[i] = rank;
  const L = new Float64Array(n * rank);
  for (let i = 0; i < n; i++) for (let k = 0; k < rank; k++) L[i * rank + k] = full[i * n + k];
  return { L, n, rank, lens };
}

/**
 * A square factor F (n × n) with F Fᵀ = A, for a matrix that must be PSD (e.g. the positional
 * correlation R). Throws with `what` in the message when A is not PSD to ~1e-8 relative accuracy:
 * the pivoted factor then leaves a residual A - L Lᵀ that is not small.
 */
export function psdSquareFactor(A: Float64Array, n: number, what: string): Float64Array {
  const { L, rank } = pivotedCholesky(A, n, 1e-14);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(A[i * n + i]));
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < rank; k++) s -= L[i * rank + k] * L[j * rank + k];
      worst = Math.max(worst, Math.abs(s));
    }
  }
  if (!(worst <= 1e-8 * Math.max(scale, 1e-300))) {
    throw new Error(`${what} is not positive semi-definite (Cholesky residual ${worst.toExponential(2)})`);
  }
  const F = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < rank; k++) F[i * n + k] = L[i * rank + k];
  return F;
}

// Scratch of pivotedRowFactor, grown on demand: it runs once per network and layer in the sampler.
let work = new Float64Array(0);
let corr = new Float64Array(0);
let scale = new Float64Array(0);
let diag = new Float64Array(0);
let taken = new Uint8Array(0);
let steps = new Int32Array(0);

/**
 * A factor F (R × r) with F Fᵀ ≈ G for a Gram matrix G = x xᵀ known only to working precision,
 * pivoted on the correlation matrix C = D^-½ G D^-½ (D = diag G) and stopped at the numerical rank
 * (every remaining pivot of C at most relTol); F = D^½ F_C.
 *
 * The error G − F Fᵀ = D^½ (C − F_C F_Cᵀ) D^½ is the remaining Schur complement, PSD with entries at
 * most relTol · √(G_ii G_jj): each entry within a tolerance scaled to its own rows, which is how the
 * rounding of a float32 dot product scales. Every multiplier of F_C is at most 1, so that rounding
 * is not amplified. Without pivoting, a near-dependent row taken early divided later rows by a pivot
 * of the size of G's rounding, and rare networks got entries 100× too large; pivoting on G itself,
 * a tolerance relative to the largest diagonal let rows of small norm lose up to relTol·max G / G_ii
 * of their variance. Zero rows get zero rows.
 *
 * Factors the R × R matrix G[offset …] and writes F into `out` (row i at out[outOffset + i·outStride],
 * columns 0 … rank − 1; the caller zeroes the rest). Returns the rank. Rows stay in their order;
 * F is lower-triangular only up to that row permutation: `pivots`, when given, receives the row
 * taken at each step (pivots[k] for column k), so the rows pivots[0 … rank − 1] of F form a lower
 * triangular matrix (conditionalSites.ts solves with it).
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
    steps = new Int32Array(R);
  }
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
  if (pivots) steps.fill(0, 0, R);
  const rank = pivotedRecursion(c, 0, R, relTol, diag, taken, work, pivots ? steps : null, true);
  // The recursion records step k + 1 for the row it pivots at step k.
  if (pivots) for (let i = 0; i < R; i++) if (steps[i] > 0) pivots[steps[i] - 1] = i;
  for (let i = 0; i < R; i++) {
    const o = outOffset + i * outStride;
    const li = i * R;
    const si = scale[i];
    for (let q = 0; q < rank; q++) out[o + q] = si * work[li + q];
  }
  return rank;
}
