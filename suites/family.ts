/** The suite-level decision every case suite ends with: all its verdicts as one Holm family. */
import { expect } from 'vitest';
import type { CaseResult } from '../src/validation/case.ts';
import { decideSuite } from '../src/validation/family.ts';

export function expectHolmFamilyPasses(results: readonly CaseResult[], caseCount: number, familyAlpha: number): void {
  expect(results).toHaveLength(caseCount);
  const d = decideSuite(results, familyAlpha);
  const failed = d.members
    .filter((m) => m.rejected)
    .map((m) => `${m.case} ${m.kernel}: ${m.verdict.method}, statistic ${m.verdict.statistic}, Holm p = ${m.adjusted}`);
  expect(failed).toEqual([]);
}
