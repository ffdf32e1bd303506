import { describe, expect, it } from 'vitest';
import { stirlingError } from './stirlingError.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('stirlingError', () => {
  // Achieved: ≤ 1e-15 relative for z ≥ 10 (series), ≤ 2e-15 absolute below (from logGamma).
  it('matches mpmath: relative 1e-15 for z ≥ 10, absolute 5e-15 below', () => {
    for (const r of reference.stirlingError) {
      const value = stirlingError(r.z);
      if (r.z >= 10) expect(relativeError(value, r.value), `z=${r.z}`).toBeLessThan(1e-15);
      else expect(Math.abs(value - r.value), `z=${r.z}`).toBeLessThan(5e-15);
    }
  });

  it('behaves like 1/(12z) for large z', () => {
    expect(relativeError(stirlingError(1e8), 1 / 12e8)).toBeLessThan(1e-15);
  });
});
