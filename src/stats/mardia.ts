import { chiSquaredSurvival } from './chiSquaredSurvival.ts';
import { cholesky, solveLowerTriangular } from '../linalg/cholesky.ts';
import { normalSurvival } from './normalSurvival.ts';
import type { TestResult } from './types.ts';
import { checkAlpha, checkMatrix } from './validate.ts';

/**
 * Mardia's (1970) tests of multivariate normality, "Measures of multivariate
 * skewness and kurtosis with applications", Biometrika 57(3):519–530.
 *
 * With x̄ the sample mean, S = (1/n) Σ (x_i − x̄)(x_i − x̄)ᵀ the
 * maximum-likelihood covariance and g_ij = (x_i − x̄)ᵀ S⁻¹ (x_j − x̄):
 *   b_{1,p} = (1/n²) Σ_{i,j} g_ij³,   b_{2,p} = (1/n) Σ_i g_ii².
 * Under normality, asymptotically (Mardia 1970):
 *   n·b_{1,p}/6 ~ χ² with p(p+1)(p+2)/6 df,
 *   (b_{2,p} − p(p+2)) / sqrt(8p(p+2)/n) ~ N(0, 1)  (two-sided p-value).
 * These are the plain large-sample forms; they are inaccurate for small n
 * (Mardia 1974, Sankhyā B 36:115–128, gives a small-sample correction for
 * the skewness statistic, which is not applied here).
 *
 * The combined result rejects if either component does, at family-wise level
 * alpha: pValue = min(1, 2·min(p_skew, p_kurt)) (Bonferroni over the two
 * components), and `statistic` is the smaller component p-value.  Both
 * components are reported in `skewness` and `kurtosis`.  The g_ij are
 * computed as y_iᵀ y_j with y_i = L⁻¹(x_i − x̄), L the Cholesky factor of S.
 *
 * Agreement with a direct numpy evaluation of the formulas: ≤ 2.5e-15
 * relative for b_{1,p}, b_{2,p} and the statistics, ≤ 1e-13 for the p-values (mardia.test.ts).
 * @throws if n ≤ p or S is singular.
 */
export function mardia(samples: readonly (readonly number[])[], alpha = 0.05): TestResult {
  const p = checkMatrix('mardia', 'samples', samples, 2);
  checkAlpha('mardia', alpha);
  const n = samples.length;
  if (n <= p) throw new RangeError(`mardia: need more observations than dimensions (n > p), got n=${n}, p=${p}`);
  const mu = new Array<number>(p).fill(0);
  for (const row of samples) for (let k = 0; k < p; k++) mu[k] += row[k] / n;
  const centred = samples.map((row) => row.map((v, k) => v - mu[k]));
  const s = Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => centred.reduce((acc, r) => acc + r[a] * r[b], 0) / n));
  const l = cholesky(s);
  if (l === null) throw new RangeError('mardia: sample covariance matrix is singular (collinear columns?)');
  const y = centred.map((r) => solveLowerTriangular(l, r));

  let sumCubes = 0;
  let sumSquaresDiagonal = 0;
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    let gii = 0;
    for (let k = 0; k < p; k++) gii += yi[k] * yi[k];
    sumSquaresDiagonal += gii * gii;
    sumCubes += gii * gii * gii;
    for (let j = i + 1; j < n; j++) {
      let gij = 0;
      for (let k = 0; k < p; k++) gij += yi[k] * y[j][k];
      sumCubes += 2 * gij * gij * gij;
    }
  }
  const b1p = sumCubes / (n * n);
  const b2p = sumSquaresDiagonal / n;
  const skewStatistic = (n * b1p) / 6;
  const skewDf = (p * (p + 1) * (p + 2)) / 6;
  const skewPValue = chiSquaredSurvival(skewStatistic, skewDf);
  const kurtosisStatistic = (b2p - p * (p + 2)) / Math.sqrt((8 * p * (p + 2)) / n);
  const kurtosisPValue = 2 * normalSurvival(Math.abs(kurtosisStatistic));
  const minP = Math.min(skewPValue, kurtosisPValue);
  const pValue = Math.min(1, 2 * minP);
  return {
    method: 'Mardia (1970) multivariate skewness (chi-squared) and kurtosis (normal) tests; pValue = Bonferroni min(1, 2*min(pSkew, pKurt)), statistic = min(pSkew, pKurt)',
    statistic: minP,
    pValue,
    alpha,
    rejected: pValue <= alpha,
    df: skewDf,
    n,
    p,
    skewness: { b1p, statistic: skewStatistic, df: skewDf, pValue: skewPValue },
    kurtosis: { b2p, statistic: kurtosisStatistic, expected: p * (p + 2), pValue: kurtosisPValue },
  };
}
