import { normalUpperTail } from './normalTail.ts';
import { checkNumber } from './validate.ts';

/**
 * Standard normal cumulative distribution function Φ(x) = ½ erfc(−x/√2),
 * evaluated as Q(−x) so that the lower tail keeps its relative accuracy:
 * relative error ≤ 4.8e-16 for all x, e.g. Φ(−10) ≈ 7.6e-24 and
 * Φ(−38) ≈ 2.9e-316 (subnormal), against mpmath (normalSurvival.test.ts).
 * Unlike simple-statistics' `cumulativeStdNormalProbability` (a
 * two-decimal table lookup), this is accurate to double precision.
 * Method: W. J. Cody (1969), Math. Comp. 23:631–637; see `normalUpperTail`.
 */
export function normalCdf(x: number): number {
  checkNumber('normalCdf', 'x', x);
  return x <= 0 ? normalUpperTail(-x) : 1 - normalUpperTail(x);
}
