import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { normalCdf } from './normalCdf.ts';
import { studentTCdf } from './studentTCdf.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('studentTCdf', () => {
  // Achieved (@stdlib/stats-base-dists-t-cdf): max relative error 2.8e-15 (t = −25, df = 50, cdf ≈ 3e-30).
  it('matches mpmath to 2e-14 relative for df from 0.5 to 1e6', () => {
    for (const r of reference.studentT) {
      expect(relativeError(studentTCdf(r.t, r.df), r.cdf), `T(${r.t}; ${r.df})`).toBeLessThan(2e-14);
    }
  });

  it('agrees with scipy.stats.t.cdf to 2e-14', () => {
    for (const r of reference.studentT) {
      expect(relativeError(studentTCdf(r.t, r.df), r.scipy), `T(${r.t}; ${r.df})`).toBeLessThan(2e-14);
    }
  });

  it('has the closed forms of df = 1 (Cauchy) and df = 2, and tends to Φ', () => {
    // Lower tails in cancellation-free forms: atan(−1/t)/π and 1/(s(s + |t|)), s = sqrt(2 + t²).
    for (const t of [-30, -2, -0.3]) {
      const s = Math.sqrt(2 + t * t);
      expect(relativeError(studentTCdf(t, 1), Math.atan(-1 / t) / Math.PI)).toBeLessThan(1e-15);
      expect(relativeError(studentTCdf(t, 2), 1 / (s * (s - t)))).toBeLessThan(1e-15);
    }
    for (const t of [0.7, 4]) {
      expect(relativeError(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI)).toBeLessThan(1e-15);
      expect(relativeError(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)))).toBeLessThan(1e-15);
    }
    expect(studentTCdf(-1.3, Infinity)).toBe(normalCdf(-1.3));
    expect(studentTCdf(0, 3)).toBe(0.5);
    expect(studentTCdf(-Infinity, 3)).toBe(0);
    expect(studentTCdf(Infinity, 3)).toBe(1);
  });

  test.prop([fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 0.2, max: 1e4, noNaN: true })], { numRuns: 100 })(
    'is symmetric: F(t) + F(−t) = 1',
    (t, df) => {
      expect(Math.abs(studentTCdf(t, df) + studentTCdf(-t, df) - 1)).toBeLessThan(1e-15);
    },
  );

  it('validates arguments', () => {
    expect(() => studentTCdf(1, 0)).toThrow(/studentTCdf: df must be a number in \(0, Infinity\], got 0/);
    expect(() => studentTCdf(Number.NaN, 3)).toThrow(/studentTCdf: t .* got NaN/);
  });
});
