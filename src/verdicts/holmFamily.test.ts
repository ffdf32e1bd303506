import { describe, expect, it } from 'vitest';
import { holmFamily, holmWorstCaseLevel } from './holmFamily.ts';

describe('holmFamily', () => {
  it('adjusts as Holm (1979): sorted p times (m − rank), made monotone', () => {
    const d = holmFamily([0.01, 0.04, 0.03, 0.005], 0.05);
    // Sorted 0.005, 0.01, 0.03, 0.04 → 0.02, 0.03, 0.06, 0.06.
    expect(d.adjusted).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(d.rejected).toEqual([true, false, false, true]);
  });

  it('handles an empty family and states the worst-case level', () => {
    expect(holmFamily([], 1e-3).size).toBe(0);
    expect(holmWorstCaseLevel(1e-3, 14)).toBeCloseTo(1e-3 / 14, 18);
  });
});
