import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { erf, erfc, erfcDirect, erfDirect, normalCdf, normalPdf } from './erf.ts';
import { gaussLegendre } from './gaussLegendre.ts';

/** [x, erf(x), erfc(x)] from mpmath at 30 digits, rounded to float64. */
const REFERENCE: ReadonlyArray<readonly [number, number, number]> = [
  [-5.5, -0.9999999999999927, 1.9999999999999927],
  [-2.5, -0.999593047982555, 1.999593047982555],
  [-1, -0.8427007929497149, 1.8427007929497148],
  [-0.25, -0.27632639016823696, 1.276326390168237],
  [1e-8, 1.1283791670955126e-8, 0.9999999887162083],
  [0.1, 0.1124629160182849, 0.887537083981715],
  [0.5, 0.5204998778130465, 0.4795001221869535],
  [0.9, 0.7969082124228322, 0.20309178757716786],
  [1.0, 0.8427007929497149, 0.15729920705028513],
  [1.5, 0.9661051464753108, 0.033894853524689274],
  [1.99, 0.995111413199617, 0.004888586800383003],
  [2.0, 0.9953222650189527, 0.004677734981047266],
  [2.75, 0.9998993780778803, 0.00010062192211963683],
  [3.5, 0.9999992569016276, 7.430983723414128e-7],
  [4.25, 0.9999999981494259, 1.8505741373867425e-9],
  [5.9, 0.9999999999999999, 7.190409783550478e-17],
  [6.1, 1.0, 6.3146021501937184e-18],
  [8.0, 1.0, 1.1224297172982926e-29],
  [12.0, 1.0, 1.3562611692059042e-64],
  [20.0, 1.0, 5.395865611607901e-176],
  [26.0, 1.0, 5.663192408856143e-296],
];

// Measured max relative error against mpmath on 2·10⁴ points of [−8, 27]: 9e−16.
const REL_TOL = 2e-15;

function relErr(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b);
}

describe('erf / erfc', () => {
  it.each(REFERENCE)('matches mpmath at x = %d', (x, erfRef, erfcRef) => {
    expect(relErr(erf(x), erfRef)).toBeLessThanOrEqual(REL_TOL);
    expect(relErr(erfc(x), erfcRef)).toBeLessThanOrEqual(REL_TOL);
    expect(relErr(erfDirect(x), erfRef)).toBeLessThanOrEqual(REL_TOL);
    expect(relErr(erfcDirect(x), erfcRef)).toBeLessThanOrEqual(REL_TOL);
  });

  it('handles the special values', () => {
    expect(erf(0)).toBe(0);
    expect(erfc(0)).toBe(1);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erf(NaN)).toBeNaN();
    expect(erfc(NaN)).toBeNaN();
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

  test.prop([fc.double({ min: -7, max: 7, noNaN: true })], { numRuns: 300 })('table path agrees with the series / continued fraction', (x) => {
    expect(relErr(erf(x), erfDirect(x))).toBeLessThanOrEqual(REL_TOL);
    expect(relErr(erfc(x), erfcDirect(x))).toBeLessThanOrEqual(REL_TOL);
  });

  test.prop([fc.double({ min: -30, max: 30, noNaN: true })], { numRuns: 200 })('symmetries erf(−x) = −erf(x), erf + erfc = 1', (x) => {
    expect(erf(-x) + erf(x)).toBe(0);
    expect(Math.abs(erf(x) + erfc(x) - 1)).toBeLessThanOrEqual(4e-16);
    expect(Math.abs(erfc(-x) - (2 - erfc(x)))).toBeLessThanOrEqual(4e-16);
  });
});

describe('normal cdf / pdf', () => {
  it('matches reference values, including the far lower tail', () => {
    expect(normalCdf(0)).toBe(0.5);
    // Rounding x/√2 costs a relative ~x²ε in the tail (d log Φ/dx ≈ |x|).
    expect(relErr(normalCdf(-10), 7.619853024160525e-24)).toBeLessThanOrEqual(100 * 1e-15);
    expect(relErr(normalCdf(-30), 4.906713927148187e-198)).toBeLessThanOrEqual(900 * 1e-15);
    expect(relErr(normalCdf(3), 0.9986501019683699)).toBeLessThanOrEqual(REL_TOL);
    expect(normalPdf(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 16);
  });

  test.prop([fc.double({ min: -8, max: 8, noNaN: true })], { numRuns: 100 })('Φ′ = N (central difference)', (x) => {
    const h = 1e-5;
    const d = (normalCdf(x + h) - normalCdf(x - h)) / (2 * h);
    expect(Math.abs(d - normalPdf(x))).toBeLessThanOrEqual(1e-9);
  });
});
