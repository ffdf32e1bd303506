import { checkNumber } from './validate.ts';

/**
 * Survival function of the limiting Kolmogorov distribution,
 *   Q_KS(λ) = P(K > λ) = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²),
 * the asymptotic distribution of √n·D_n (Kolmogorov 1933).
 *
 * For λ ≥ 1 the alternating series above converges after a handful of terms
 * (exp(−2k²) ≤ 2e-22 for k ≥ 5).  For λ < 1 it converges slowly, so the
 * equivalent theta-function form of the distribution function is used,
 *   P(K ≤ λ) = (√(2π)/λ) Σ_{k≥1} exp(−(2k−1)²π²/(8λ²)),
 * and Q = 1 − P (Q ≥ 0.27 there, so no cancellation); both forms are given
 * in Numerical Recipes 3rd ed., §6.14 ("Kolmogorov-Smirnov distribution").
 *
 * Accuracy against mpmath (kolmogorovSurvival.test.ts): relative error
 * ≤ 2.5e-16 for λ in [0.2, 8].
 */
export function kolmogorovSurvival(lambda: number): number {
  checkNumber('kolmogorovSurvival', 'lambda', lambda);
  if (lambda <= 0) return 1;
  if (lambda === Infinity) return 0;
  if (lambda >= 1) {
    let sum = 0;
    let sign = 1;
    for (let k = 1; k <= 100; k++) {
      const term = Math.exp(-2 * k * k * lambda * lambda);
      sum += sign * term;
      if (term <= 1e-17 * sum) break;
      sign = -sign;
    }
    return Math.min(1, 2 * sum);
  }
  const c = (Math.PI * Math.PI) / (8 * lambda * lambda);
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-(2 * k - 1) * (2 * k - 1) * c);
    sum += term;
    if (term <= 1e-17 * sum) break;
  }
  return 1 - (Math.sqrt(2 * Math.PI) / lambda) * sum;
}
