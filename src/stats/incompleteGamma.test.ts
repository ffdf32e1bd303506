import { describe, expect, it } from 'vitest';
import { incompleteGamma } from './incompleteGamma.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('incompleteGamma', () => {
  it('returns both tails to 1.5e-14 relative (all three branches are exercised by the reference points)', () => {
    for (const r of reference.regularizedGamma) {
      const { p, q } = incompleteGamma(r.a, r.x);
      expect(relativeError(p, r.p), `P(${r.a}, ${r.x})`).toBeLessThan(1.5e-14);
      expect(relativeError(q, r.q), `Q(${r.a}, ${r.x})`).toBeLessThan(1.5e-14);
    }
  });

  it('is continuous across the series / continued-fraction switch at x = a + 1', () => {
    const a = 7.5;
    const below = incompleteGamma(a, a + 1 - 1e-12);
    const above = incompleteGamma(a, a + 1);
    expect(relativeError(below.q, above.q)).toBeLessThan(1e-11);
  });
});
