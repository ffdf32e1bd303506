/**
 * Finite networks trained by gradient descent against the infinite-width predictions (issue 14;
 * docs/training.md): fixtures/suites/training.json — an MLP, linear attention and sqrt attention
 * (heads growing with the width), each trained on every parameter (NTK dynamics) and on the
 * readout alone (the NNGP posterior at t = ∞) — must agree at every recorded step with the
 * analytic mean and second moment of f_t, by the verdict engine; and the broken predictors of
 * fixtures/training (the NNGP where the NTK belongs, the initial function's covariance forgotten,
 * the learning rate doubled) must be rejected by the same verdicts on the same ensembles.
 *
 * All verdicts form one Holm family at α = 1e-3 (src/validation/family.ts), each run at Holm's
 * worst-case level; seeds are fixed. The full profile (SUITES_PROFILE=full) adds
 * fixtures/suites/training-full.json.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadTrainingCases } from '../src/training/suite.ts';
import { evaluateTraining, runTrainingCase, type TrainingCaseResult } from '../src/training/case.ts';
import { stepLabel, trainingExtras, trainingVerdictCount } from '../src/training/validate.ts';
import { decideSuite } from '../src/validation/family.ts';
import { holmWorstCaseLevel } from '../src/verdicts/holmFamily.ts';
import { isInconclusive } from '../src/verdicts/types.ts';
import { brokenPredictors } from '../fixtures/training/index.ts';
import { suiteProfile } from './profile.ts';
import { verdictSummary } from './family.ts';

const profile = suiteProfile();
const familyAlpha = 1e-3;
const file = (name: string) => resolve(import.meta.dirname, `../fixtures/suites/${name}`);
const cases = [...loadTrainingCases(file('training.json')), ...(profile.name === 'full' ? loadTrainingCases(file('training-full.json')) : [])];
const alpha = holmWorstCaseLevel(familyAlpha, trainingVerdictCount(cases));
const results = new Map<string, TrainingCaseResult>();
const summary: string[] = [];

/** A case's result, run once and shared by the tests below (also when a filter skips the first block). */
async function resultOf(name: string): Promise<TrainingCaseResult> {
  let r = results.get(name);
  if (!r) {
    const c = cases.find((k) => k.name === name);
    if (!c) throw new Error(`no training case named ${name}`);
    r = await runTrainingCase(c, { alpha });
    results.set(name, r);
  }
  return r;
}

describe(`training suite (${profile.name} profile): trained ensembles follow the predictions`, () => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const r = await resultOf(c.name);
      for (const v of r.verdicts) summary.push(`${verdictSummary(c.name, stepLabel(v.step), v)}${isInconclusive(v) ? ' (inconclusive)' : ''}`);
      // Memory stays flat over every ensemble.
      for (const e of r.ensembles) expect(e.result.memory.end.numTensors, `×${e.scale}`).toBe(e.result.memory.start.numTensors);
      // The case is sized so that the 1/width model holds at every step: a verdict that cannot decide here is a finding.
      for (const v of r.verdicts) expect(isInconclusive(v), `${c.name} ${stepLabel(v.step)}: ${v.inconclusive?.map((i) => i.reason).join('; ')}`).toBe(false);
      // The power to see the broken predictors: at the last step, a 10 % error over f_t's moments.
      const last = r.verdicts[r.verdicts.length - 1];
      expect(last.detectableRelativeError, `${c.name} ${stepLabel(last.step)}`).toBeLessThan(0.1);
    },
    profile.timeout,
  );

  // Runs every case it has not seen yet (alone under -t), one test's time each.
  it('passes as a Holm family at α = 1e-3', async () => {
    const all: TrainingCaseResult[] = [];
    for (const c of cases) all.push(await resultOf(c.name));
    const d = decideSuite([], familyAlpha, trainingExtras(all));
    const failed = d.extra.filter((m) => m.rejected).map((m) => `${m.case} ${m.label}: max|z| ${m.verdict.statistic.toFixed(2)}, Holm p = ${m.adjusted}`);
    expect(failed).toEqual([]);
  }, profile.timeout * cases.length);
});

describe('broken predictors are caught on the same ensembles', () => {
  it.each(brokenPredictors.map((b) => [b.name, b] as const))(
    '%s',
    async (_name, b) => {
      const applicable = cases.filter((c) => b.modes.includes(c.mode));
      expect(applicable.length).toBeGreaterThan(0);
      for (const c of applicable) {
        const r = await resultOf(c.name);
        const verdicts = evaluateTraining(c, r, { alpha, predictor: b.predict });
        const caught = verdicts.filter((v) => v.rejected && !isInconclusive(v));
        summary.push(`broken ${b.name} on ${c.name}: caught at ${caught.map((v) => `${stepLabel(v.step)} (p ${v.pValue.toExponential(1)})`).join(', ') || 'no step'}`);
        expect(caught.length, `${b.bug} was not caught on ${c.name}`).toBeGreaterThan(0);
      }
    },
    profile.timeout,
  );
});

afterAll(() => {
  if (summary.length) console.log(summary.join('\n'));
});
