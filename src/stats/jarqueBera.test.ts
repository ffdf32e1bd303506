import { describe, expect, it } from 'vitest';
import { jarqueBera } from './jarqueBera.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

const datasets = reference.datasets as Record<string, number[]>;

describe('jarqueBera', () => {
  // Achieved: statistic ≤ 3.3e-15, p-value ≤ 2.3e-14 relative (p ≈ 1e-9 for exponential40).
  it('matches scipy.stats.jarque_bera to 1e-13 relative', () => {
    for (const r of reference.jarqueBera) {
      const result = jarqueBera(datasets[r.name]);
      expect(relativeError(result.statistic, r.statistic), r.name).toBeLessThan(1e-13);
      expect(relativeError(result.pValue, r.pValue), r.name).toBeLessThan(1e-13);
      expect(result.df).toBe(2);
      expect(result.rejected).toBe(result.pValue <= 0.05);
    }
  });

  it('has p = exp(−JB/2) and rejects the exponential sample', () => {
    const result = jarqueBera(datasets.exponential40, 0.01);
    expect(relativeError(result.pValue, Math.exp(-result.statistic / 2))).toBeLessThan(1e-14);
    expect(result.rejected).toBe(true);
    expect(result.alpha).toBe(0.01);
    expect(result.method).toMatch(/Jarque-Bera/);
  });

  it('validates the sample', () => {
    expect(() => jarqueBera([1, 2])).toThrow('jarqueBera: sample must have at least 3 finite values, got 2');
    expect(() => jarqueBera([])).toThrow(/jarqueBera: sample must have at least 3/);
    expect(() => jarqueBera([1, Number.NaN, 2, 3])).toThrow(/jarqueBera: sample\[1\] must be a finite number, got NaN/);
    expect(() => jarqueBera([2, 2, 2])).toThrow(/jarqueBera: sample has zero variance/);
    expect(() => jarqueBera([1, 2, 3], 1.5)).toThrow(/jarqueBera: alpha must be a number in \(0, 1\), got 1.5/);
  });
});
