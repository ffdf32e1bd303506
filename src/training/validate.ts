/**
 * What `validate` needs to run a suite's training cases: their verdict count (for the per-verdict
 * Holm level), the runs, their verdicts as members of the suite's one Holm family
 * (src/validation/family.ts, `extra`), and their table.
 */
import type { ExtraVerdict, SuiteDecision } from '../validation/family.ts';
import { runTrainingCase, type TrainingCaseDefinition, type TrainingCaseResult, type TrainingRunOptions } from './case.ts';
import { pct, textTable } from '../format.ts';

export const stepLabel = (t: number): string => `t=${t === Infinity ? '∞' : t}`;

/** One verdict per requested step. */
export function trainingVerdictCount(cases: readonly Pick<TrainingCaseDefinition, 'steps'>[]): number {
  return cases.reduce((s, c) => s + c.steps.length, 0);
}

export async function runTrainingCases(cases: readonly TrainingCaseDefinition[], opts: TrainingRunOptions): Promise<TrainingCaseResult[]> {
  const out: TrainingCaseResult[] = [];
  for (const c of cases) out.push(await runTrainingCase(c, opts));
  return out;
}

export function trainingExtras(results: readonly TrainingCaseResult[]): ExtraVerdict[] {
  return results.flatMap((r) => r.verdicts.map((v) => ({ case: r.name, label: `f_t ${stepLabel(v.step)}`, verdict: v })));
}


/** The training verdicts of a suite decision, one row per case and step. */
export function formatTrainingTable(decision: Pick<SuiteDecision, 'extra'>, results: readonly TrainingCaseResult[]): string {
  if (!decision.extra.length) return '';
  const head = ['training case', 'step', 'verdict', 'max|z|', 'p', 'p (Holm)', 'detects (uniform / one entry)', 'bias fit χ²/dof (p)', 'seconds'];
  const byCase = new Map(results.map((r) => [r.name, r]));
  const notes: string[] = [];
  const rows = decision.extra.map((m) => {
    const v = m.verdict;
    const g = v.biasModel.goodness;
    for (const i of v.inconclusive ?? []) notes.push(`${m.case} ${m.label}: inconclusive (${i.code}): ${i.reason}; ${i.remedy}`);
    return [
      m.case,
      m.label.replace(/^f_t /, ''),
      m.status === 'inconclusive' ? 'INCONCLUSIVE' : m.rejected ? 'FAIL' : 'pass',
      v.statistic.toFixed(2),
      v.pValue.toExponential(1),
      Number.isNaN(m.adjusted) ? '—' : m.adjusted.toExponential(1),
      `${pct(v.detectableRelativeError)} / ${pct(v.detectableRelativeErrorMedian)}`,
      g.dof > 0 ? `${g.chi2PerDof.toFixed(2)} (${g.pValue.toExponential(1)})` : '—',
      (byCase.get(m.case)?.seconds ?? NaN).toFixed(1),
    ];
  });
  return [
    ...textTable(head, rows),
    ...(notes.length ? ['', ...notes.map((n) => `! ${n}`)] : []),
    '',
    'Training verdicts: per step, the ensemble mean of (1, f_t)(1, f_t)ᵀ (f_t\'s mean and second moment at the probe points) fitted',
    'over the width factors and tested against the analytic prediction by the same engine (docs/training.md); one Holm family with the kernel verdicts.',
  ].join('\n');
}
