/**
 * Small dense float64 products on row-major typed arrays: the T×T blocks of the attention kernel
 * maps (src/layers/attention/kernel.ts) and of the fixed-H limit law (src/limits/singleHeadLaw.ts).
 */

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
