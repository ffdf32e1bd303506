import type { MultipleTestingResult } from './types.ts';
import { checkAlpha, checkSample } from './validate.ts';

/**
 * Holm's (1979) sequentially rejective (step-down) Bonferroni procedure,
 * "A simple sequentially rejective multiple test procedure", Scandinavian
 * Journal of Statistics 6(2):65–70.  Controls the family-wise error rate at
 * alpha under arbitrary dependence and is uniformly more powerful than
 * Bonferroni.
 *
 * With p_(1) ≤ … ≤ p_(m) the sorted p-values, Holm rejects H_(1), …, H_(k)
 * for the largest k such that p_(i) ≤ alpha/(m − i + 1) for all i ≤ k.  The
 * equivalent adjusted p-values (Wright 1992, "Adjusted p-values for
 * simultaneous inference", Biometrics 48:1005–1013) are
 *   p̃_(i) = min(1, max_{j ≤ i} (m − j + 1) p_(j)),
 * monotone in i by construction, and H_i is rejected iff p̃_i ≤ alpha.
 * Ties keep their input order (the adjusted values of tied p are equal).
 *
 * @param pValues raw p-values in [0, 1] (at least one).
 * @param alpha family-wise error rate, default 0.05.
 * @returns adjusted p-values and rejection flags in input order.
 */
export function holm(pValues: readonly number[], alpha = 0.05): MultipleTestingResult {
  checkSample('holm', 'pValues', pValues, 1);
  checkAlpha('holm', alpha);
  pValues.forEach((p, i) => {
    if (p < 0 || p > 1) throw new RangeError(`holm: pValues[${i}] must be in [0, 1], got ${p}`);
  });
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i] - pValues[j] || i - j);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[index]));
    adjusted[index] = running;
  });
  return {
    method: 'Holm (1979) step-down Bonferroni',
    alpha,
    adjusted,
    rejected: adjusted.map((p) => p <= alpha),
  };
}
