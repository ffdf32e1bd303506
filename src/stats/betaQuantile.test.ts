import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { betaQuantile } from './betaQuantile.ts';
import { incompleteBeta } from './incompleteBeta.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('betaQuantile', () => {
  // Achieved (@stdlib/math-base-special-betaincinv): max relative error 8e-16 (p = 0.1, a = b = 1000).
  it('matches 40-digit mpmath roots to 5e-15 relative', () => {
    for (const r of reference.betaQuantile) {
      expect(relativeError(betaQuantile(r.p, r.a, r.b), r.value), `B^-1(${r.p}; ${r.a}, ${r.b})`).toBeLessThan(5e-15);
    }
  });

  it('agrees with scipy.stats.beta.ppf to 1e-14', () => {
    for (const r of reference.betaQuantile) {
      expect(relativeError(betaQuantile(r.p, r.a, r.b), r.scipy), `B^-1(${r.p}; ${r.a}, ${r.b})`).toBeLessThan(1e-14);
    }
  });

  it('returns the end points for p = 0 and p = 1', () => {
    expect(betaQuantile(0, 2, 3)).toBe(0);
    expect(betaQuantile(1, 2, 3)).toBe(1);
  });

  test.prop(
    [fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), fc.double({ min: 0.1, max: 200, noNaN: true }), fc.double({ min: 0.1, max: 200, noNaN: true })],
    { numRuns: 100 },
  )('inverts regularizedBeta to within a few ulps of x', (p, a, b) => {
    // Near x = 1 with small b the cdf is so steep that one ulp of x moves it by ~1e-9 relative, so the
    // check is that the root is bracketed by x ± 8 ulp, with 1e-12 slack for the cdf's own error.
    const x = betaQuantile(p, a, b);
    const u = 8 * 2 ** -52 * x;
    const lo = Math.max(0, x - u);
    const hi = Math.min(1, x + u);
    if (p <= 0.5) {
      expect(incompleteBeta(a, b, lo).value).toBeLessThanOrEqual(p * (1 + 1e-12));
      expect(incompleteBeta(a, b, hi).value).toBeGreaterThanOrEqual(p * (1 - 1e-12));
    } else {
      const q = 1 - p; // exact for p ≥ ½
      expect(incompleteBeta(a, b, lo).complement).toBeGreaterThanOrEqual(q * (1 - 1e-12));
      expect(incompleteBeta(a, b, hi).complement).toBeLessThanOrEqual(q * (1 + 1e-12));
    }
  });

  it('validates arguments', () => {
    expect(() => betaQuantile(-0.1, 1, 1)).toThrow(/betaQuantile: p must be a number in \[0, 1\], got -0.1/);
    expect(() => betaQuantile(0.5, -1, 1)).toThrow(/betaQuantile: a/);
  });
});
