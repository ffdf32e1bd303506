import { CODY_ERF_LIMIT, codyErf, codyErfcx } from './cody.ts';
import { expNegHalfSquare } from './expNegHalfSquare.ts';

/**
 * Upper standard normal tail Q(x) = ½ erfc(x/√2) for x ≥ 0, unchecked
 * (internal kernel of `normalCdf`, `normalSurvival` and `normalQuantile`).
 *
 * For y = x/√2 ≤ 0.46875, Q = ½ − ½ erf(y) (≥ 0.32, no cancellation);
 * beyond, Q = ½ · exp(−x²/2) · erfcx(y) with exp(−x²/2) formed without the
 * rounding of x² (`expNegHalfSquare`).  Rounding y = x/√2 costs only ε
 * relative there because erfcx varies slowly, unlike erfc(fl(x/√2)), whose
 * relative error grows like x²ε (scipy 1.10's norm.sf: 6e-14 at x = 30).
 */
export function normalUpperTail(x: number): number {
  const y = x * Math.SQRT1_2;
  if (y <= CODY_ERF_LIMIT) return 0.5 - 0.5 * codyErf(y);
  return 0.5 * expNegHalfSquare(x) * codyErfcx(y);
}
