import { describe, expect, it } from 'vitest';
import { incompleteBeta } from './incompleteBeta.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('incompleteBeta', () => {
  it('returns value and complement to 1.5e-14 relative', () => {
    for (const r of reference.regularizedBeta) {
      const { value, complement } = incompleteBeta(r.a, r.b, r.x);
      expect(relativeError(value, r.value)).toBeLessThan(1.5e-14);
      expect(relativeError(complement, r.complement)).toBeLessThan(1.5e-14);
    }
  });

  it('uses the accurate complement y when supplied (double-double branch)', () => {
    // Student t, df = 1e6, t = −6: x = df/(df + 36) is inexact, y = 36/(df + 36) is accurate.
    // The mpmath reference is the studentT row (t = −6, df = 1e6).
    const row = reference.studentT.find((r) => r.df === 1e6)!;
    const s = 1e6 + 36;
    const tail = 0.5 * incompleteBeta(5e5, 0.5, 1e6 / s, 36 / s).value;
    expect(relativeError(tail, row.cdf)).toBeLessThan(1e-14);
  });
});
