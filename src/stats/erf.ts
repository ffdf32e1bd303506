import { CODY_ERF_LIMIT, codyErf, codyErfcx } from './cody.ts';
import { checkNumber } from './validate.ts';

/**
 * Error function erf(x) = (2/√π) ∫_0^x e^{−t²} dt (JavaScript's Math has none).
 *
 * W. J. Cody's (1969) rational approximations (`cody.ts`): y·A(y²)/B(y²) for
 * |x| ≤ 0.46875, where erf is small and this keeps its relative accuracy;
 * beyond, erf = 1 − e^{−x²}·erfcx(|x|) with the sign of x, where erf ≥ 0.49,
 * so the rounding of x² in e^{−x²} moves the result by less than an ulp; for
 * |x| ≥ 6, erfc(x) < 2.2e-17 and erf is ±1 in double precision.
 *
 * Accuracy (erf.test.ts): relative error ≤ 2e-15 against mpmath on
 * x ∈ [−5.5, 26].
 *
 * @throws RangeError for NaN.
 */
export function erf(x: number): number {
  checkNumber('erf', 'x', x);
  const ax = Math.abs(x);
  if (ax <= CODY_ERF_LIMIT) return codyErf(x);
  if (ax >= 6) return x > 0 ? 1 : -1;
  const r = 1 - Math.exp(-ax * ax) * codyErfcx(ax);
  return x > 0 ? r : -r;
}
