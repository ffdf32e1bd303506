import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { gaussLegendre } from '../numerics/gaussLegendre.ts';
import { erf } from './erf.ts';
import { relativeError } from './testUtils.ts';

/** [x, erf(x)] from mpmath at 30 digits, rounded to float64. */
const REFERENCE: ReadonlyArray<readonly [number, number]> = [
  [-5.5, -0.9999999999999927],
  [-2.5, -0.999593047982555],
  [-1, -0.8427007929497149],
  [-0.25, -0.27632639016823696],
  [1e-8, 1.1283791670955126e-8],
  [0.1, 0.1124629160182849],
  [0.5, 0.5204998778130465],
  [0.9, 0.7969082124228322],
  [1.0, 0.8427007929497149],
  [1.5, 0.9661051464753108],
  [1.99, 0.995111413199617],
  [2.0, 0.9953222650189527],
  [2.75, 0.9998993780778803],
  [3.5, 0.9999992569016276],
  [4.25, 0.9999999981494259],
  [5.9, 0.9999999999999999],
  [6.1, 1.0],
  [8.0, 1.0],
  [12.0, 1.0],
  [20.0, 1.0],
  [26.0, 1.0],
];

const REL_TOL = 2e-15;

describe('erf', () => {
  it.each(REFERENCE)('matches mpmath at x = %d', (x, erfRef) => {
    expect(relativeError(erf(x), erfRef)).toBeLessThanOrEqual(REL_TOL);
  });

  it('handles the special values and rejects NaN', () => {
    expect(erf(0)).toBe(0);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(() => erf(Number.NaN)).toThrow(/erf: x must be a number .* got NaN/);
  });

  it('is the integral of its derivative (2/√π)e^{−t²}', () => {
    const gl = gaussLegendre(60);
    for (const x of [0.3, 1.2, 2.5, 4]) {
      let s = 0;
      for (let i = 0; i < gl.nodes.length; i++) {
        const t = (x / 2) * (gl.nodes[i] + 1);
        s += (x / 2) * gl.weights[i] * Math.exp(-t * t);
      }
      expect(erf(x)).toBeCloseTo((2 / Math.sqrt(Math.PI)) * s, 14);
    }
  });

  it('is continuous across the switch between its two approximations (|x| = 0.46875)', () => {
    const edge = 0.46875;
    expect(relativeError(erf(edge * (1 + 2 ** -52)), erf(edge))).toBeLessThan(1e-15);
  });

  test.prop([fc.double({ min: -30, max: 30, noNaN: true })], { numRuns: 200 })('is odd: erf(−x) = −erf(x)', (x) => {
    expect(erf(-x) + erf(x)).toBe(0);
  });
});
