import { centralMoments } from './centralMoments.ts';
import { chiSquaredSurvival } from './chiSquaredSurvival.ts';
import type { TestResult } from './types.ts';
import { checkAlpha, checkSample } from './validate.ts';

/**
 * Jarque–Bera test of normality (Jarque & Bera 1987, "A test for normality
 * of observations and regression residuals", International Statistical
 * Review 55(2):163–172):
 *   JB = (n/6) · (S² + K²/4),
 * with S = m3/m2^{3/2} and K = m4/m2² − 3 the moment (biased) skewness and
 * excess kurtosis.  Under normality JB is asymptotically χ² with 2 degrees of
 * freedom, so p = P(χ²₂ > JB) = exp(−JB/2).  The χ² approximation is poor
 * for small n (the test is then conservative); the p-value is the
 * asymptotic one, as in scipy.stats.jarque_bera.
 *
 * Agrees with scipy.stats.jarque_bera to ≤ 1e-13 relative (jarqueBera.test.ts).
 * @throws if fewer than 3 finite values or zero variance.
 */
export function jarqueBera(sample: readonly number[], alpha = 0.05): TestResult {
  checkSample('jarqueBera', 'sample', sample, 3);
  checkAlpha('jarqueBera', alpha);
  const n = sample.length;
  const { m2, m3, m4 } = centralMoments(sample);
  if (!(m2 > 0)) throw new RangeError('jarqueBera: sample has zero variance');
  const skewness = m3 / Math.pow(m2, 1.5);
  const excessKurtosis = m4 / (m2 * m2) - 3;
  const statistic = (n / 6) * (skewness * skewness + (excessKurtosis * excessKurtosis) / 4);
  const pValue = chiSquaredSurvival(statistic, 2);
  return {
    method: 'Jarque-Bera (asymptotic chi-squared, 2 df)',
    statistic,
    pValue,
    alpha,
    rejected: pValue <= alpha,
    df: 2,
    n,
    skewness,
    excessKurtosis,
  };
}
