import { logGamma } from './logGamma.ts';
import { stirlingSeries } from './stirlingSeries.ts';

const HALF_LOG_TWO_PI = 0.91893853320467274178;

/**
 * Error of Stirling's approximation, δ(z) = ln Γ(z) − [(z − ½) ln z − z + ½ ln 2π], z > 0.
 *
 * Used to build the prefactors x^a e^{−x}/Γ(a) and x^a (1−x)^b / B(a, b) of
 * the incomplete gamma and beta functions without the catastrophic
 * cancellation between large ln Γ terms (the approach of Loader 2000,
 * "Fast and accurate computation of binomial probabilities", and of
 * DiDonato & Morris 1992, ACM TOMS 18:360, Algorithm 708).
 *
 * z ≥ 10: the asymptotic series (A&S eq. 6.1.41), absolute error < 1e-18.
 * z < 10: from its definition with `logGamma`; every term is below 25 in
 * magnitude there, so the absolute error stays below ~5e-15.
 */
export function stirlingError(z: number): number {
  if (z >= 10) return stirlingSeries(z);
  return logGamma(z) - (z - 0.5) * Math.log(z) + z - HALF_LOG_TWO_PI;
}
