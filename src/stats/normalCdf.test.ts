import { describe, expect, it } from 'vitest';
import { normalCdf } from './normalCdf.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

// The full accuracy suite for Φ and Q is in normalSurvival.test.ts (they share one implementation).
describe('normalCdf', () => {
  it('matches mpmath at the brief’s points x ∈ {−40, −10, −5, −1, 0, 0.5, 3, 8, 30} to 1e-15 relative', () => {
    const wanted = new Set([-40, -10, -5, -1, 0, 0.5, 3, 8, 30]);
    const rows = reference.normalCdf.filter((r) => wanted.has(r.x));
    expect(rows).toHaveLength(9);
    for (const r of rows) expect(relativeError(normalCdf(r.x), r.cdf), `Φ(${r.x})`).toBeLessThan(1e-15);
  });

  it('is monotone across the switch between the erf and erfc branches (|x| = 0.46875·√2)', () => {
    const edge = 0.46875 * Math.SQRT2;
    const xs = [edge - 1e-12, edge, edge + 1e-12];
    expect(normalCdf(xs[0])).toBeLessThanOrEqual(normalCdf(xs[1]));
    expect(normalCdf(xs[1])).toBeLessThanOrEqual(normalCdf(xs[2]));
  });
});
