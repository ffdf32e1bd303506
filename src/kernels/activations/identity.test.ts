import { describe, expect, it } from 'vitest';
import { identity } from './identity.ts';
import { COVARIANCE_GRID, compareWithQuadrature } from './testSupport.ts';

describe('identity', () => {
  it('E[uv] = k12, E[1] = 1 agree with quadrature', () => {
    const r = compareWithQuadrature(identity, COVARIANCE_GRID, { order: 32 });
    expect(r.violations).toEqual([]);
    expect(r.maxError.phiPhi).toBeLessThan(1e-13);
  });

  it('clamps k12 and has mean 0', () => {
    expect(identity.pair(1, 2, 1).phiPhi).toBe(1);
    expect(identity.pair(0, 0.1, 1).phiPhi).toBe(0);
    expect(identity.pair(1, -0.5, 4)).toEqual({ phiPhi: -0.5, dphiDphi: 1, phiPhiError: 0, dphiDphiError: 0 });
    expect(identity.mean(3)).toEqual({ value: 0, error: 0 });
    expect(() => identity.mean(-1)).toThrow(RangeError);
  });
});
