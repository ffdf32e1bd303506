/**
 * The tests' one Monte-Carlo assertion (testSupport.ts: agreement / expectAgrees) holds its level
 * and rejects a real difference.
 */
import { describe, expect, it } from 'vitest';
import { agreement, expectAgrees, normals } from './testSupport.ts';

/** Means of `n` draws of N(truth, 1) per entry, with their estimated SEs. */
function sampleMeans(truth: readonly number[], n: number, key: string) {
  const draw = normals(key);
  const mean = truth.map(() => 0);
  const sq = truth.map(() => 0);
  for (let k = 0; k < n; k++)
    truth.forEach((t, i) => {
      const x = t + draw();
      mean[i] += x / n;
      sq[i] += x * x;
    });
  const se = mean.map((m, i) => Math.sqrt((sq[i] - n * m * m) / (n - 1) / n));
  return { mean, se, samples: n };
}

describe('agreement (max |z| joint test)', () => {
  const truth = Array.from({ length: 12 }, (_, i) => 1 + i / 4);

  it('passes the truth', () => {
    expectAgrees(sampleMeans(truth, 30, 'agree/truth'), { value: truth });
  });

  it('rejects one entry off by 6 SE among 12', () => {
    const est = sampleMeans(truth, 30, 'agree/shifted');
    const value = truth.map((t, i) => (i === 5 ? t - 6 * est.se[5] : t));
    const r = agreement(est, { value });
    expect(r.pValue).toBeLessThan(1e-3);
    expect(r.worst.index).toBe(5);
    expect(() => expectAgrees(est, { value })).toThrow(/worst entry 5/);
  });

  it('counts the expected value own SE: an expected value sampled as noisily as the estimate', () => {
    const est = sampleMeans(truth, 30, 'agree/est');
    const exp = sampleMeans(truth, 30, 'agree/exp');
    expectAgrees(est, { value: exp.mean, se: exp.se, dof: exp.samples - 1 });
  });

  it('holds its level: at α = 0.1 over 200 independent replications, rejections stay within Binomial(200, 0.1) (P(X ≥ 36) < 1e-4)', () => {
    let rejected = 0;
    for (let r = 0; r < 200; r++) if (agreement(sampleMeans(truth, 20, `agree/level/${r}`), { value: truth }).pValue < 0.1) rejected++;
    expect(rejected).toBeLessThan(36);
    // And it is not vacuous: a test that never rejects would pass the line above.
    expect(rejected).toBeGreaterThan(5);
  });
});
