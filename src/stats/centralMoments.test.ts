import { describe, expect, it } from 'vitest';
import { centralMoments } from './centralMoments.ts';

describe('centralMoments', () => {
  it('computes divide-by-n central moments', () => {
    // x = (1, 2, 3, 6): mean 3, deviations (−2, −1, 0, 3): m2 = 14/4, m3 = 18/4, m4 = 98/4.
    expect(centralMoments([1, 2, 3, 6])).toEqual({ m2: 3.5, m3: 4.5, m4: 24.5 });
  });

  it('is unaffected by a large offset (two-pass)', () => {
    const m = centralMoments([1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 6]);
    expect(m.m2).toBe(3.5);
  });
});
