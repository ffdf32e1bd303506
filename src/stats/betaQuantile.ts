import betaincinv from '@stdlib/math-base-special-betaincinv';
import { checkNumber } from './validate.ts';

/**
 * Quantile of the Beta(a, b) distribution: the x in [0, 1] with I_x(a, b) = p.
 *
 * @stdlib/math-base-special-betaincinv (Boost's ibeta_inv: DiDonato & Morris
 * 1992 starting values, Halley steps).  For p > ½ the upper tail 1 − p, exact
 * there, is passed with `upper = true`, so upper quantiles are as accurate as
 * lower ones.
 *
 * Accuracy (betaQuantile.test.ts): relative error ≤ 8e-16 against mpmath on
 * the reference points (p down to 1e-20, a, b from 0.2 to 1000); the
 * achievable accuracy is that of I_x(a, b) times the condition number
 * p/(x·pdf(x)).
 */
export function betaQuantile(p: number, a: number, b: number): number {
  checkNumber('betaQuantile', 'p', p, { min: 0, max: 1 });
  checkNumber('betaQuantile', 'a', a, { min: 0, minExclusive: true, max: Infinity, maxExclusive: true });
  checkNumber('betaQuantile', 'b', b, { min: 0, minExclusive: true, max: Infinity, maxExclusive: true });
  if (p === 0) return 0;
  if (p === 1) return 1;
  return p <= 0.5 ? betaincinv(p, a, b) : betaincinv(1 - p, a, b, true);
}
