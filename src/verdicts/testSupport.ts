/** Seeded Gaussian draws for the verdict tests. */
import { uniformStream } from '../random/normals.ts';

export function normals(key: string): () => number {
  const u = uniformStream(key);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Row-major m×m correlation with ρ^|i−j| (AR(1)): a dense, well-conditioned test correlation. */
export function ar1(m: number, rho: number): Float64Array {
  const r = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) r[i * m + j] = rho ** Math.abs(i - j);
  return r;
}

/** x = L g for a lower factor L (row-major m×m). */
export function correlated(L: Float64Array, m: number, draw: () => number): Float64Array {
  const g = Float64Array.from({ length: m }, draw);
  const x = new Float64Array(m);
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) x[i] += L[i * m + j] * g[j];
  return x;
}
