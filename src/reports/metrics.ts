/** Figures the reports draw from a results file: QQ points of a sample, the distance of two kernels. */

/**
 * Normal QQ points of a sample: sorted standardised values against the normal quantiles at the
 * Blom plotting positions (i − 3/8)/(n + 1/4), which make the expected order statistics of a
 * normal sample lie close to the diagonal.
 */
export function normalQQ(sample: readonly number[], quantile: (p: number) => number): { theoretical: number; sample: number }[] {
  const n = sample.length;
  const mean = sample.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(sample.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const sorted = sample.map((x) => (x - mean) / sd).sort((a, b) => a - b);
  return sorted.map((s, i) => ({ theoretical: quantile((i + 1 - 0.375) / (n + 0.25)), sample: s }));
}

/** Relative Frobenius distance ‖a − b‖/‖b‖. */
export function relativeDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] * b[i];
  }
  return Math.sqrt(num / den);
}
