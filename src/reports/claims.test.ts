import { describe, expect, it } from 'vitest';
import { fitSlope, sweepClaims } from './claims.ts';
import type { KernelSpread, SweepPoint, SweepSection } from './schema.ts';

const spread = (e: number, v: number): KernelSpread => ({
  perNetworkError: { value: e, se: 0.02 * e },
  relativeVariance: { value: v, se: 0.05 * v },
  meanError: 0.01,
  noiseFloor: 0.01,
});

/** A synthetic sweep that behaves as the theory says: sqrt error ∝ H^(−1/2), flat in width; linear ∝ w^(−1/2). */
function section(kurtosisAtOne: number): SweepSection {
  const points: SweepPoint[] = [];
  const point = (scaling: string, heads: number, width: number, series: ('heads' | 'width')[], e: number, k: number): SweepPoint => ({
    scaling,
    heads,
    width,
    series,
    widths: '',
    networks: 1024,
    shards: 8,
    seconds: 1,
    nngp: spread(e, e * e),
    ntk: spread(e, e * e),
    outputs: { entry: 0, excessKurtosis: { value: k, se: 0.2 }, skewness: { value: 0, se: 0.1 }, meanExcessKurtosis: { value: k, se: 0.2 }, samples: [] },
    empirical: { nngp: [], ntk: [] },
  });
  for (const H of [1, 2, 4, 8]) points.push(point('sqrt', H, 4, H === 1 ? ['heads', 'width'] : ['heads'], 1 / Math.sqrt(H), kurtosisAtOne / H));
  for (const w of [1, 2, 8]) points.push(point('sqrt', 1, w, ['width'], 1.02 - 0.005 * w, kurtosisAtOne));
  for (const H of [1, 2, 4, 8]) points.push(point('linear', H, 4, H === 1 ? ['heads', 'width'] : ['heads'], 0.2 / Math.sqrt(H), 0.05));
  for (const w of [1, 2, 8]) points.push(point('linear', 1, w, ['width'], 0.4 / Math.sqrt(w), 0.05));
  return {
    spec: { layers: [] },
    inputs: { file: null, M: 1, T: 1, d: 1, masked: false },
    config: { heads: [1, 2, 4, 8], widths: [1, 2, 4, 8], scalings: ['sqrt', 'linear'], baseWidth: 4, baseHeads: 1, networks: 1024, shards: 8, seed: 1, precision: 0.01 },
    kernels: [],
    points,
    pending: [],
  };
}

describe('sweep claims', () => {
  it('fits log-log slopes (y = c·x^e)', () => {
    const f = fitSlope([1, 2, 4], [1, 0.5, 0.25].map((v) => ({ value: v, se: 0.01 })));
    expect(f!.exponent).toBeCloseTo(-1, 10);
    expect(f!.prefactor).toBeCloseTo(1, 10);
    expect(fitSlope([1], [{ value: 1, se: 0.1 }])).toBeNull();
  });

  it('passes every claim on data that behaves as the theory says', () => {
    const checks = sweepClaims(section(2.5));
    expect(checks.map((c) => c.name)).toEqual([
      'sqrt: per-network NNGP error falls with heads',
      'sqrt: per-network NTK error falls with heads',
      'sqrt: per-network NTK variance falls with heads',
      'sqrt: outputs at H=1 are not Gaussian',
      'sqrt: excess kurtosis falls from H=1 to H=8',
      'linear: per-network NTK concentrates with width at H=1',
      'sqrt: per-network NTK concentrates more slowly with width than linear at H=1',
      'sqrt outputs are further from Gaussian than linear at H=1',
    ]);
    for (const c of checks) expect(c.status, `${c.name}: ${c.message}`).toBe('passed');
  });

  it('fails the non-Gaussianity claims when single-head outputs are Gaussian', () => {
    const failed = sweepClaims(section(0)).filter((c) => c.status === 'failed').map((c) => c.name);
    expect(failed).toEqual(['sqrt: outputs at H=1 are not Gaussian', 'sqrt: excess kurtosis falls from H=1 to H=8', 'sqrt outputs are further from Gaussian than linear at H=1']);
  });
});
