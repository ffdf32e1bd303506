import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { activations, type ActivationName } from './index.ts';

const NAMES = Object.keys(activations) as ActivationName[];

const variance = fc.double({ min: 0, max: 5, noNaN: true });
const positiveVariance = fc.double({ min: 1e-3, max: 5, noNaN: true });
const correlation = fc.double({ min: -1, max: 1, noNaN: true });

/** Quadrature results carry an error estimate; closed forms are exact up to rounding. */
function tolerance(...errors: number[]): number {
  return 2 * errors.reduce((a, b) => a + b, 0) + 1e-13;
}

describe('activation registry', () => {
  it('holds the six activations under their own names', () => {
    expect(NAMES.sort()).toEqual(['abs', 'erf', 'gelu', 'identity', 'relu', 'tanh']);
    for (const name of NAMES) expect(activations[name].name).toBe(name);
    expect(NAMES.filter((n) => !activations[n].closedForm).sort()).toEqual(['gelu', 'tanh']);
  });

  describe.each(NAMES)('%s', (name) => {
    const act = activations[name];

    test.prop([variance, variance, correlation], { numRuns: 100 })('is symmetric in swapping (k11, k22)', (k11, k22, rho) => {
      const k12 = rho * Math.sqrt(k11 * k22);
      expect(act.pair(k22, k12, k11)).toEqual(act.pair(k11, k12, k22));
    });

    test.prop([variance, variance, correlation], { numRuns: 100 })(
      'is positive semidefinite: E[φ(u)φ(v)]² ≤ E[φ(u)²]E[φ(v)²], same for φ′',
      (k11, k22, rho) => {
        const p = act.pair(k11, rho * Math.sqrt(k11 * k22), k22);
        const d1 = act.pair(k11, k11, k11);
        const d2 = act.pair(k22, k22, k22);
        for (const v of [p.phiPhi, p.dphiDphi, d1.phiPhi, d1.dphiDphi, p.phiPhiError, p.dphiDphiError]) {
          expect(Number.isFinite(v)).toBe(true);
        }
        expect(d1.phiPhi).toBeGreaterThanOrEqual(-tolerance(d1.phiPhiError));
        expect(d1.dphiDphi).toBeGreaterThanOrEqual(-tolerance(d1.dphiDphiError));
        const bound = Math.sqrt(Math.max(0, d1.phiPhi) * Math.max(0, d2.phiPhi));
        expect(Math.abs(p.phiPhi)).toBeLessThanOrEqual(bound * (1 + 1e-12) + tolerance(p.phiPhiError, d1.phiPhiError, d2.phiPhiError));
        const dBound = Math.sqrt(Math.max(0, d1.dphiDphi) * Math.max(0, d2.dphiDphi));
        expect(Math.abs(p.dphiDphi)).toBeLessThanOrEqual(dBound * (1 + 1e-12) + tolerance(p.dphiDphiError, d1.dphiDphiError, d2.dphiDphiError));
      },
    );

    test.prop([variance], { numRuns: 100 })('mean is finite and E[φ(u)]² ≤ E[φ(u)²]', (k) => {
      const m = act.mean(k);
      const second = act.pair(k, k, k);
      expect(Number.isFinite(m.value)).toBe(true);
      expect(m.value * m.value).toBeLessThanOrEqual(second.phiPhi * (1 + 1e-12) + tolerance(second.phiPhiError, m.error));
    });

    test.prop([positiveVariance, positiveVariance, fc.double({ min: -0.9, max: 0.9, noNaN: true })], { numRuns: 100 })(
      "Price's theorem: ∂E[φ(u)φ(v)]/∂k12 = E[φ′(u)φ′(v)]",
      (k11, k22, rho) => {
        const scale = Math.sqrt(k11 * k22);
        const k12 = rho * scale;
        const h = 1e-4 * scale;
        const plus = act.pair(k11, k12 + h, k22);
        const minus = act.pair(k11, k12 - h, k22);
        const fd = (plus.phiPhi - minus.phiPhi) / (2 * h);
        const p = act.pair(k11, k12, k22);
        // O(h²) truncation plus the quadrature error amplified by 1/h.
        const slack = 1e-6 + (plus.phiPhiError + minus.phiPhiError) / (2 * h) + 2 * p.dphiDphiError;
        expect(Math.abs(fd - p.dphiDphi)).toBeLessThanOrEqual(slack);
      },
    );

    test.prop([positiveVariance, positiveVariance, fc.constantFrom(1, -1)], { numRuns: 30 })(
      'is continuous as ρ → ±1 and clamps |ρ| > 1',
      (k11, k22, sign) => {
        const bound = Math.sqrt(k11 * k22);
        const at = act.pair(k11, sign * bound, k22);
        const near = act.pair(k11, sign * bound * (1 - 1e-10), k22);
        const over = act.pair(k11, sign * bound * (1 + 1e-10), k22);
        expect(over).toEqual(at);
        // The ρ → ±1 derivative is ~1/√(1 − ρ²) for kinked φ′, so 1e−10 in ρ moves φ′φ′ by ~1e−5.
        expect(Math.abs(near.phiPhi - at.phiPhi)).toBeLessThanOrEqual(1e-6 * Math.max(1, bound) + tolerance(near.phiPhiError, at.phiPhiError));
        expect(Math.abs(near.dphiDphi - at.dphiDphi)).toBeLessThanOrEqual(1e-4 + tolerance(near.dphiDphiError, at.dphiDphiError));
      },
    );

    it('handles zero variances and round-off negatives without NaN', () => {
      for (const [k11, k12, k22] of [
        [0, 0, 0],
        [0, 0, 1.3],
        [1.3, 0, 0],
        [0, 1e-9, 1],
        [1, 0, -1e-15],
        [1e-300, 0, 1],
      ]) {
        const p = act.pair(k11, k12, k22);
        for (const v of Object.values(p)) expect(Number.isFinite(v)).toBe(true);
      }
      expect(Number.isFinite(act.mean(0).value)).toBe(true);
      expect(() => act.pair(1, NaN, 1)).toThrow(RangeError);
      expect(() => act.mean(-2)).toThrow(RangeError);
    });
  });
});
