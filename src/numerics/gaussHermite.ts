/**
 * Gauss–Hermite rules in the *probabilists'* normalisation: for z ~ N(0, 1),
 *     E[f(z)] = ∫ f(z) e^{-z²/2}/√(2π) dz ≈ Σ_i w_i f(x_i),   Σ_i w_i = 1,
 * exact when f is a polynomial of degree ≤ 2n − 1.
 * (Physicists' nodes/weights for ∫ f(t) e^{-t²} dt are x_i/√2 and √π·w_i.)
 *
 * Computed by Golub–Welsch (1969) from the monic recurrence
 * He_{k+1}(x) = x He_k(x) − k He_{k−1}(x), i.e. α_k = 0, β_k = k, then
 * Newton-polished with Christoffel weights (see golubWelsch.ts).
 * Rules are cached per order; the returned arrays are shared and must not be mutated.
 */
import { gaussRuleFromRecurrence, type GaussRule } from './golubWelsch.ts';

export type { GaussRule } from './golubWelsch.ts';

/** Orders above this would only add nodes whose weights underflow to 0 anyway. */
export const MAX_GAUSS_HERMITE_ORDER = 4096;

const cache = new Map<number, GaussRule>();

export function gaussHermite(n: number): GaussRule {
  const hit = cache.get(n);
  if (hit) return hit;
  if (!Number.isInteger(n) || n < 1 || n > MAX_GAUSS_HERMITE_ORDER) {
    throw new RangeError(`gaussHermite: order must be an integer in [1, ${MAX_GAUSS_HERMITE_ORDER}], got ${n}`);
  }
  const alpha = new Float64Array(n);
  const sqrtBeta = new Float64Array(n + 1);
  for (let k = 1; k <= n; k++) sqrtBeta[k] = Math.sqrt(k);
  const rule = gaussRuleFromRecurrence(n, alpha, sqrtBeta, 1, true);
  cache.set(n, rule);
  return rule;
}
