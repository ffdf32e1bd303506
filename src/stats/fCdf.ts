import { incompleteBeta } from './incompleteBeta.ts';
import { checkNumber } from './validate.ts';

/**
 * Cumulative distribution function of Fisher's F distribution with d1, d2 > 0
 * degrees of freedom: P(F ≤ x) = I_z(d1/2, d2/2) with z = d1·x/(d1·x + d2)
 * (Abramowitz & Stegun 1964, eq. 26.6.2; Numerical Recipes 3rd ed.
 * §6.14); 0 for x ≤ 0.  z and 1 − z = d2/(d1·x + d2) are both formed
 * directly.  Use `fSurvival` for p-values.
 *
 * Accuracy against mpmath (fCdf.test.ts): relative error ≤ 1.1e-15; @stdlib's
 * F cdf is off by 5.3e-14 at x = 0.01, d = (4, 8) (README, "Why these libraries").
 */
export function fCdf(x: number, d1: number, d2: number): number {
  checkNumber('fCdf', 'x', x);
  checkNumber('fCdf', 'd1', d1, { min: 0, minExclusive: true, max: Infinity, maxExclusive: true });
  checkNumber('fCdf', 'd2', d2, { min: 0, minExclusive: true, max: Infinity, maxExclusive: true });
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  const s = d1 * x + d2;
  return incompleteBeta(d1 / 2, d2 / 2, (d1 * x) / s, d2 / s).value;
}
