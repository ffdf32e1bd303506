import type { MultipleTestingResult } from './types.ts';
import { checkAlpha, checkSample } from './validate.ts';

/**
 * Bonferroni correction: adjusted p̃_i = min(1, m·p_i), H_i rejected iff
 * p̃_i ≤ alpha.  Controls the family-wise error rate under arbitrary
 * dependence by Boole's inequality (Dunn 1961, "Multiple comparisons among
 * means", JASA 56:52–64).  `holm` rejects everything this rejects and
 * possibly more.
 */
export function bonferroni(pValues: readonly number[], alpha = 0.05): MultipleTestingResult {
  checkSample('bonferroni', 'pValues', pValues, 1);
  checkAlpha('bonferroni', alpha);
  pValues.forEach((p, i) => {
    if (p < 0 || p > 1) throw new RangeError(`bonferroni: pValues[${i}] must be in [0, 1], got ${p}`);
  });
  const m = pValues.length;
  const adjusted = pValues.map((p) => Math.min(1, m * p));
  return { method: 'Bonferroni', alpha, adjusted, rejected: adjusted.map((p) => p <= alpha) };
}
