/**
 * What every case suite shares: its cases (the quick suite file, plus the full one under the full
 * profile), the per-verdict level, one summary line per verdict, and the suite-level decision, all
 * its verdicts as one Holm family.
 */
import { expect } from 'vitest';
import { resolve } from 'node:path';
import { runCase, type CaseDefinition, type CaseResult } from '../src/validation/case.ts';
import { decideSuite, verdictCount } from '../src/validation/family.ts';
import { loadSuite } from '../src/validation/suite.ts';
import { holmWorstCaseLevel } from '../src/verdicts/holmFamily.ts';
import type { KernelAgreement } from '../src/verdicts/kernelAgreement.ts';
import { suiteProfile } from './profile.ts';

/**
 * Cases of fixtures/suites/`quick` (and `full` too under SUITES_PROFILE=full), and the level each
 * verdict runs at: Holm's worst case for the family at `familyAlpha`, so each states its power there.
 *
 * The level that holds: a suite whose per-case tests also assert each verdict's bias-model fit
 * (attention, encoder) fails on correct code with probability at most 2·familyAlpha (the Holm
 * family's α plus the fits', each at the per-verdict level, by the union bound); the MLP suite
 * reports its fits without asserting them, so its level is familyAlpha. Splitting α between the
 * two would cost the attention suite's stated power (its linear abs case then states 25.2 % where
 * the suite asserts < 25 %), so the suites state 2α instead.
 */
export function suiteCases(quick: string, full: string | null, familyAlpha: number) {
  const file = (name: string) => resolve(import.meta.dirname, `../fixtures/suites/${name}`);
  const cases = [...loadSuite(file(quick)), ...(full !== null && suiteProfile().name === 'full' ? loadSuite(file(full)) : [])];
  return { cases, alpha: holmWorstCaseLevel(familyAlpha, verdictCount(cases)) };
}

/** `case kind: max|z| …, p …, detects ≥ …%, bias fit χ²/dof …`; suites append what else they report. */
export function verdictSummary(caseName: string, kind: string, v: KernelAgreement): string {
  return `${caseName} ${kind}: max|z| ${v.statistic.toFixed(2)}, p ${v.pValue.toExponential(1)}, detects ≥ ${(100 * v.detectableRelativeError).toFixed(1)}%, bias fit χ²/dof ${v.biasModel.goodness.chi2PerDof.toFixed(2)}`;
}

export function expectHolmFamilyPasses(results: readonly CaseResult[], caseCount: number, familyAlpha: number): void {
  expect(results).toHaveLength(caseCount);
  const d = decideSuite(results, familyAlpha);
  // An inconclusive verdict leaves the family, so a suite of them would pass on nothing: a suite's
  // cases are designed to be conclusive, and one that is not names its remedy here.
  const undecided = d.members
    .filter((m) => m.status === 'inconclusive')
    .map((m) => `${m.case} ${m.kernel}: ${(m.verdict.inconclusive ?? []).map((i) => `${i.code} (${i.remedy})`).join('; ')}`);
  expect(undecided).toEqual([]);
  const failed = d.members
    .filter((m) => m.rejected)
    .map((m) => `${m.case} ${m.kernel}: ${m.verdict.method}, statistic ${m.verdict.statistic}, Holm p = ${m.adjusted}`);
  expect(failed).toEqual([]);
}

/**
 * Each case's result, run once per file whichever test asks first: a case's own test and the
 * Holm family test share it, and either runs alone (`vitest -t NAME`) and still sees every case
 * it needs. The seeds are fixed, so the result does not depend on which test ran it.
 */
export function caseResults(alpha: number): { of: (c: CaseDefinition) => Promise<CaseResult>; all: (cases: readonly CaseDefinition[]) => Promise<CaseResult[]> } {
  const memo = new Map<string, Promise<CaseResult>>();
  const of = (c: CaseDefinition) => {
    let r = memo.get(c.name);
    if (!r) {
      r = runCase(c, { alpha });
      memo.set(c.name, r);
    }
    return r;
  };
  // One case at a time, as the per-case tests run them (the cases share the CPU and tfjs).
  const all = async (cases: readonly CaseDefinition[]) => {
    const out: CaseResult[] = [];
    for (const c of cases) out.push(await of(c));
    return out;
  };
  return { of, all };
}
