import { cholesky, solveLowerTriangular } from '../linalg/cholesky.ts';
import { fSurvival } from './fSurvival.ts';
import type { TestResult } from './types.ts';
import { checkAlpha, checkMatrix, checkSample } from './validate.ts';

/**
 * One-sample Hotelling T² test of H0: E[x] = mu0 for p-variate normal data
 * (Hotelling 1931, "The generalization of Student's ratio", Annals of
 * Mathematical Statistics 2:360–378; Anderson 2003, An Introduction to
 * Multivariate Statistical Analysis, 3rd ed., §5.2):
 *   T² = n (x̄ − μ0)ᵀ S⁻¹ (x̄ − μ0),  S the (n − 1)-denominator covariance,
 *   F = (n − p)/(p (n − 1)) · T² ~ F(p, n − p) under H0.
 * The quadratic form is |L⁻¹(x̄ − μ0)|² with L the Cholesky factor of S.
 *
 * `statistic` is T²; `fStatistic` the F value, `df` = [p, n − p].
 * Agreement with numpy + scipy.stats.f: ≤ 5.1e-15 relative
 * (hotellingOneSample.test.ts).
 * @throws if n ≤ p (S is then singular and F has no denominator degrees of
 * freedom), if mu0 has the wrong length, or if S is singular.
 */
export function hotellingOneSample(samples: readonly (readonly number[])[], mu0: readonly number[], alpha = 0.05): TestResult {
  const p = checkMatrix('hotellingOneSample', 'samples', samples, 1);
  checkSample('hotellingOneSample', 'mu0', mu0, 1);
  checkAlpha('hotellingOneSample', alpha);
  if (mu0.length !== p) throw new RangeError(`hotellingOneSample: mu0 must have length ${p} (the number of columns), got ${mu0.length}`);
  const n = samples.length;
  if (n <= p) {
    throw new RangeError(`hotellingOneSample: need more observations than dimensions (n > p), got n=${n}, p=${p}; the covariance matrix is singular`);
  }
  const mean = new Array<number>(p).fill(0);
  for (const row of samples) for (let k = 0; k < p; k++) mean[k] += row[k] / n;
  const s = Array.from({ length: p }, (_, a) =>
    Array.from({ length: p }, (_, b) => samples.reduce((acc, r) => acc + (r[a] - mean[a]) * (r[b] - mean[b]), 0) / (n - 1)),
  );
  const l = cholesky(s);
  if (l === null) throw new RangeError('hotellingOneSample: sample covariance matrix is singular (collinear columns?)');
  const y = solveLowerTriangular(
    l,
    mean.map((m, k) => m - mu0[k]),
  );
  const statistic = n * y.reduce((acc, v) => acc + v * v, 0);
  const fStatistic = ((n - p) / (p * (n - 1))) * statistic;
  const pValue = fSurvival(fStatistic, p, n - p);
  return {
    method: 'One-sample Hotelling T-squared (F distribution)',
    statistic,
    pValue,
    alpha,
    rejected: pValue <= alpha,
    df: [p, n - p],
    fStatistic,
    n,
    p,
    mean,
  };
}
