import { describe, expect, it } from 'vitest';
import { simulate, tails } from './skew-synthetic.ts';

describe('skew-synthetic', () => {
  // tails.ts claims that 1 + R with the true skewness errs on the conservative side. On heavy-tailed
  // lognormal networks (skewness 3.7, 128 per width, the line's weights estimated or the law's) the
  // simulated tail of the extrapolated mean's z lies well below it (about half at x = 3).
  it.each([
    { power: 0, law: false },
    { power: 1, law: true },
  ])('the engine tail with the true skewness covers the simulated tail (p = $power, law weights: $law)', ({ power, law }) => {
    const reps = simulate({ replicates: 4000, networks: 128, sigma: 0.8, power, law, seed: 7 });
    for (const x of [2.5, 3]) {
      const t = tails(reps, x);
      expect(t.simulated).toBeGreaterThan(0);
      expect(t.truth).toBeGreaterThan(t.simulated);
    }
  });
});
