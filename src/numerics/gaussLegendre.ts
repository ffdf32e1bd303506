/**
 * Gauss–Legendre rules on [−1, 1] (weight 1, Σ w_i = 2), exact for polynomials
 * of degree ≤ 2n − 1. Golub–Welsch (1969) from Bonnet's recurrence
 * (k+1)P_{k+1} = (2k+1)x P_k − k P_{k−1}, i.e. α_k = 0, β_k = k²/(4k²−1).
 * Cached per order; the returned arrays are shared and must not be mutated.
 */
import { gaussRuleFromRecurrence, type GaussRule } from './golubWelsch.ts';

export const MAX_GAUSS_LEGENDRE_ORDER = 4096;

const cache = new Map<number, GaussRule>();

export function gaussLegendre(n: number): GaussRule {
  const hit = cache.get(n);
  if (hit) return hit;
  if (!Number.isInteger(n) || n < 1 || n > MAX_GAUSS_LEGENDRE_ORDER) {
    throw new RangeError(`gaussLegendre: order must be an integer in [1, ${MAX_GAUSS_LEGENDRE_ORDER}], got ${n}`);
  }
  const alpha = new Float64Array(n);
  const sqrtBeta = new Float64Array(n + 1);
  for (let k = 1; k <= n; k++) sqrtBeta[k] = k / Math.sqrt(4 * k * k - 1);
  const rule = gaussRuleFromRecurrence(n, alpha, sqrtBeta, 2, true);
  cache.set(n, rule);
  return rule;
}
