import { describe, expect, it } from 'vitest';
import { incompleteBetaInverse } from './incompleteBetaInverse.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('incompleteBetaInverse', () => {
  it('inverts I_x(a, b) = p given p and q = 1 − p', () => {
    for (const r of reference.betaQuantile) {
      expect(relativeError(incompleteBetaInverse(r.a, r.b, r.p, 1 - r.p), r.value)).toBeLessThan(5e-15);
    }
  });

  it('uses an exactly supplied small upper tail q (Clopper–Pearson upper limit, 1 success in 1e6 trials)', () => {
    const row = reference.clopperPearson.find((r) => r.trials === 1e6)!;
    const q = (1 - 0.95) / 2;
    expect(relativeError(incompleteBetaInverse(2, 1e6 - 1, 1 - q, q), row.upper)).toBeLessThan(2e-15);
  });
});
