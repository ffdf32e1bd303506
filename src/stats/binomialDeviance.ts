/**
 * Deviance term D(x, m) = x ln(x/m) + m − x, for x ≥ 0, m > 0.
 *
 * It is the exponent in x^a e^{−x}/Γ(a) ∝ exp(−D(a, x)) and in the beta
 * prefactor, and it is small when x ≈ m, exactly where computing it as a
 * difference of large logarithms would cancel catastrophically.  Algorithm
 * of Loader (2000), "Fast and accurate computation of binomial
 * probabilities", §2 ("bd0"): with v = (x − m)/(x + m),
 *   D = (x − m) v + 2x Σ_{j≥1} v^{2j+1}/(2j + 1),
 * which follows from ln(x/m) = 2 artanh(v); it is used for |x − m| < 0.1 (x + m),
 * where the series converges at least as fast as 0.0025^j.  Otherwise the
 * direct formula has no harmful cancellation.  Internal helper.
 */
export function binomialDeviance(x: number, m: number): number {
  if (x === 0) return m;
  const d = x - m;
  if (Math.abs(d) < 0.1 * (x + m)) {
    const v = d / (x + m);
    const v2 = v * v;
    let sum = d * v;
    let term = 2 * x * v;
    for (let j = 1; j < 100; j++) {
      term *= v2;
      const next = sum + term / (2 * j + 1);
      if (next === sum) return sum;
      sum = next;
    }
    return sum;
  }
  return x * Math.log(x / m) + m - x;
}
