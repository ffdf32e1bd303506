/**
 * The per-network variance law that a bias fit's entries share, and the weights of the 1/width fit
 * (biasModel.ts) that follow from it.
 *
 * A network's kernel entry at width factor w averages over width-many units (or heads), so its
 * per-network variance falls like x^p (x = 1/w) with p ≈ 1, and its skewness like x^{p/2}. Where
 * heads are fixed it need not: on issue 16's two-head relu attention p rounds to 1 in about 63 % of
 * the fits, to ½ in 29 % and to 0 in 8 % (docs/calibration.md, twelfth session). Weighing each width
 * mean by its inverse variance under the law, N_f·x_f^(−p), gives every entry the same weights,
 * which do not depend on the sample's own variances (kernelAgreement.ts, LAW_WEIGHTS_MAX_EXCESS, says
 * where the verdict uses them).
 *
 * p is rounded to 0, ½ or 1, the law tails.ts's skewness bound assumes too. Measured, the exponent
 * fitted without rounding (about 1.2 on issue 16's softmax attention, where the narrowest width's
 * rare large networks steepen it) gave weights that did no better than estimated ones there: 126 of
 * 2 000 null runs rejected at 0.05, against 130 with estimated weights and 111 with the rounded law.
 */

/** What the law reads of a width's sample (biasModel.ts's WidthSample has it). */
export interface WidthVariance {
  /** The bias variable x = 1/(width factor). */
  readonly x: number;
  /** Variance of the mean per entry. */
  readonly variance: Float64Array;
  readonly networks: number;
}

/**
 * p of the law Var ∝ x^p, one for all the fit's entries: the least-squares slope of
 * log(N_f·Σ_i Var(ȳ_fi)) on log x_f, rounded to 0, ½ or 1; 1 (the law of width-averaged kernels)
 * with fewer than two widths or a width without variance.
 */
export function varianceLaw(samples: readonly WidthVariance[]): number {
  const lx = samples.map((w) => Math.log(w.x));
  const ly = samples.map((w) => Math.log(w.variance.reduce((a, b) => a + b, 0) * w.networks));
  if (samples.length < 2 || !ly.every(Number.isFinite)) return 1;
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  lx.forEach((x, f) => ((sxy += (x - mx) * (ly[f] - my)), (sxx += (x - mx) ** 2)));
  return sxx > 0 ? Math.min(1, Math.max(0, Math.round((2 * sxy) / sxx) / 2)) : 1;
}

/**
 * The intercept's and slope's weights on the width means of a weighted least-squares line in x with
 * weights w_f (Numerical Recipes 3rd ed. §15.2): c_f = w_f (S_xx − S_x x_f)/Δ, b_f = w_f (S x_f − S_x)/Δ,
 * Δ = S S_xx − S_x². biasModel.ts uses it with each entry's estimated weights and with the law's.
 */
export function lineCoefficients(xs: readonly number[], w: readonly number[]): { intercept: number[]; slope: number[] } {
  let S = 0;
  let Sx = 0;
  let Sxx = 0;
  xs.forEach((x, f) => ((S += w[f]), (Sx += w[f] * x), (Sxx += w[f] * x * x)));
  const det = S * Sxx - Sx * Sx;
  return { intercept: xs.map((x, f) => (w[f] * (Sxx - Sx * x)) / det), slope: xs.map((x, f) => (w[f] * (S * x - Sx)) / det) };
}

/** The line's weights for fit weights N_f·x_f^(−b), the inverse variances under the law Var ∝ x^b. */
export function lineWeights(xs: readonly number[], networks: readonly number[], b: number): { intercept: number[]; slope: number[] } {
  // Relative to the first width: the fit is invariant to a common factor of the weights.
  return lineCoefficients(xs, xs.map((x, f) => (networks[f] / networks[0]) * (x / xs[0]) ** -b));
}
