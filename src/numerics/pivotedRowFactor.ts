/** Moved to src/linalg/pivotedCholesky.ts; re-exported for src/estimators/preactivations.ts until it imports it from there. */
export { pivotedRowFactor } from '../linalg/pivotedCholesky.ts';
