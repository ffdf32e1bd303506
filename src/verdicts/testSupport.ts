/** Seeded Gaussian draws for the verdict tests. */
import { normalStream } from '../random/normals.ts';

/** The keyed normal stream of src/random/ (the one the estimators draw weights from). */
export const normals = normalStream;

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
