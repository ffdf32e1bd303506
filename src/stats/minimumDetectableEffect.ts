import { normalQuantile } from './normalQuantile.ts';
import { checkAlpha, checkNumber } from './validate.ts';

/**
 * Minimum detectable effect of a two-sided z-test: the smallest true |effect|
 * that a test at level alpha/m (Bonferroni over m comparisons) detects with
 * probability `power`, for an estimator with standard error `se`:
 *   MDE = (z_{1 − α/(2m)} + z_{power}) · se
 * (Bloom 1995, "Minimum detectable effects: a simple way to report the
 * statistical power of experimental designs", Evaluation Review
 * 19(5):547–556).  The
 * rejection probability in the wrong tail (< α/(2m)) is neglected, as
 * usual.  z_{1−α/(2m)} is computed as −Φ⁻¹(α/(2m)), exact for tiny α/m.
 *
 * @param se standard error of the effect estimate (> 0).
 * @param alpha family-wise level, default 0.05.
 * @param power target power in (0, 1), default 0.8.
 * @param m number of comparisons (Bonferroni), default 1.
 */
export function minimumDetectableEffect(se: number, alpha = 0.05, power = 0.8, m = 1): number {
  checkNumber('minimumDetectableEffect', 'se', se, { min: 0, minExclusive: true, max: Infinity, maxExclusive: true });
  checkAlpha('minimumDetectableEffect', alpha);
  checkNumber('minimumDetectableEffect', 'power', power, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  checkNumber('minimumDetectableEffect', 'm', m, { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true });
  return (-normalQuantile(alpha / (2 * m)) + normalQuantile(power)) * se;
}
