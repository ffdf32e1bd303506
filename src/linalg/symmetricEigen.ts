/**
 * Eigendecomposition of a real symmetric matrix, A = V diag(λ) Vᵀ, by the cyclic Jacobi method
 * with the threshold strategy of Rutishauser (Wilkinson & Reinsch, Handbook for Automatic
 * Computation II, contribution II/1, 1971; Golub & Van Loan, Matrix Computations, 4th ed., §8.5).
 *
 * Why Jacobi: the matrices here are small (a training set's kernel, tens to a few hundred rows),
 * and Jacobi computes every eigenvalue, small ones included, to high RELATIVE accuracy when the
 * matrix is a well-scaled positive definite one (Demmel & Veselić 1992, SIAM J. Matrix Anal.
 * Appl. 13:1204–1245), where QR-based solvers only promise accuracy relative to ‖A‖. An
 * ill-conditioned NTK's smallest eigenvalues decide how slowly training converges along them and
 * how (Θ + λI)⁻¹ amplifies noise, so that accuracy is what the training predictions need. The
 * eigenvectors come out orthonormal to working precision whatever the conditioning.
 *
 * Cost O(n³) per sweep, 6–10 sweeps: fine up to a few hundred rows.
 */

export interface SymmetricEigen {
  readonly n: number;
  /** Eigenvalues in decreasing order. */
  readonly values: Float64Array;
  /** Eigenvectors as columns, row-major n × n: V[i·n + k] is component i of eigenvector k. */
  readonly vectors: Float64Array;
}

/** Eigenvalues (decreasing) and orthonormal eigenvectors of the symmetric n × n matrix `a` (row-major; the upper triangle is read). */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  if (a.length !== n * n) throw new Error(`symmetricEigen: expected ${n}×${n} = ${n * n} entries, got ${a.length}`);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const v = a[i * n + j];
      if (!Number.isFinite(v)) throw new Error(`symmetricEigen: entry (${i}, ${j}) is ${v}`);
      A[i * n + j] = A[j * n + i] = v;
    }
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  const offNorm = () => {
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += A[i * n + j] ** 2;
    return Math.sqrt(s);
  };
  for (let sweep = 0; sweep < 60; sweep++) {
    if (offNorm() === 0) break;
    let rotated = false;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        const app = A[p * n + p];
        const aqq = A[q * n + q];
        // Skip an entry that is negligible against BOTH diagonal entries it couples: the relative
        // criterion of Demmel & Veselić, which keeps small eigenvalues accurate.
        if (Math.abs(apq) <= 1e-17 * Math.sqrt(Math.abs(app * aqq)) || apq === 0) {
          A[p * n + q] = A[q * n + p] = 0;
          continue;
        }
        rotated = true;
        // The rotation that zeroes A[p][q] (Golub & Van Loan, Algorithm 8.5.1), the smaller angle.
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        A[p * n + q] = A[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    if (!rotated) break;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[j * n + j] - A[i * n + i]);
  const values = Float64Array.from(order, (i) => A[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, k) => {
    for (let i = 0; i < n; i++) vectors[i * n + k] = V[i * n + src];
  });
  return { n, values, vectors };
}
