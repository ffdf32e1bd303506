/**
 * The shape every verdict of the engine returns: a test result that carries its own level and
 * decision, never a bare boolean (the same contract as src/stats/types.ts's TestResult), plus
 * plain-language notes for anything a reader must know to trust it (a failed bias model, an
 * unresolved rate, a p-value estimated by Monte Carlo).
 */
export interface Verdict {
  /** The test and how its p-value was obtained. */
  readonly method: string;
  readonly statistic: number;
  readonly pValue: number;
  /** The level this verdict's own decision is taken at. */
  readonly alpha: number;
  /** pValue ≤ alpha. */
  readonly rejected: boolean;
  readonly notes: readonly string[];
}

/** The default false-positive rate of one verdict (issue 4). */
export const DEFAULT_ALPHA = 1e-3;
