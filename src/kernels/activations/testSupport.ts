import { expect } from 'vitest';
/**
 * Shared fixtures for the activation tests (not used by production code):
 * a covariance grid, a seeded Monte-Carlo estimate, and a quadrature
 * reference that is independent of the activation's own pair().
 */
import { normalStream } from '../../random/normals.ts';
import { expectationOfProducts2d, type ExpectationOptions } from '../../numerics/gaussianExpectation.ts';
import type { ActivationMath } from './types.ts';

export type Covariance = readonly [k11: number, k12: number, k22: number];

/**
 * Equal and unequal variances (0.01 … 4) × ρ ∈ {0, ±0.3, ±0.8, ±0.99, ±(1 − 1e−6)},
 * k12 = ρ√(k11k22).
 */
export const COVARIANCE_GRID: readonly Covariance[] = (() => {
  const out: Covariance[] = [];
  const variances: Array<[number, number]> = [
    [1, 1],
    [2, 0.5],
    [0.01, 3],
    [4, 4],
    [0.3, 0.3],
  ];
  const rhos = [0, 0.3, -0.3, 0.8, -0.8, 0.99, -0.99, 1 - 1e-6, -(1 - 1e-6)];
  for (const [k11, k22] of variances) for (const rho of rhos) out.push([k11, rho * Math.sqrt(k11 * k22), k22]);
  return out;
})();

export interface MonteCarloMoment {
  readonly mean: number;
  /** Standard error of the mean: sample standard deviation / √samples. */
  readonly standardError: number;
}

/**
 * Seeded Monte-Carlo estimates of E[φ(u)φ(v)], E[φ'(u)φ'(v)] and E[φ(u)]
 * from `samples` pairs (u, v) = (√k11 z1, ρ√k22 z1 + √(1−ρ²)√k22 z2), z1, z2 from the keyed normal stream.
 */
export function monteCarloPair(
  act: Pick<ActivationMath, 'phi' | 'dphi'>,
  [k11, k12, k22]: Covariance,
  samples: number,
  seed: string,
): { phiPhi: MonteCarloMoment; dphiDphi: MonteCarloMoment; mean: MonteCarloMoment } {
  const normal = normalStream(seed);
  const s1 = Math.sqrt(k11);
  const a = k12 / s1;
  const s = Math.sqrt(Math.max(0, k22 - a * a));
  const acc = { pp: [0, 0], dd: [0, 0], m: [0, 0] };
  const add = (slot: number[], x: number): void => {
    slot[0] += x;
    slot[1] += x * x;
  };
  for (let i = 0; i < samples; i++) {
    const z1 = normal();
    const z2 = normal();
    const u = s1 * z1;
    const v = a * z1 + s * z2;
    const pu = act.phi(u);
    add(acc.pp, pu * act.phi(v));
    add(acc.dd, act.dphi(u) * act.dphi(v));
    add(acc.m, pu);
  }
  const moment = ([sum, sumSq]: number[]): MonteCarloMoment => {
    const mean = sum / samples;
    const variance = Math.max(0, sumSq / samples - mean * mean) * (samples / (samples - 1));
    return { mean, standardError: Math.sqrt(variance / samples) };
  };
  return { phiPhi: moment(acc.pp), dphiDphi: moment(acc.dd), mean: moment(acc.m) };
}

/** E[φ(u)φ(v)], E[φ'(u)φ'(v)] by the generic product rule, independent of act.pair(). */
export function quadraturePair(
  act: Pick<ActivationMath, 'phi' | 'dphi'>,
  [k11, k12, k22]: Covariance,
  opts: ExpectationOptions,
): { phiPhi: number; phiPhiError: number; dphiDphi: number; dphiDphiError: number } {
  const [pp, dd] = expectationOfProducts2d([act.phi, act.dphi], k11, k12, k22, opts);
  return { phiPhi: pp.value, phiPhiError: pp.errorEstimate, dphiDphi: dd.value, dphiDphiError: dd.errorEstimate };
}

/** Central difference of phiPhi in k12 — by Price's theorem it equals dphiDphi. */
export function priceDerivative(act: ActivationMath, [k11, k12, k22]: Covariance, relativeStep = 1e-4): number {
  const h = relativeStep * Math.sqrt(k11 * k22);
  return (act.pair(k11, k12 + h, k22).phiPhi - act.pair(k11, k12 - h, k22).phiPhi) / (2 * h);
}

export interface QuadratureComparison {
  readonly maxError: { readonly phiPhi: number; readonly dphiDphi: number };
  readonly maxEstimate: { readonly phiPhi: number; readonly dphiDphi: number };
  /** Grid points where |closed − quadrature| > 2·errorEstimate + slack (should be empty). */
  readonly violations: readonly string[];
}

/**
 * Closed forms against quadrature on `grid`. The tolerance is the quadrature's
 * own error estimate (×2) plus an absolute slack of `slack`·√(k11k22) for
 * rounding in the closed form itself.
 */
export function compareWithQuadrature(
  act: ActivationMath,
  grid: readonly Covariance[],
  opts: ExpectationOptions,
  slack = 1e-14,
): QuadratureComparison {
  const maxError = { phiPhi: 0, dphiDphi: 0 };
  const maxEstimate = { phiPhi: 0, dphiDphi: 0 };
  const violations: string[] = [];
  for (const c of grid) {
    const closed = act.pair(...c);
    const quad = quadraturePair(act, c, opts);
    const scale = Math.max(1, Math.sqrt(c[0] * c[2]));
    for (const key of ['phiPhi', 'dphiDphi'] as const) {
      const err = Math.abs(closed[key] - quad[key]);
      const est = key === 'phiPhi' ? quad.phiPhiError : quad.dphiDphiError;
      maxError[key] = Math.max(maxError[key], err);
      maxEstimate[key] = Math.max(maxEstimate[key], est);
      if (!(err <= 2 * est + slack * scale)) violations.push(`${key} at ${c.join(', ')}: |Δ| = ${err}, estimate ${est}`);
    }
  }
  return { maxError, maxEstimate, violations };
}

/** |value − mc.mean| in standard errors. */
export function standardErrors(value: number, mc: MonteCarloMoment): number {
  return Math.abs(value - mc.mean) / mc.standardError;
}

/** The closed form (or quadrature) agrees with 1e6 seeded Monte-Carlo draws within 5 standard errors: φφ, φ′φ′ and the mean. */
export function expectAgreesWithMonteCarlo(act: ActivationMath, c: Covariance, seed: string): void {
  const mc = monteCarloPair(act, c, 1e6, seed);
  const p = act.pair(...c);
  expect(standardErrors(p.phiPhi, mc.phiPhi)).toBeLessThan(5);
  expect(standardErrors(p.dphiDphi, mc.dphiDphi)).toBeLessThan(5);
  expect(standardErrors(act.mean(c[0]).value, mc.mean)).toBeLessThan(5);
}
