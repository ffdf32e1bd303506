import { describe, expect, it } from 'vitest';
import { MomentAccumulator } from './accumulator.ts';
import { centralMoments } from '../stats/centralMoments.ts';
import { normals } from '../verdicts/testSupport.ts';

/** Skewed, heavy-tailed columns: a shifted exponential-like square and a product of normals. */
function sample(n: number, key: string): number[][] {
  const g = normals(key);
  return Array.from({ length: n }, () => {
    const a = g();
    const b = g();
    return [3 + a * a * a, 0.5 * a * b - 2, g()];
  });
}

function twoPass(rows: number[][], j: number) {
  const col = rows.map((r) => r[j]);
  const n = col.length;
  const { m2, m3, m4 } = centralMoments(col);
  // Fisher's k-statistics from the biased moments (Kendall & Stuart §12.8).
  const k3 = (n * n * m3) / ((n - 1) * (n - 2));
  const k4 = (n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2)) / ((n - 1) * (n - 2) * (n - 3));
  return { m2: m2 * n, m3: m3 * n, m4: m4 * n, k3, k4 };
}

describe('MomentAccumulator higher moments', () => {
  it('tracks third and fourth central sums as a two-pass computation does', () => {
    const rows = sample(257, 'acc/moments');
    const acc = new MomentAccumulator(3);
    for (const r of rows) acc.add(r);
    const { k3, k4 } = acc.cumulants();
    for (let j = 0; j < 3; j++) {
      const ref = twoPass(rows, j);
      expect(acc.m2[j]).toBeCloseTo(ref.m2, 8);
      expect(Math.abs(acc.m3[j] - ref.m3)).toBeLessThan(1e-10 * Math.abs(ref.m4) ** 0.75 * 257);
      expect(Math.abs(acc.m4[j] - ref.m4) / ref.m4).toBeLessThan(1e-12);
      expect(Math.abs(k3[j] - ref.k3)).toBeLessThan(1e-10 * Math.abs(ref.k4) ** 0.75 + 1e-12);
      expect(Math.abs(k4[j] - ref.k4) / Math.abs(ref.k4)).toBeLessThan(1e-10);
    }
    // The first column is strongly right-skewed, the third is not.
    expect(k3[0] / acc.variance()[0] ** 1.5).toBeGreaterThan(2);
  });

  it('merges blocks into the moments of the whole sample', () => {
    const rows = sample(200, 'acc/merge');
    const whole = new MomentAccumulator(3, true);
    for (const r of rows) whole.add(r);
    const parts = [rows.slice(0, 7), rows.slice(7, 120), rows.slice(120)].map((part) => {
      const a = new MomentAccumulator(3, true);
      for (const r of part) a.add(r);
      return a;
    });
    const merged = parts[0];
    merged.merge(parts[1]);
    merged.merge(parts[2]);
    for (let j = 0; j < 3; j++) {
      expect(merged.m3[j] / whole.m3[j]).toBeCloseTo(1, 10);
      expect(merged.m4[j] / whole.m4[j]).toBeCloseTo(1, 10);
    }
    // Through JSON (shard files) as well; files without the higher sums give NaN cumulants.
    const back = MomentAccumulator.fromJSON(JSON.parse(JSON.stringify(merged.toJSON())));
    expect(Array.from(back.cumulants().k3)).toEqual(Array.from(merged.cumulants().k3));
    const { m3: _m3, m4: _m4, ...old } = merged.toJSON();
    expect(Number.isNaN(MomentAccumulator.fromJSON(old).cumulants().k3[0])).toBe(true);
  });
});
