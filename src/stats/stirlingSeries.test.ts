import { describe, expect, it } from 'vitest';
import { stirlingSeries } from './stirlingSeries.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('stirlingSeries', () => {
  it('matches the mpmath Stirling remainder to 1e-15 relative for z ≥ 10', () => {
    for (const r of reference.stirlingError.filter((row) => row.z >= 10)) {
      expect(relativeError(stirlingSeries(r.z), r.value), `z=${r.z}`).toBeLessThan(1e-15);
    }
  });
});
