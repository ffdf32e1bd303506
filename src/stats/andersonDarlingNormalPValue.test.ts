import { describe, expect, it } from 'vitest';
import { andersonDarlingNormalPValue } from './andersonDarlingNormalPValue.ts';

describe('andersonDarlingNormalPValue', () => {
  // scipy 1.10 has no p-value for this statistic, so the formula is checked against the published upper
  // percentage points of A*² for the normal case with both parameters estimated (Stephens 1986, in
  // D'Agostino & Stephens, Goodness-of-Fit Techniques, Table 4.7): the fit of Table 4.9 reproduces them
  // to within 1.3 % of p (achieved: 0.1001, 0.0503, 0.0253, 0.0101, 0.0050).
  it('reproduces the tabulated percentage points to 2 % of p', () => {
    const table: [number, number][] = [
      [0.631, 0.1],
      [0.752, 0.05],
      [0.873, 0.025],
      [1.035, 0.01],
      [1.159, 0.005],
    ];
    for (const [aStar, p] of table) expect(Math.abs(andersonDarlingNormalPValue(aStar) / p - 1), `A*=${aStar}`).toBeLessThan(0.02);
  });

  it('evaluates the four published pieces exactly', () => {
    expect(andersonDarlingNormalPValue(1)).toBe(Math.exp(1.2937 - 5.709 + 0.0186));
    expect(andersonDarlingNormalPValue(0.5)).toBe(Math.exp(0.9177 - 4.279 * 0.5 - 1.38 * 0.25));
    expect(andersonDarlingNormalPValue(0.3)).toBeCloseTo(1 - Math.exp(-8.318 + 42.796 * 0.3 - 59.938 * 0.09), 15);
    expect(andersonDarlingNormalPValue(0.1)).toBeCloseTo(1 - Math.exp(-13.436 + 101.14 * 0.1 - 223.73 * 0.01), 15);
  });

  it('is nearly continuous at the breakpoints 0.2, 0.34, 0.6 (the published fit jumps by ≤ 2.1 %)', () => {
    for (const b of [0.2, 0.34, 0.6]) {
      const below = andersonDarlingNormalPValue(b - 1e-12);
      const above = andersonDarlingNormalPValue(b);
      expect(Math.abs(above / below - 1), `A*=${b}`).toBeLessThan(0.025);
    }
  });

  it('stays in [0, 1] and rejects negative or NaN input', () => {
    expect(andersonDarlingNormalPValue(0)).toBeLessThanOrEqual(1);
    expect(andersonDarlingNormalPValue(0)).toBeGreaterThanOrEqual(0);
    expect(andersonDarlingNormalPValue(50)).toBeGreaterThanOrEqual(0);
    expect(() => andersonDarlingNormalPValue(-0.1)).toThrow(/andersonDarlingNormalPValue: aStar/);
    expect(() => andersonDarlingNormalPValue(Number.NaN)).toThrow(/got NaN/);
  });
});
