/**
 * Small dense float64 linear algebra for the attention kernels: a rank-revealing Cholesky factor
 * and the T×T matrix products the kernel maps need. Row-major typed arrays throughout.
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
 * Pivoted (rank-revealing) outer-product Cholesky of a symmetric PSD matrix A (n × n).
 *
 * Picks the largest remaining diagonal each step and stops once every remaining one is at most
 * relTol · max(diag A): rank-deficient matrices (identical inputs, masked rows, a kernel of low rank)
 * factor without jitter, with a residual of that size. A zero matrix gives rank 0.
 */
export function pivotedCholesky(A: Float64Array, n: number, relTol = 1e-12): PivotedCholesky {
  const d = new Float64Array(n);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    d[i] = A[i * n + i];
    if (d[i] > maxDiag) maxDiag = d[i];
  }
  const tol = relTol * maxDiag;
  const full = new Float64Array(n * n);
  const used = new Uint8Array(n);
  const lens = new Int32Array(n);
  let rank = 0;
  if (maxDiag > 0) {
    for (let k = 0; k < n; k++) {
      let j = -1;
      let best = tol;
      for (let i = 0; i < n; i++) if (!used[i] && d[i] > best) ((best = d[i]), (j = i));
      if (j < 0) break;
      used[j] = 1;
      lens[j] = k + 1;
      const pivot = Math.sqrt(d[j]);
      full[j * n + k] = pivot;
      for (let i = 0; i < n; i++) {
        if (used[i]) continue;
        let s = A[i * n + j];
        for (let m = 0; m < k; m++) s -= full[i * n + m] * full[j * n + m];
        const l = s / pivot;
        full[i * n + k] = l;
        d[i] -= l * l;
      }
      rank = k + 1;
    }
  }
  for (let i = 0; i < n; i++) if (!used[i]) lens[i] = rank;
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

/** out (m × p) = A (m × k) · B (k × p). */
export function matmul(A: Float64Array, B: Float64Array, m: number, k: number, p: number, out: Float64Array = new Float64Array(m * p)): Float64Array {
  out.fill(0);
  for (let i = 0; i < m; i++) {
    const oi = i * p;
    for (let l = 0; l < k; l++) {
      const a = A[i * k + l];
      if (a === 0) continue;
      const bl = l * p;
      for (let j = 0; j < p; j++) out[oi + j] += a * B[bl + j];
    }
  }
  return out;
}

/** out (m × p) = A (m × k) · Bᵀ with B (p × k). */
export function matmulT(A: Float64Array, B: Float64Array, m: number, k: number, p: number, out: Float64Array = new Float64Array(m * p)): Float64Array {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < p; j++) {
      const bj = j * k;
      let s = 0;
      for (let l = 0; l < k; l++) s += A[ai + l] * B[bj + l];
      out[i * p + j] = s;
    }
  }
  return out;
}

/** The sub-block A[rows, cols] of a row-major matrix with `stride` columns. */
export function gather(A: Float64Array, stride: number, rows: Int32Array, cols: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * cols.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] * stride;
    for (let j = 0; j < cols.length; j++) out[i * cols.length + j] = A[r + cols[j]];
  }
  return out;
}

/** Whether every entry is zero (lets the kernels skip terms such as an input NTK of 0). */
export function allZero(A: Float64Array): boolean {
  for (let i = 0; i < A.length; i++) if (A[i] !== 0) return false;
  return true;
}
