import { describe, expect, it } from 'vitest';
import { normalQQ } from './metrics.ts';
import { normalQuantile } from '../stats/normalQuantile.ts';

describe('normalQQ', () => {
  it('pairs sorted standardised values with Blom quantiles', () => {
    const q = normalQQ([3, 1, 2], normalQuantile);
    expect(q.map((p) => p.sample)).toEqual([-1, 0, 1]);
    expect(q[0].theoretical).toBeCloseTo(normalQuantile(0.625 / 3.25), 12);
    expect(q[1].theoretical).toBeCloseTo(0, 12);
  });
});
