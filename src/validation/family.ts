/**
 * The decision of a suite: every kernel verdict of every case in one Holm family at the suite's
 * family-wise α (src/verdicts/holmFamily.ts). `validate`, the suites and calibrate all decide here.
 */
import { holmFamily } from '../verdicts/holmFamily.ts';
import type { KernelAgreement } from '../verdicts/kernelAgreement.ts';
import { isInconclusive, type VerdictStatus } from '../verdicts/types.ts';
import type { CaseResult, KernelKind } from './case.ts';

export interface FamilyMember {
  readonly case: string;
  readonly kernel: KernelKind;
  readonly verdict: KernelAgreement;
  /** Holm-adjusted p-value (NaN for an inconclusive verdict, which is not in the family). */
  readonly adjusted: number;
  /** The family's decision for this verdict (false when inconclusive). */
  readonly rejected: boolean;
  readonly status: VerdictStatus;
}

/** A verdict of another kind in the same family (e.g. a training case's verdict per step). */
export interface ExtraVerdict {
  readonly case: string;
  /** What was tested, e.g. `f_t at t=10`. */
  readonly label: string;
  readonly verdict: KernelAgreement;
}

export interface ExtraMember extends ExtraVerdict {
  readonly adjusted: number;
  readonly rejected: boolean;
  readonly status: VerdictStatus;
}

export interface SuiteDecision {
  readonly method: string;
  readonly alpha: number;
  readonly members: readonly FamilyMember[];
  /** The decisions on the `extra` verdicts, in their order (empty when none were given). */
  readonly extra: readonly ExtraMember[];
  /** No conclusive verdict rejected. */
  readonly passed: boolean;
  /** Verdicts that could not decide (see Verdict.inconclusive). */
  readonly inconclusive: number;
}

/** `extra` verdicts (training cases) join the kernel verdicts' Holm family. */
export function decideSuite(results: readonly CaseResult[], alpha: number, extra: readonly ExtraVerdict[] = []): SuiteDecision {
  const flat: { case: string; kernel: KernelKind; verdict: KernelAgreement }[] = [];
  for (const r of results)
    for (const kernel of ['nngp', 'ntk'] as const) {
      const verdict = r.verdicts[kernel];
      if (verdict) flat.push({ case: r.name, kernel, verdict });
    }
  const kernelCount = flat.length;
  // Extra verdicts ride along under a placeholder kind and are split off again below.
  for (const e of extra) flat.push({ case: e.case, kernel: 'ntk', verdict: e.verdict });
  // Inconclusive verdicts leave the family: their p-values are not trusted, and the others' Holm
  // steps are taken over the verdicts that decide.
  const inFamily = flat.map((f, i) => (isInconclusive(f.verdict) ? -1 : i)).filter((i) => i >= 0);
  const fam = holmFamily(
    inFamily.map((i) => flat[i].verdict.pValue),
    alpha,
  );
  const adjusted = new Array<number>(flat.length).fill(NaN);
  const rejected = new Array<boolean>(flat.length).fill(false);
  inFamily.forEach((i, k) => {
    adjusted[i] = fam.adjusted[k];
    rejected[i] = fam.rejected[k];
  });
  const all = flat.map((f, i) => {
    const status: VerdictStatus = isInconclusive(f.verdict) ? 'inconclusive' : rejected[i] ? 'fail' : 'pass';
    return { ...f, adjusted: adjusted[i], rejected: rejected[i], status };
  });
  const members = all.slice(0, kernelCount);
  const extraMembers = all.slice(kernelCount).map(({ kernel: _placeholder, ...m }, k) => ({ ...m, case: extra[k].case, label: extra[k].label }));
  const inconclusive = all.filter((m) => m.status === 'inconclusive').length;
  return {
    method: `${fam.method} over ${inFamily.length} verdicts${inconclusive ? ` (${inconclusive} inconclusive left out)` : ''}`,
    alpha,
    members,
    extra: extraMembers,
    passed: !all.some((m) => m.rejected),
    inconclusive,
  };
}

/** Count of kernel verdicts a list of cases will produce (for the per-verdict power level α/k). */
export function verdictCount(cases: readonly { readonly checks?: readonly KernelKind[] }[]): number {
  return cases.reduce((s, c) => s + (c.checks?.length ?? 2), 0);
}
