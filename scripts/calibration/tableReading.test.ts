import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binomialInterval } from '../../src/stats/binomialInterval.ts';
import { chiSquaredSurvival } from '../../src/stats/chiSquaredSurvival.ts';
import { logGamma } from '../../src/stats/logGamma.ts';
import { SEED_SETS } from './sets.ts';
import { countsFromTable, homogeneityPValue, probabilityOutside, tableReading, type CellCounts } from './tableReading.ts';

const pmf = (k: number, n: number, a: number) => Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(a) + (n - k) * Math.log1p(-a));

describe('probabilityOutside', () => {
  it.each([
    [50, 0.05],
    [400, 0.01],
    [400, 0.001],
    [369, 0.05],
  ])('equals the sum of the binomial probabilities of the counts whose interval misses α (n = %i, α = %f)', (n, a) => {
    let brute = 0;
    for (let k = 0; k <= n; k++) {
      const ci = binomialInterval(k, n, 0.95);
      if (!(ci.lower <= a && a <= ci.upper)) brute += pmf(k, n, a);
    }
    expect(probabilityOutside(n, a)).toBeCloseTo(brute, 10);
    // Clopper–Pearson is conservative: a cell misses α at most 5 % of the time.
    expect(probabilityOutside(n, a)).toBeLessThanOrEqual(0.05);
  });
});

describe('homogeneityPValue', () => {
  it('is reproducible, near 1 for counts at n·α and small for counts spread far beyond binomial noise', () => {
    const ns = [400, 400, 400, 400];
    expect(homogeneityPValue([20, 20, 20, 20], ns, 0.05, 2000)).toBe(homogeneityPValue([20, 20, 20, 20], ns, 0.05, 2000));
    expect(homogeneityPValue([20, 20, 20, 20], ns, 0.05, 2000)).toBeGreaterThan(0.99);
    expect(homogeneityPValue([2, 40, 5, 38], ns, 0.05, 2000)).toBeLessThan(0.001);
  });

  it('agrees with the χ² approximation where the counts are large', () => {
    const ns = Array.from({ length: 8 }, () => 4000);
    const ks = [190, 215, 205, 180, 230, 200, 170, 222];
    const x2 = ks.reduce((s, k, i) => s + (k - ns[i] * 0.05) ** 2 / (ns[i] * 0.05 * 0.95), 0);
    expect(Math.abs(homogeneityPValue(ks, ns, 0.05, 20_000) - chiSquaredSurvival(x2, ks.length))).toBeLessThan(0.02);
  });
});

describe('tableReading', () => {
  const cell = (family: string, role: string, kind: 'nngp' | 'ntk', ks: number[]): CellCounts => ({ family, role, kind, counts: ks.map((k) => ({ k, n: 400 })) });
  it('names the cells outside their interval and pools only the attention sets that chose nothing', () => {
    const text = tableReading(
      [
        cell('mlp', 'first set', 'nngp', [20, 4, 0]),
        cell('mlp', 'first set', 'ntk', [20, 4, 0]),
        cell('attention-a', 'pre-registered', 'nngp', [40, 4, 0]),
        cell('attention-a', 'pre-registered', 'ntk', [20, 4, 0]),
        cell('attention-b', 'development', 'nngp', [100, 4, 0]),
        cell('attention-b', 'development', 'ntk', [20, 4, 0]),
      ],
      (f) => f !== 'mlp',
    ).join('\n');
    expect(text).toContain('here 2 are outside (attention-a NNGP at 0.05, 40/400; attention-b NNGP at 0.05, 100/400)');
    // Only attention-a is pooled: its counts alone.
    expect(text).toContain('| NNGP | 40/400 = 0.10');
    expect(text).toContain('(1 family, the sets that chose nothing: 1 set)');
  });
});

describe('docs/calibration.md', () => {
  it('carries the reading that its own table gives (summary.ts --from-table)', () => {
    const md = readFileSync(new URL('../../docs/calibration.md', import.meta.url), 'utf8');
    const cells = countsFromTable(md);
    // The head engine's table comes first: every set of sets.ts, two kernels each, and pooled rows.
    expect(cells.filter((c) => c.role !== 'pooled').length).toBe(2 * SEED_SETS.length);
    for (const line of tableReading(cells, (f) => f !== 'mlp')) expect(md).toContain(line);
  });
});
