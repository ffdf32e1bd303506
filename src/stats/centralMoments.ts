import { mean } from 'simple-statistics';

/**
 * Biased (divide-by-n) central moments m2, m3, m4 of a sample, two-pass
 * (mean first) for accuracy.  Internal helper for `jarqueBera`.
 */
export function centralMoments(sample: readonly number[]): { m2: number; m3: number; m4: number } {
  const n = sample.length;
  const mu = mean(sample);
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (const v of sample) {
    const d = v - mu;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  return { m2: s2 / n, m3: s3 / n, m4: s4 / n };
}
