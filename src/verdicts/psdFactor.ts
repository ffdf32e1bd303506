/** Moved to src/linalg/cholesky.ts; re-exported for src/verdicts/maxAbsGaussian.ts until it imports it from there. */
export { psdFactor } from '../linalg/cholesky.ts';
