/** Plain-text tables for the terminal. */
import type { CaseResult } from '../validation/case.ts';

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

export function formatVerdictTable(results: readonly CaseResult[], alpha: number, perVerdict: number): string {
  const head = ['case', 'kernel', 'verdict', 'max|z|', 'p', 'detects (uniform/one entry)', 'gap by width', 'seconds'];
  const rows: string[][] = [];
  for (const r of results)
    for (const [k, v] of Object.entries(r.verdicts)) {
      if (!v) continue;
      rows.push([
        r.name,
        k,
        v.rejected ? 'FAIL' : 'pass',
        v.statistic.toFixed(2),
        v.pValue.toExponential(1),
        `${(100 * v.detectableRelativeError).toFixed(1)}% / ${(100 * v.detectableRelativeErrorMedian).toFixed(1)}%`,
        v.relativeGap.map((g) => `×${g.scale}:${(100 * g.gap).toFixed(1)}%`).join(' '),
        r.seconds.toFixed(1),
      ]);
    }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  const failed = rows.filter((r) => r[2] === 'FAIL').length;
  return [
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `${rows.length - failed} passed, ${failed} failed on ${results[0]?.backend ?? '?'}; family-wise α = ${alpha} (Bonferroni: ${perVerdict.toExponential(2)} per verdict).`,
    'Each verdict fits K(w) = K∞ + a/w over the widths and tests K∞ against the kernel (max|z| over entries, Bonferroni).',
    'Interim rule: Bonferroni over entries is conservative under their correlation; the calibrated verdict engine replaces it.',
    '"detects": the smallest relative kernel error caught with probability 0.9, uniform over the kernel / in one typical entry;',
    '"gap": ‖mean − K‖/‖K‖ per width factor (finite-width bias plus Monte-Carlo noise).',
  ].join('\n');
}
