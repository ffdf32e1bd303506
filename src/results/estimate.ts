/** The value types both result schemas (schema.ts, trainSchema.ts) are written in. */

/** A value with its standard error. */
export interface Estimate {
  readonly value: number;
  readonly se: number;
}

/** Row-major matrices are written as nested arrays [P][P]; P = M·T (T = 1 after pooling). */
export type Matrix = number[][];
