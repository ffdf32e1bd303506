import { kolmogorovSurvival } from './kolmogorovSurvival.ts';
import type { TestResult } from './types.ts';
import { checkAlpha, checkSample } from './validate.ts';

/**
 * One-sample Kolmogorov–Smirnov test (two-sided) of a sample against a fully
 * specified continuous distribution function `cdf`:
 *   D⁺ = max_i (i/n − F(x_(i))),  D⁻ = max_i (F(x_(i)) − (i − 1)/n),  D = max(D⁺, D⁻).
 *
 * p-value: Q_KS((√n + 0.12 + 0.11/√n)·D), the asymptotic Kolmogorov
 * distribution with Stephens' (1970, JRSS B 32:115–122) correction, which is
 * accurate to a few percent of p already for small n (Numerical Recipes 3rd
 * ed. §14.3.3).  Parameters of `cdf` must not have been estimated from the
 * same sample (the test is then very conservative; use
 * `andersonDarlingNormal` for a composite normality test).
 *
 * Agreement with scipy.stats.kstest: D to ≤ 1e-15 (ksOneSample.test.ts).
 * @throws if `cdf` returns a value outside [0, 1].
 */
export function ksOneSample(sample: readonly number[], cdf: (x: number) => number, alpha = 0.05): TestResult {
  checkSample('ksOneSample', 'sample', sample, 1);
  checkAlpha('ksOneSample', alpha);
  if (typeof cdf !== 'function') throw new TypeError('ksOneSample: cdf must be a function');
  const sorted = Array.from(sample).sort((u, v) => u - v);
  const n = sorted.length;
  let dPlus = 0;
  let dMinus = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    if (!(f >= 0 && f <= 1)) throw new RangeError(`ksOneSample: cdf(${sorted[i]}) must be in [0, 1], got ${f}`);
    dPlus = Math.max(dPlus, (i + 1) / n - f);
    dMinus = Math.max(dMinus, f - i / n);
  }
  const statistic = Math.max(dPlus, dMinus);
  const sqrtN = Math.sqrt(n);
  const pValue = kolmogorovSurvival((sqrtN + 0.12 + 0.11 / sqrtN) * statistic);
  return {
    method: 'One-sample Kolmogorov-Smirnov (asymptotic, Stephens 1970 correction)',
    statistic,
    pValue,
    alpha,
    rejected: pValue <= alpha,
    dPlus,
    dMinus,
    n,
  };
}
