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
  /**
   * Present and non-empty when the verdict cannot decide: an assumption of its test fails at this
   * sample size, or its power is below what was asked. An inconclusive verdict neither passes nor
   * fails; it leaves the Holm family (its p-value is not trusted) and is reported with its reasons.
   */
  readonly inconclusive?: readonly Inconclusive[];
}

/** Why a verdict cannot decide, and what would let it decide. */
export interface Inconclusive {
  /** A short machine-readable code, e.g. 'bias-regime', 'heavy-tails', 'power'. */
  readonly code: string;
  /** One sentence for a reader: what does not hold, with the numbers. */
  readonly reason: string;
  /** What would make it conclusive: wider networks, more networks, a larger --max-detectable. */
  readonly remedy: string;
}

/** The three outcomes of a verdict. */
export type VerdictStatus = 'pass' | 'fail' | 'inconclusive';

export function isInconclusive(v: Pick<Verdict, 'inconclusive'>): boolean {
  return (v.inconclusive?.length ?? 0) > 0;
}

/** The default false-positive rate of one verdict (issue 4). */
export const DEFAULT_ALPHA = 1e-3;
