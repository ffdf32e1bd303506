/**
 * Relative error |actual − expected| / |expected| used by the test suites
 * (absolute error when expected is 0; 0 when both are equal, including
 * equal infinities).  Test support only; not re-exported from index.ts.
 */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  if (expected === 0) return Math.abs(actual);
  return Math.abs(actual - expected) / Math.abs(expected);
}
