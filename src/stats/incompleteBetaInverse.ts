import { incompleteBeta } from './incompleteBeta.ts';
import { logGamma } from './logGamma.ts';
import { normalQuantile } from './normalQuantile.ts';

const EPS = 2 ** -52;

/**
 * Starting value for the root search.  For a, b ≥ 1 the normal-deviate
 * approximation of Abramowitz & Stegun (1964) eq. 26.5.22; otherwise the
 * leading term of the appropriate tail, I_x ≈ x^a/(a B) or
 * 1 − I_x ≈ (1−x)^b/(b B) (the two cases used by Numerical Recipes 3rd ed.
 * §6.4, "invbetai").
 */
function initialGuess(p: number, q: number, a: number, b: number, logBeta: number): number {
  if (a >= 1 && b >= 1) {
    const z = p <= q ? normalQuantile(p) : -normalQuantile(q);
    const lambda = (z * z - 3) / 6;
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const w = (z * Math.sqrt(h + lambda)) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (lambda + 5 / 6 - 2 / (3 * h));
    return a / (a + b * Math.exp(2 * w));
  }
  const lowerMass = Math.exp(a * Math.log(a / (a + b)) - logBeta) / a; // ≈ I at x = a/(a+b) from the lower tail form
  const upperMass = Math.exp(b * Math.log(b / (a + b)) - logBeta) / b;
  if (p < lowerMass / (lowerMass + upperMass)) return Math.exp((Math.log(p) + Math.log(a) + logBeta) / a);
  return -Math.expm1((Math.log(q) + Math.log(b) + logBeta) / b);
}

/**
 * Inverse of the regularized incomplete beta function: the x in [0, 1] with
 * I_x(a, b) = p, where q = 1 − p is supplied separately so that a caller who
 * knows the small upper-tail probability exactly (Student t quantiles,
 * Clopper–Pearson upper bounds) does not lose it to the rounding of 1 − q.
 * Internal helper behind `betaQuantile` and `studentTQuantile`; expects
 * a, b > 0 and 0 < p, q < 1.
 *
 * Safeguarded Halley iteration (Halley's correction with
 * f''/f' = (a−1)/x − (b−1)/(1−x), as in Numerical Recipes 3rd ed. §6.4,
 * "invbetai") inside a bracket that is shrunk on every evaluation, falling
 * back to (geometric) bisection whenever a step would leave the bracket, so
 * the search cannot diverge for small a or b.  The residual is taken on
 * whichever of I_x − p and q − (1 − I_x) involves the smaller probability;
 * `incompleteBeta` evaluates both sides directly.
 */
export function incompleteBetaInverse(a: number, b: number, p: number, q: number): number {
  const useComplement = q < p;
  const logBeta = logGamma(a) + logGamma(b) - logGamma(a + b);
  let lo = 0;
  let hi = 1;
  let x = initialGuess(p, q, a, b, logBeta);
  if (!(x > 0 && x < 1)) x = 0.5;

  for (let iteration = 0; iteration < 200; iteration++) {
    const y = 1 - x;
    const { value, complement } = incompleteBeta(a, b, x, y);
    const f = useComplement ? q - complement : value - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;

    const logPdf = (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta;
    let step = f / Math.exp(logPdf);
    const curvature = (a - 1) / x - (b - 1) / y;
    const halleyDenominator = 1 - 0.5 * step * curvature;
    if (halleyDenominator > 0.5 && halleyDenominator < 2) step /= halleyDenominator;
    let next = x - step;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) {
      next = lo === 0 ? hi / 16 : hi === 1 ? 1 - (1 - lo) / 16 : hi / lo > 4 ? Math.sqrt(lo * hi) : 0.5 * (lo + hi);
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    }
    if (Math.abs(next - x) <= 2 * EPS * next || hi - lo <= 2 * EPS * hi) return next;
    x = next;
  }
  return x;
}
