/**
 * The decision of a suite: every kernel verdict of every case in one Holm family at the suite's
 * family-wise α (src/verdicts/holmFamily.ts). `validate`, the suites and calibrate all decide here.
 */
import { holmFamily } from '../verdicts/holmFamily.ts';
import type { KernelAgreement } from '../verdicts/kernelAgreement.ts';
import type { CaseResult, KernelKind } from './case.ts';

export interface FamilyMember {
  readonly case: string;
  readonly kernel: KernelKind;
  readonly verdict: KernelAgreement;
  /** Holm-adjusted p-value. */
  readonly adjusted: number;
  /** The family's decision for this verdict. */
  readonly rejected: boolean;
}

export interface SuiteDecision {
  readonly method: string;
  readonly alpha: number;
  readonly members: readonly FamilyMember[];
  readonly passed: boolean;
}

export function decideSuite(results: readonly CaseResult[], alpha: number): SuiteDecision {
  const flat: { case: string; kernel: KernelKind; verdict: KernelAgreement }[] = [];
  for (const r of results)
    for (const kernel of ['nngp', 'ntk'] as const) {
      const verdict = r.verdicts[kernel];
      if (verdict) flat.push({ case: r.name, kernel, verdict });
    }
  const fam = holmFamily(
    flat.map((f) => f.verdict.pValue),
    alpha,
  );
  const members = flat.map((f, i) => ({ ...f, adjusted: fam.adjusted[i], rejected: fam.rejected[i] }));
  return { method: `${fam.method} over ${members.length} verdicts`, alpha, members, passed: !members.some((m) => m.rejected) };
}

/** Count of kernel verdicts a list of cases will produce (for the per-verdict power level α/k). */
export function verdictCount(cases: readonly { readonly checks?: readonly KernelKind[] }[]): number {
  return cases.reduce((s, c) => s + (c.checks?.length ?? 2), 0);
}
