import { CODY_ERF_LIMIT, codyErf, codyErfcx } from './cody.ts';

/**
 * Scaled complementary error function erfcx(y) = exp(y²) · erfc(y), y ≥ 0.
 *
 * W. J. Cody (1969), Math. Comp. 23:631–637, rational Chebyshev
 * approximations (`cody.ts`): for y ≤ 0.46875, erfc = 1 − erf with erf from
 * y·A(y²)/B(y²); beyond, erfcx directly.  Keeping the factor exp(−y²) out of
 * the result lets callers form it without rounding loss (see
 * `expNegHalfSquare`) and avoids underflow.
 *
 * Validated through normalSurvival.test.ts (Q(x) = ½ e^{−x²/2} erfcx(x/√2))
 * against mpmath on a 301-point grid: relative error of Q ≤ 4.8e-16.
 *
 * @throws RangeError for y < 0 or NaN.
 */
export function erfcScaled(y: number): number {
  if (!(y >= 0)) throw new RangeError(`erfcScaled: y must be a number >= 0, got ${String(y)}`);
  if (y <= CODY_ERF_LIMIT) return Math.exp(y * y) * (1 - codyErf(y));
  return codyErfcx(y);
}
