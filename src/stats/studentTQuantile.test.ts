import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { normalQuantile } from './normalQuantile.ts';
import { studentTCdf } from './studentTCdf.ts';
import { studentTQuantile } from './studentTQuantile.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('studentTQuantile', () => {
  // Achieved (@stdlib/stats-base-dists-t-quantile): max relative error 4.4e-16 against 40-digit mpmath roots (scipy 1.10's t.ppf is off by
  // up to 2e-9, e.g. at p = 0.9, df = 30).
  it('matches mpmath to 2e-15 relative, p from 1e-12 to 0.999, df from 1 to 1e6', () => {
    for (const r of reference.studentTQuantile) {
      expect(relativeError(studentTQuantile(r.p, r.df), r.value), `t(${r.p}; ${r.df})`).toBeLessThan(2e-15);
    }
  });

  it('has the closed form of df = 1 and tends to Φ⁻¹', () => {
    expect(relativeError(studentTQuantile(0.975, 1), Math.tan(Math.PI * (0.975 - 0.5)))).toBeLessThan(1e-14);
    expect(studentTQuantile(0.3, Infinity)).toBe(normalQuantile(0.3));
    expect(studentTQuantile(0.5, 7)).toBe(0);
    expect(studentTQuantile(0, 7)).toBe(-Infinity);
    expect(studentTQuantile(1, 7)).toBe(Infinity);
  });

  test.prop([fc.double({ min: 1e-10, max: 1 - 1e-10, noNaN: true }), fc.double({ min: 0.5, max: 1e5, noNaN: true })], { numRuns: 100 })(
    'inverts studentTCdf',
    (p, df) => {
      const back = studentTCdf(studentTQuantile(p, df), df);
      expect(Math.abs(back - p) / Math.min(p, 1 - p)).toBeLessThan(1e-11);
    },
  );

  it('validates arguments', () => {
    expect(() => studentTQuantile(2, 3)).toThrow(/studentTQuantile: p must be a number in \[0, 1\], got 2/);
    expect(() => studentTQuantile(0.5, -3)).toThrow(/studentTQuantile: df/);
  });
});
