import { describe, expect, it } from 'vitest';
import { fillNormals, seed32 } from './normals.ts';
import { jarqueBera, ksOneSample, normalCdf } from '../stats/index.ts';

describe('keyed normal streams', () => {
  it('are standard normal (KS and Jarque–Bera at α = 1e-4, fixed keys)', () => {
    const x = new Float64Array(100_000);
    fillNormals(x, 0, x.length, 'normality');
    expect(ksOneSample(Array.from(x), normalCdf, 1e-4).rejected).toBe(false);
    expect(jarqueBera(Array.from(x), 1e-4).rejected).toBe(false);
  });

  it('put the right mass beyond the ziggurat tail start R = 3.4426 (tail algorithm)', () => {
    const x = new Float64Array(2_000_000);
    fillNormals(x, 0, x.length, 'tail');
    const count = x.reduce((c, v) => c + (Math.abs(v) > 3.442619855899 ? 1 : 0), 0);
    const expected = 2 * (1 - normalCdf(3.442619855899)) * x.length;
    // Poisson count: |z| < 4.5 is a 7e-6 two-sided test.
    expect(Math.abs(count - expected) / Math.sqrt(expected)).toBeLessThan(4.5);
  });

  it('repeat for the same key and differ across keys', () => {
    const a = new Float32Array(8);
    const b = new Float32Array(8);
    const c = new Float32Array(8);
    fillNormals(a, 0, 8, '1/0/W');
    fillNormals(b, 0, 8, '1/0/W');
    fillNormals(c, 0, 8, '1/1/W');
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('neighbouring keys are uncorrelated', () => {
    const n = 20_000;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    fillNormals(a, 0, n, '7/0/W');
    fillNormals(b, 0, n, '7/1/W');
    const r = a.reduce((s, v, i) => s + v * b[i], 0) / n;
    // SE of the correlation is 1/√n; 4.5 SE.
    expect(Math.abs(r)).toBeLessThan(4.5 / Math.sqrt(n));
  });

  it('seed32 never returns 0 (tfjs reads seed 0 as "no seed")', () => {
    for (let i = 0; i < 1000; i++) expect(seed32(`k${i}`)).toBeGreaterThan(0);
  });
});
