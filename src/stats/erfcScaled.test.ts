import { describe, expect, it } from 'vitest';
import { erfcScaled } from './erfcScaled.ts';

describe('erfcScaled', () => {
  // The accuracy of erfcx is validated through normalSurvival (Q(x) = ½ e^{−x²/2} erfcx(x/√2)) on a
  // 301-point mpmath grid; here only its defining limits and branch continuity.
  it('is 1 at 0 and ~1/(y√π) for large y', () => {
    expect(erfcScaled(0)).toBe(1);
    expect(Math.abs(erfcScaled(1e9) * 1e9 * Math.sqrt(Math.PI) - 1)).toBeLessThan(1e-15);
  });

  it('is continuous across the branch points 0.46875 and 4 (to 1e-15 relative)', () => {
    for (const y of [0.46875, 4]) {
      const below = erfcScaled(y);
      const above = erfcScaled(y * (1 + 2 ** -52));
      expect(Math.abs(below - above) / below).toBeLessThan(1e-15);
    }
  });

  it('rejects negative arguments', () => {
    expect(() => erfcScaled(-1)).toThrow(/erfcScaled: y must be a number >= 0, got -1/);
  });
});
