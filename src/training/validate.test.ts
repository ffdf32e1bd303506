import { describe, expect, it } from 'vitest';
import { decideSuite } from '../validation/family.ts';
import type { KernelAgreement } from '../verdicts/kernelAgreement.ts';
import { formatTrainingTable, trainingExtras, trainingVerdictCount } from './validate.ts';
import type { TrainingCaseResult } from './case.ts';

const verdict = (step: number, pValue: number, inconclusive = false) =>
  ({
    step,
    pValue,
    statistic: 1,
    rejected: pValue <= 1e-4,
    detectableRelativeError: 0.05,
    detectableRelativeErrorMedian: 0.2,
    biasModel: { adequate: !inconclusive, goodness: { dof: 3, chi2PerDof: 1, pValue: 0.5 } },
    ...(inconclusive ? { inconclusive: [{ code: 'bias-regime', reason: 'r', remedy: 'm' }] } : {}),
  }) as unknown as KernelAgreement & { step: number };

describe('training verdicts in the suite family', () => {
  const results = [
    { name: 'a', verdicts: [verdict(0, 0.5), verdict(Infinity, 1e-6)], seconds: 1 },
    { name: 'b', verdicts: [verdict(3, 0.01, true)], seconds: 2 },
  ] as unknown as TrainingCaseResult[];

  it('count one verdict per step, join the Holm family, and leave it when inconclusive', () => {
    expect(trainingVerdictCount([{ steps: [0, 1, Infinity] }, { steps: [2] }])).toBe(4);
    const extras = trainingExtras(results);
    expect(extras.map((e) => e.label)).toEqual(['f_t t=0', 'f_t t=∞', 'f_t t=3']);
    const d = decideSuite([], 1e-3, extras);
    expect(d.members).toEqual([]);
    expect(d.extra.map((m) => m.status)).toEqual(['pass', 'fail', 'inconclusive']);
    // Holm over the two conclusive verdicts: the smallest p is multiplied by 2.
    expect(d.extra[1].adjusted).toBeCloseTo(2e-6, 12);
    expect(Number.isNaN(d.extra[2].adjusted)).toBe(true);
    expect(d.passed).toBe(false);
    expect(d.inconclusive).toBe(1);
    const table = formatTrainingTable(d, results);
    expect(table).toMatch(/a\s+t=∞\s+FAIL/);
    expect(table).toMatch(/b\s+t=3\s+INCONCLUSIVE/);
    expect(table).toMatch(/inconclusive \(bias-regime\)/);
  });
});
