import { describe, expect, it } from 'vitest';
import { binomialInterval } from './binomialInterval.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('binomialInterval (Clopper–Pearson)', () => {
  // Achieved (@stdlib/math-base-special-betaincinv): max relative error 5.9e-16 against the 40-digit
  // beta-tail roots, including k = 1 of n = 1e6, where scipy's beta.isf is off by 9.5e-13.
  it('matches the exact beta-quantile limits (mpmath) to 2e-15 relative', () => {
    for (const r of reference.clopperPearson) {
      const ci = binomialInterval(r.successes, r.trials, r.confidence);
      expect(relativeError(ci.lower, r.lower), `lower ${r.successes}/${r.trials}`).toBeLessThan(2e-15);
      expect(relativeError(ci.upper, r.upper), `upper ${r.successes}/${r.trials}`).toBeLessThan(2e-15);
      expect(ci.estimate).toBe(r.successes / r.trials);
    }
  });

  it('agrees with scipy.stats.binomtest(...).proportion_ci(method="exact") to its brentq tolerance', () => {
    // scipy solves the binomial-tail equations with brentq (xtol 2e-12 absolute), so its limits carry
    // absolute errors up to ~1e-12: checked absolutely, not relatively.
    for (const r of reference.clopperPearson) {
      const ci = binomialInterval(r.successes, r.trials, r.confidence);
      expect(Math.abs(ci.lower - r.lowerBinomtest)).toBeLessThan(3e-12);
      expect(Math.abs(ci.upper - r.upperBinomtest)).toBeLessThan(3e-12);
    }
  });

  it('has the closed forms for k = 0 and k = n', () => {
    // k = 0: upper = 1 − (α/2)^{1/n}; k = n: lower = (α/2)^{1/n}.
    const zero = binomialInterval(0, 10, 0.95);
    expect(zero.lower).toBe(0);
    expect(relativeError(zero.upper, 1 - Math.pow((1 - 0.95) / 2, 1 / 10))).toBeLessThan(1e-15);
    const all = binomialInterval(10, 10, 0.95);
    expect(all.upper).toBe(1);
    expect(relativeError(all.lower, Math.pow((1 - 0.95) / 2, 1 / 10))).toBeLessThan(1e-15);
  });

  it('validates inputs', () => {
    expect(() => binomialInterval(3, 2)).toThrow(/binomialInterval: successes must be an integer in \[0, 2\], got 3/);
    expect(() => binomialInterval(1.5, 10)).toThrow(/binomialInterval: successes must be an integer/);
    expect(() => binomialInterval(1, 0)).toThrow(/binomialInterval: trials must be an integer/);
    expect(() => binomialInterval(1, 10, 1)).toThrow(/binomialInterval: confidence must be a number in \(0, 1\), got 1/);
    expect(() => binomialInterval(Number.NaN, 10)).toThrow(/binomialInterval: successes .* got NaN/);
  });
});
