import { checkNumber } from './validate.ts';

/**
 * Approximate upper-tail p-value of the modified Anderson–Darling statistic
 * A*² = A²(1 + 0.75/n + 2.25/n²) for the composite hypothesis of normality
 * (mean and variance estimated), from the piecewise exponential-quadratic
 * fit of Stephens (1986), "Tests based on EDF statistics", ch. 4 of
 * D'Agostino & Stephens (eds.), Goodness-of-Fit Techniques, Marcel Dekker,
 * Table 4.9:
 *   A* ≥ 0.6:         p = exp(1.2937 − 5.709 A* + 0.0186 A*²)
 *   0.34 ≤ A* < 0.6:  p = exp(0.9177 − 4.279 A* − 1.38 A*²)
 *   0.2 ≤ A* < 0.34:  p = 1 − exp(−8.318 + 42.796 A* − 59.938 A*²)
 *   A* < 0.2:         p = 1 − exp(−13.436 + 101.14 A* − 223.73 A*²)
 * The fit reproduces the tabulated upper percentage points of A* (0.631,
 * 0.752, 0.873, 1.035, 1.159 at 10, 5, 2.5, 1, 0.5 %; Table 4.7) to within
 * 1 % of p, which is its accuracy (andersonDarlingNormalPValue.test.ts).
 * The result is clipped to [0, 1].
 */
export function andersonDarlingNormalPValue(aStar: number): number {
  checkNumber('andersonDarlingNormalPValue', 'aStar', aStar, { min: 0 });
  const a = aStar;
  let p: number;
  if (a >= 0.6) p = Math.exp(1.2937 - 5.709 * a + 0.0186 * a * a);
  else if (a >= 0.34) p = Math.exp(0.9177 - 4.279 * a - 1.38 * a * a);
  else if (a >= 0.2) p = -Math.expm1(-8.318 + 42.796 * a - 59.938 * a * a);
  else p = -Math.expm1(-13.436 + 101.14 * a - 223.73 * a * a);
  return Math.min(1, Math.max(0, p));
}
