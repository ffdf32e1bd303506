import { describe, expect, it } from 'vitest';
import { excessKurtosisDelta, totalVariance } from './sampleMoments.ts';
import { excessKurtosisWithSE } from '../stats/excessKurtosisWithSE.ts';
import { NormalStream } from '../random/ziggurat.ts';

describe('excessKurtosisDelta', () => {
  it('is the G2 of src/stats, with an SE close to the normal-theory one for a normal sample', () => {
    const g = new NormalStream('sampleMoments/normal');
    const x = Array.from({ length: 20_000 }, () => g.normal());
    const k = excessKurtosisDelta(x);
    const ref = excessKurtosisWithSE(x);
    expect(k.value).toBe(ref.value);
    expect(k.se / ref.se).toBeGreaterThan(0.85);
    expect(k.se / ref.se).toBeLessThan(1.15);
  });

  it('widens the SE for heavy tails, and that SE covers the truth: Laplace (κ = 3) over 20 replicas', () => {
    const g = new NormalStream('sampleMoments/laplace');
    const laplace = () => {
      const a = g.normal();
      const b = g.normal();
      return Math.sqrt((a * a + b * b) / 2) * g.normal();
    };
    let covered = 0;
    const z: number[] = [];
    for (let r = 0; r < 20; r++) {
      const k = excessKurtosisDelta(Array.from({ length: 5000 }, laplace));
      z.push((k.value - 3) / k.se);
      if (Math.abs(k.value - 3) < 2.5 * k.se) covered++;
      // Normal theory says ~0.07; the real spread for a Laplace sample of 5000 is several times that.
      expect(k.se).toBeGreaterThan(2 * Math.sqrt(24 / 5000));
    }
    expect(covered).toBeGreaterThanOrEqual(17);
  });
});

describe('totalVariance', () => {
  it('estimates Σ Var over coordinates with a standard error that covers it', () => {
    const g = new NormalStream('sampleMoments/rows');
    const sd = [1, 2, 0.5];
    const truth = sd.reduce((a, s) => a + s * s, 0);
    let covered = 0;
    for (let r = 0; r < 20; r++) {
      const rows = Array.from({ length: 400 }, () => Float64Array.from(sd, (s) => 3 + s * g.normal()));
      const v = totalVariance(rows);
      if (Math.abs(v.value - truth) < 2.5 * v.se) covered++;
      // Var of the estimate: 2 Σ σ⁴ / n for Gaussian coordinates.
      const expected = Math.sqrt((2 * sd.reduce((a, s) => a + s ** 4, 0)) / 400);
      expect(v.se / expected).toBeGreaterThan(0.7);
      expect(v.se / expected).toBeLessThan(1.4);
    }
    expect(covered).toBeGreaterThanOrEqual(17);
  });
});
