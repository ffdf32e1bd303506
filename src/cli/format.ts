/** Plain-text tables for the terminal. */
import type { CaseResult } from '../validation/case.ts';
import type { SuiteDecision } from '../validation/family.ts';
import { biasFitCell, detectsCell, pValueCell, rateCell, statisticCell, VERDICT_COLUMNS } from '../reports/verdictCells.ts';
import { textTable } from '../format.ts';

export function formatMatrix(a: Float64Array, P: number, se?: Float64Array | null): string {
  const rows: string[] = [];
  for (let i = 0; i < P; i++) {
    const cells: string[] = [];
    for (let j = 0; j < P; j++) {
      const v = a[i * P + j].toFixed(5).padStart(10);
      cells.push(se ? `${v} ±${se[i * P + j].toFixed(5)}` : v);
    }
    rows.push(cells.join(' '));
  }
  return rows.join('\n');
}

/**
 * The verdict table of `validate`: one row per kernel verdict, decided by the suite's Holm family
 * (src/validation/family.ts), with each verdict's power and the bias model's goodness of fit.
 */
export function formatVerdictTable(results: readonly CaseResult[], decision: SuiteDecision, perVerdictAlpha: number, o: { requirePower?: boolean } = {}): string {
  const head = ['case', 'kernel', 'verdict', ...VERDICT_COLUMNS, 'seconds'];
  const rows: string[][] = [];
  const notes: string[] = [];
  const byCase = new Map(results.map((r) => [r.name, r]));
  for (const m of decision.members) {
    const v = m.verdict;
    const r = byCase.get(m.case)!;
    const g = v.biasModel.goodness;
    rows.push([
      m.case,
      m.kernel,
      (m.status === 'inconclusive' ? 'INCONCLUSIVE' : m.rejected ? 'FAIL' : 'pass') + (v.biasModel.adequate ? '' : ' !'),
      statisticCell(v.statistic),
      pValueCell(v.pValue),
      pValueCell(m.adjusted),
      detectsCell(v.detectableRelativeError, v.detectableRelativeErrorMedian),
      biasFitCell(g),
      rateCell(r.rates[m.kernel]),
      r.seconds.toFixed(1),
    ]);
    for (const n of v.notes) notes.push(`${m.case} ${m.kernel}: ${n}`);
    for (const i of v.inconclusive ?? []) notes.push(`${m.case} ${m.kernel}: inconclusive (${i.code}): ${i.reason}; ${i.remedy}`);
  }
  const failed = decision.members.filter((m) => m.rejected).length;
  const undecided = decision.inconclusive;
  return [
    ...textTable(head, rows),
    ...(notes.length ? ['', ...notes.map((n) => `! ${n}`)] : []),
    '',
    `${rows.length - failed - undecided} passed, ${failed} failed${undecided ? `, ${undecided} inconclusive` : ''} on ${results[0]?.backend ?? '?'}; family-wise α = ${decision.alpha} (${decision.method}).`,
    ...(undecided
      ? [
          o.requirePower
            ? `${undecided} verdict(s) could not decide (see "!" above): under --require-power that fails the run.`
            : `${undecided} verdict(s) could not decide (see "!" above): they neither pass nor fail; --require-power makes them fail the run.`,
        ]
      : []),
    'Each verdict fits K(w) = K∞ + a/w per entry over the width factors (weighted least squares; its χ² tests that bias model) and tests',
    'K∞ against the kernel jointly: max|z| over entries, with its null from the estimated covariance between entries (docs/verdicts.md).',
    `"detects": the smallest relative kernel error caught with probability 0.9 at the worst-case Holm level ${perVerdictAlpha.toExponential(2)},`,
    'for an error over the whole kernel / in one typical entry. "bias rate": exponent of the relative bias against width (theory: −1).',
  ].join('\n');
}
