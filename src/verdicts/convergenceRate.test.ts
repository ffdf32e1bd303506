import { describe, expect, it } from 'vitest';
import { convergenceRate } from './convergenceRate.ts';

describe('convergenceRate', () => {
  it('recovers the exponent of an exact power law, with an interval around it', () => {
    const x = [1, 2, 4, 8];
    const error = x.map((w) => 0.3 / w);
    const r = convergenceRate({ x, error, se: error.map((e) => 0.05 * e), expected: -1 });
    expect(r.resolved).toBe(true);
    expect(r.exponent).toBeCloseTo(-1, 12);
    expect(r.interval[0]).toBeLessThan(-1);
    expect(r.interval[1]).toBeGreaterThan(-1);
    expect(r.rejected).toBe(false);
  });

  it('rejects a rate that is not the predicted one (1/√w against 1/w)', () => {
    const x = [1, 2, 4, 8];
    const error = x.map((w) => 0.3 / Math.sqrt(w));
    const r = convergenceRate({ x, error, se: error.map((e) => 0.02 * e), expected: -1 });
    expect(r.exponent).toBeCloseTo(-0.5, 12);
    expect(r.rejected).toBe(true);
  });

  it('says "unresolved" when the errors sit inside their noise', () => {
    const r = convergenceRate({ x: [1, 2, 4], error: [0.01, 0.004, 0.001], se: [0.01, 0.01, 0.01], expected: -1 });
    expect(r.resolved).toBe(false);
    expect(r.rejected).toBe(false);
    expect(r.notes[0]).toMatch(/unresolved/);
  });
});
