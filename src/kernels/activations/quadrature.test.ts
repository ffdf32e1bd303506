import { describe, expect, it } from 'vitest';
import { normalCdf } from '../../stats/normalCdf.ts';
import { normalPdf } from '../../stats/normalPdf.ts';
import { abs } from './abs.ts';
import { erf } from './erf.ts';
import { identity } from './identity.ts';
import { quadratureActivation } from './quadrature.ts';
import { relu } from './relu.ts';
import { COVARIANCE_GRID, type Covariance } from './testSupport.ts';
import type { ActivationMath } from './types.ts';

/** Closed-form activations and the estimate bound their quadrature twins must meet on the grid. */
const CLOSED: ReadonlyArray<readonly [ActivationMath, number]> = [
  // Measured max estimate: relu 8.1e−15, abs 2.2e−14, identity 2.0e−14, erf 6.4e−7 (k = 4).
  [relu, 1e-12],
  [abs, 1e-12],
  [identity, 1e-12],
  [erf, 1e-6],
];

describe('quadratureActivation', () => {
  it.each(CLOSED)('reproduces the closed form of %s within its own error estimate', (closed, bound) => {
    const q = quadratureActivation(`${closed.name}-by-quadrature`, closed.phi, closed.dphi);
    expect(q.closedForm).toBe(false);
    expect(q.name).toBe(`${closed.name}-by-quadrature`);
    for (const c of COVARIANCE_GRID) {
      const a = closed.pair(...c);
      const b = q.pair(...c);
      const slack = 1e-14 * Math.max(1, Math.sqrt(c[0] * c[2]));
      expect(Math.abs(a.phiPhi - b.phiPhi)).toBeLessThanOrEqual(2 * b.phiPhiError + slack);
      expect(Math.abs(a.dphiDphi - b.dphiDphi)).toBeLessThanOrEqual(2 * b.dphiDphiError + slack);
      expect(b.phiPhiError).toBeLessThan(bound * Math.max(1, Math.sqrt(c[0] * c[2])));
      expect(b.dphiDphiError).toBeLessThan(bound);
    }
    for (const k of [0, 0.01, 1, 4]) {
      const m = q.mean(k);
      expect(Math.abs(m.value - closed.mean(k).value)).toBeLessThanOrEqual(2 * m.error + 1e-15);
    }
  });

  it('is exactly symmetric in (k11, k22)', () => {
    const q = quadratureActivation('softplus', (x) => Math.log1p(Math.exp(x)), (x) => 1 / (1 + Math.exp(-x)));
    for (const c of COVARIANCE_GRID) expect(q.pair(c[2], c[1], c[0])).toEqual(q.pair(...c));
  });

  it('passes options through: Gauss–Hermite on a kink is visibly worse than the default split rule', () => {
    const hermite = quadratureActivation('relu-gh', relu.phi, relu.dphi, { kinkAtZero: false, order: 64 });
    const c: Covariance = [1, 0.3, 1];
    const exact = relu.pair(...c);
    const p = hermite.pair(...c);
    // Measured: |Δ| ≈ 2e−3 (φφ), estimate ≈ 2e−3.
    expect(Math.abs(p.phiPhi - exact.phiPhi)).toBeGreaterThan(1e-4);
    expect(p.phiPhiError).toBeGreaterThan(1e-4);
  });

  it('a kink away from 0 (relu(x − 1)) converges algebraically; the estimate stays honest and tolerance adapts the order', () => {
    const phi = (x: number): number => (x > 1 ? x - 1 : 0);
    const dphi = (x: number): number => (x > 1 ? 1 : 0);
    for (const k of [0.5, 2]) {
      // E[(u − 1)⁺] = σ N(1/σ) − Φ(−1/σ).
      const s = Math.sqrt(k);
      const exact = s * normalPdf(1 / s) - normalCdf(-1 / s);
      const fixed = quadratureActivation('shifted', phi, dphi).mean(k);
      expect(Math.abs(fixed.value - exact)).toBeLessThanOrEqual(fixed.error);
      // Measured: error 9e−7 / 2.6e−5, estimate 1.5e−4 / 1.3e−4 at order 128.
      expect(fixed.error).toBeGreaterThan(1e-6);
      const adaptive = quadratureActivation('shifted', phi, dphi, { tolerance: 1e-6, maxOrder: 4096 }).mean(k);
      expect(adaptive.error).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(adaptive.value - exact)).toBeLessThanOrEqual(adaptive.error);
    }
  });

  it('degenerate inputs: point masses and perfect correlation without NaN', () => {
    const q = quadratureActivation('shifted-exp', (x) => Math.exp(0.5 * x), (x) => 0.5 * Math.exp(0.5 * x));
    expect(q.pair(0, 0, 0)).toEqual({ phiPhi: 1, dphiDphi: 0.25, phiPhiError: 0, dphiDphiError: 0 });
    // u = 0: E[φ(0)φ(v)] = E[e^{v/2}] = e^{k22/8}.
    expect(q.pair(0, 0, 2).phiPhi).toBeCloseTo(Math.exp(0.25), 14);
    expect(q.pair(2, 0, 0).phiPhi).toBeCloseTo(Math.exp(0.25), 14);
    // ρ = 1: E[e^{u}] = e^{k/2}; ρ = −1: E[1] = 1.
    expect(q.pair(2, 2, 2).phiPhi).toBeCloseTo(Math.E, 13);
    expect(q.pair(2, -2, 2).phiPhi).toBeCloseTo(1, 13);
    expect(q.pair(2, 2 * (1 + 1e-12), 2).phiPhi).toBeCloseTo(Math.E, 13);
    expect(q.mean(0)).toEqual({ value: 1, error: 0 });
  });
});
