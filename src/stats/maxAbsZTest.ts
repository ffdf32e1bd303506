import { normalSurvival } from './normalSurvival.ts';
import type { TestResult } from './types.ts';
import { checkAlpha, checkSample } from './validate.ts';

/**
 * Global test of m z-scores, H0: all m means are zero, by the largest |z|:
 *   p_min = 2·(1 − Φ(max|z_i|)),
 *   pValue = 1 − (1 − p_min)^m   (Šidák), also reported: min(1, m·p_min) (Bonferroni).
 * The Šidák value is exact for independent z and, by Šidák's (1967)
 * inequality for two-sided tests of jointly normal statistics
 * ("Rectangular confidence regions for the means of multivariate normal
 * distributions", JASA 62:626–633), a conservative bound under any
 * correlation; it never exceeds the Bonferroni value.  1 − (1 − p)^m is
 * computed as −expm1(m·log1p(−p)) so small p keep their accuracy, and
 * p_min uses the accurate normal tail, so |z| up to ~37 gives non-zero p.
 *
 * `statistic` is max|z|; `index` its position; `df` is not used.
 */
export function maxAbsZTest(z: readonly number[], alpha = 0.05): TestResult {
  checkSample('maxAbsZTest', 'z', z, 1);
  checkAlpha('maxAbsZTest', alpha);
  const m = z.length;
  let index = 0;
  for (let i = 1; i < m; i++) if (Math.abs(z[i]) > Math.abs(z[index])) index = i;
  const statistic = Math.abs(z[index]);
  const pMin = Math.min(1, 2 * normalSurvival(statistic));
  const sidak = Math.min(1, Math.max(0, -Math.expm1(m * Math.log1p(-pMin))));
  const bonferroni = Math.min(1, m * pMin);
  return {
    method: 'max |z| with Sidak combination (conservative under any correlation); Bonferroni also reported',
    statistic,
    pValue: sidak,
    alpha,
    rejected: sidak <= alpha,
    m,
    index,
    pMin,
    bonferroni,
  };
}
