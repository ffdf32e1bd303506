import { describe, expect, it } from 'vitest';
import { bonferroni } from './bonferroni.ts';

describe('bonferroni', () => {
  it('multiplies by m, clips at 1 and rejects at p̃ ≤ α', () => {
    // m = 4: 4·0.01 = 0.04, 4·0.04 = 0.16, 4·0.0125 = 0.05 (rejected: equality), 4·0.3 → 1.
    const result = bonferroni([0.01, 0.04, 0.0125, 0.3], 0.05);
    [0.04, 0.16, 0.05, 1].forEach((p, i) => expect(result.adjusted[i]).toBeCloseTo(p, 15));
    expect(result.rejected).toEqual([true, false, true, false]);
  });

  it('validates inputs', () => {
    expect(() => bonferroni([])).toThrow(/bonferroni: pValues must have at least 1 finite value, got 0/);
    expect(() => bonferroni([-0.1])).toThrow(/bonferroni: pValues\[0\] must be in \[0, 1\], got -0.1/);
  });
});
