/**
 * Family-wise control across a suite: Holm's (1979) step-down procedure over the p-values of all
 * verdicts of a run (src/stats/holm.ts). It holds the probability of any false rejection at α
 * under arbitrary dependence between verdicts (NNGP and NTK of one case share networks) and
 * rejects everything Bonferroni would, and sometimes more.
 *
 * Each verdict's power is stated at its worst-case Holm level α/k (what the smallest p-value must
 * beat), so a stated power is a guaranteed lower bound inside the family.
 */
import { holm } from '../stats/holm.ts';

export interface FamilyDecision {
  readonly method: string;
  readonly alpha: number;
  readonly size: number;
  /** Holm-adjusted p-values, in input order. */
  readonly adjusted: readonly number[];
  readonly rejected: readonly boolean[];
}

export function holmFamily(pValues: readonly number[], alpha: number): FamilyDecision {
  if (pValues.length === 0) return { method: 'Holm (1979)', alpha, size: 0, adjusted: [], rejected: [] };
  const r = holm(
    pValues.map((p) => Math.min(1, Math.max(0, p))),
    alpha,
  );
  return { method: r.method, alpha, size: pValues.length, adjusted: r.adjusted, rejected: r.rejected };
}

/** The per-verdict level at which a suite of `size` verdicts states power: Holm's first step. */
export function holmWorstCaseLevel(alpha: number, size: number): number {
  return alpha / Math.max(1, size);
}
