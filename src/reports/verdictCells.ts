/**
 * The cells of a verdict row, shared by the terminal table of `validate` (src/cli/format.ts) and
 * the verdict table of its report (validateReport.ts), so both say the same thing the same way.
 * Inputs are read structurally: a report re-rendered from an older results file may lack a field,
 * and its cell then shows "—".
 */

import { pct } from '../format.ts';
export { pct };

const exp1 = (x: unknown): string => (typeof x === 'number' && Number.isFinite(x) ? x.toExponential(1) : '—');

export const statisticCell = (x: unknown): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(2) : '—');
export const pValueCell = exp1;

/** "uniform / one entry": the smallest relative kernel error caught with probability 0.9. */
export function detectsCell(uniform: unknown, oneEntry: unknown): string {
  return `${pct(uniform)} / ${pct(oneEntry)}`;
}

/** χ²/dof of the 1/width bias model with its p-value; "—" when it has no degree of freedom. */
export function biasFitCell(g: { readonly dof?: unknown; readonly chi2PerDof?: unknown; readonly pValue?: unknown } | undefined): string {
  if (!g || typeof g.dof !== 'number' || g.dof <= 0 || typeof g.chi2PerDof !== 'number') return '—';
  return `${g.chi2PerDof.toFixed(2)} (${exp1(g.pValue)})`;
}

/** The fitted exponent of the relative bias against width (theory −1), or "unresolved". */
export function rateCell(r: { readonly resolved?: unknown; readonly exponent?: unknown; readonly exponentSE?: unknown } | undefined | null): string {
  if (!r) return '—';
  if (!r.resolved) return 'unresolved';
  return typeof r.exponent === 'number' && typeof r.exponentSE === 'number' ? `w^${r.exponent.toFixed(2)}±${r.exponentSE.toFixed(2)}` : '—';
}

export const VERDICT_COLUMNS = ['max|z|', 'p', 'p (Holm)', 'detects (uniform / one entry)', 'bias fit χ²/dof (p)', 'bias rate'] as const;
