import { kolmogorovSurvival } from './kolmogorovSurvival.ts';
import type { TestResult } from './types.ts';
import { checkAlpha, checkSample } from './validate.ts';

/**
 * Two-sample Kolmogorov–Smirnov test (two-sided):
 *   D = sup_t |F_x(t) − F_y(t)|,
 * the largest distance between the two empirical distribution functions,
 * evaluated after all observations equal to each pooled value have been
 * counted, so ties (within or across samples) are handled correctly.
 *
 * p-value: asymptotic Kolmogorov distribution with Stephens' small-sample
 * correction, p = Q_KS((√nₑ + 0.12 + 0.11/√nₑ)·D), nₑ = n·m/(n + m)
 * (Stephens 1970, "Use of the Kolmogorov–Smirnov, Cramér–von Mises and
 * related statistics without extensive tables", JRSS B 32:115–122;
 * Numerical Recipes 3rd ed. §14.3.3).  It is approximate and becomes
 * conservative with many ties.  (scipy's ks_2samp(method='asymp') instead
 * uses the exact one-sample distribution at n = round(nₑ); the two differ by
 * a few percent of p.)
 *
 * Agreement with scipy.stats.ks_2samp: D to ≤ 1e-15 (ksTwoSample.test.ts).
 */
export function ksTwoSample(x: readonly number[], y: readonly number[], alpha = 0.05): TestResult {
  checkSample('ksTwoSample', 'x', x, 1);
  checkSample('ksTwoSample', 'y', y, 1);
  checkAlpha('ksTwoSample', alpha);
  const a = Array.from(x).sort((u, v) => u - v);
  const b = Array.from(y).sort((u, v) => u - v);
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let statistic = 0;
  while (i < n && j < m) {
    const t = Math.min(a[i], b[j]);
    while (i < n && a[i] <= t) i++;
    while (j < m && b[j] <= t) j++;
    statistic = Math.max(statistic, Math.abs(i / n - j / m));
  }
  const ne = (n * m) / (n + m);
  const sqrtNe = Math.sqrt(ne);
  const lambda = (sqrtNe + 0.12 + 0.11 / sqrtNe) * statistic;
  const pValue = kolmogorovSurvival(lambda);
  return {
    method: 'Two-sample Kolmogorov-Smirnov (asymptotic, Stephens 1970 correction)',
    statistic,
    pValue,
    alpha,
    rejected: pValue <= alpha,
    n: [n, m],
    effectiveN: ne,
  };
}
