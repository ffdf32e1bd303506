/**
 * exp(−x²/2) with a relative error of a few ulps for every x.
 *
 * Evaluating Math.exp(-0.5 * x * x) rounds x² first, and that rounding error
 * (≤ x²·2^−53 absolute) becomes a relative error of the same size in the
 * result: 4e-14 at x = 30.  Splitting x = h + l with h = trunc(16x)/16, so
 * that h² is exact, and x² = h² + l(x + h) confines the rounding to the small
 * second term.  This is the device used by W. J. Cody in the CALERF routine
 * accompanying Cody (1969), applied here to x/√2 ↦ x so that the division by
 * √2 does not reintroduce the error.  Internal helper.
 */
export function expNegHalfSquare(x: number): number {
  const ax = Math.abs(x);
  if (ax > 40) return 0; // exp(-800) underflows
  const h = Math.trunc(ax * 16) / 16;
  const l = ax - h;
  return Math.exp(-0.5 * h * h) * Math.exp(-0.5 * l * (ax + h));
}
