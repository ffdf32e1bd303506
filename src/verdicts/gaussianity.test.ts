import { describe, expect, it } from 'vitest';
import {
  andersonDarlingVerdict,
  jarqueBeraVerdict,
  ksAgainstNormalVerdict,
  kurtosisVerdict,
  mardiaVerdict,
  skewnessVerdict,
  univariateGaussianity,
} from './gaussianity.ts';
import { normals } from './testSupport.ts';
import { uniformStream } from '../random/normals.ts';

const n = 2000;
const gauss = (key: string, sd = 1) => {
  const d = normals(key);
  return Array.from({ length: n }, () => sd * d());
};

describe('Gaussianity verdicts', () => {
  it('pass a normal sample', () => {
    const x = gauss('g/normal', 2);
    const r = univariateGaussianity(x, { alpha: 1e-3, variance: 4 });
    for (const v of [r.skewness, r.kurtosis, r.jarqueBera, r.andersonDarling, r.ks!]) {
      expect(v.rejected, v.method).toBe(false);
      expect(v.alpha).toBe(1e-3);
    }
  });

  it('see the excess kurtosis of a Gaussian scale mixture (the single-head attention law)', () => {
    // X = S·Z with S² ~ χ²₂/2: a scale mixture, excess kurtosis 3·Var(S²)/E[S²]² = 3.
    const d = normals('g/mixture');
    const x = Array.from({ length: n }, () => Math.sqrt((d() ** 2 + d() ** 2) / 2) * d());
    expect(kurtosisVerdict(x, 1e-3, 'greater').rejected).toBe(true);
    expect(kurtosisVerdict(x, 1e-3).value).toBeGreaterThan(1.5);
    expect(jarqueBeraVerdict(x).rejected).toBe(true);
    expect(andersonDarlingVerdict(x).rejected).toBe(true);
    // Symmetric: no skewness to see.
    expect(skewnessVerdict(x).rejected).toBe(false);
  });

  it('KS against the limit law sees a wrong variance that shape tests cannot', () => {
    const x = gauss('g/scale', 1.2);
    expect(andersonDarlingVerdict(x).rejected).toBe(false);
    expect(ksAgainstNormalVerdict(x, 1, 1e-3).rejected).toBe(true);
  });

  it('Mardia passes correlated Gaussian rows and rejects a skewed one', () => {
    const d = normals('g/mardia');
    const rows = Array.from({ length: 500 }, () => {
      const a = d();
      const b = d();
      return [a, 0.6 * a + 0.8 * b, d()];
    });
    expect(mardiaVerdict(rows).rejected).toBe(false);
    const u = uniformStream('g/exp');
    const skewed = rows.map((r) => [r[0], r[1], -Math.log(1 - u())]);
    expect(mardiaVerdict(skewed).rejected).toBe(true);
  });
});
