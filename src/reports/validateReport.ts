/**
 * Results, plots and text of a suite run (`validate --report`). The verdicts are read generically
 * (any object with a boolean `rejected`, plus its scalar fields), so a change of verdict engine
 * changes the columns of the table, not this code.
 */
import type { Block } from './document.ts';
import { fitSlope } from './claims.ts';
import { heatmapTriptych, logLogPlot, type Plot, type SeriesFit, type SeriesRow } from './plots.ts';
import { relativeDistance } from './metrics.ts';
import { rowLabels } from './sweepReport.ts';
import { flatten, toNested, toNestedOrNull, type Check, type Results, type ValidateCase, type ValidateSection } from '../results/schema.ts';
import { biasFitCell, detectsCell, pValueCell, rateCell, statisticCell, VERDICT_COLUMNS } from './verdictCells.ts';
import type { CaseDefinition, CaseResult } from '../validation/case.ts';
import type { InputBatch } from '../spec/types.ts';

/** Scalar fields of a verdict, and one level of nested objects of scalars (e.g. `worst`). */
export function scalarFields(v: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!v || typeof v !== 'object') return out;
  for (const [k, x] of Object.entries(v)) {
    if (x === null || ['number', 'string', 'boolean'].includes(typeof x)) out[k] = x;
    else if (typeof x === 'object' && !ArrayBuffer.isView(x) && !Array.isArray(x)) {
      const inner = Object.entries(x as object).filter(([, y]) => y === null || ['number', 'string', 'boolean'].includes(typeof y));
      if (inner.length) out[k] = Object.fromEntries(inner);
    }
  }
  return out;
}

export function nestedInputs(b: InputBatch): { inputs: number[][][]; mask: number[][] } {
  return {
    inputs: Array.from({ length: b.M }, (_, m) => Array.from({ length: b.T }, (_, t) => Array.from(b.x.subarray((m * b.T + t) * b.d, (m * b.T + t + 1) * b.d)))),
    mask: Array.from({ length: b.M }, (_, m) => Array.from(b.mask.subarray(m * b.T, (m + 1) * b.T))),
  };
}

/** A family decision as `validate` makes it (src/validation/family.ts), read structurally. */
export interface FamilyDecisionLike {
  readonly method?: string;
  readonly members?: readonly { readonly case: string; readonly kernel: string; readonly rejected: boolean; readonly adjusted?: number; readonly status?: string }[];
}

export function validateSection(defs: readonly CaseDefinition[], results: readonly CaseResult[], suite: string | null, alpha: number, decision?: FamilyDecisionLike): ValidateSection {
  const cases = results.map((r): ValidateCase => {
    const def = defs.find((d) => d.name === r.name);
    if (!def) throw new Error(`no definition for case ${r.name}`);
    const P = r.kernel.M * r.kernel.T;
    const verdicts: Record<string, Record<string, unknown>> = {};
    for (const [k, v] of Object.entries(r.verdicts)) {
      if (!v) continue;
      const member = decision?.members?.find((m) => m.case === r.name && m.kernel === k);
      const g = v.biasModel.goodness;
      const reasons = (v.inconclusive ?? []).map((i) => `${i.code}: ${i.reason}; ${i.remedy}`);
      verdicts[k] = {
        ...scalarFields(v),
        // What the terminal table shows, kept for the report's columns (the goodness of fit sits two levels down).
        biasFitChi2PerDof: g.chi2PerDof,
        biasFitPValue: g.pValue,
        biasFitDof: g.dof,
        status: member?.status ?? (reasons.length ? 'inconclusive' : v.rejected ? 'fail' : 'pass'),
        ...(reasons.length ? { inconclusiveReasons: reasons.join(' | ') } : {}),
        ...(member ? { familyRejected: member.rejected, familyAdjustedP: member.adjusted ?? null } : {}),
      };
    }
    const rates = Object.fromEntries(
      Object.entries(r.rates).map(([k, x]) => [k, x ? { resolved: x.resolved, exponent: x.exponent, exponentSE: x.exponentSE } : null]),
    );
    return {
      name: r.name,
      spec: def.spec,
      inputs: nestedInputs(def.inputs),
      scaleHeads: def.scaleHeads ?? false,
      seconds: r.seconds,
      analytic: {
        M: r.kernel.M,
        T: r.kernel.T,
        nngp: toNested(r.kernel.nngp, P),
        ntk: toNested(r.kernel.ntk, P),
        nngpSE: toNestedOrNull(r.kernel.nngpSE, P),
        ntkSE: toNestedOrNull(r.kernel.ntkSE, P),
        samples: r.kernel.samples,
      },
      estimates: r.estimates.map((e) => ({
        scale: e.scale,
        networks: e.result.networks,
        seed: (e as { seed?: number }).seed ?? def.seed,
        nngp: toNestedOrNull(e.result.nngp, P),
        nngpSE: toNestedOrNull(e.result.nngpSE, P),
        ntk: toNestedOrNull(e.result.ntk, P),
        ntkSE: toNestedOrNull(e.result.ntkSE, P),
      })),
      verdicts,
      rates,
    };
  });
  return { suite, alpha, cases };
}

/** One check per verdict: failed when the family (or, without one, the verdict itself) rejects. */
export function verdictChecks(section: ValidateSection): Check[] {
  const fmt = (x: unknown) => (typeof x === 'number' ? (Math.abs(x) >= 1e-2 && Math.abs(x) < 1e4 ? x.toFixed(3) : x.toExponential(2)) : String(x));
  return section.cases.flatMap((c) =>
    Object.entries(c.verdicts).map(([kernel, v]): Check => {
      const rejected = typeof v.familyRejected === 'boolean' ? v.familyRejected : v.rejected === true || v.passed === false;
      const inconclusive = v.status === 'inconclusive';
      const parts = ['method', 'statistic', 'pValue', 'familyAdjustedP'].filter((k) => v[k] !== undefined && v[k] !== null).map((k) => `${k} ${fmt(v[k])}`);
      if (inconclusive && typeof v.inconclusiveReasons === 'string') parts.unshift(`inconclusive (${v.inconclusiveReasons})`);
      const details = Object.fromEntries(Object.entries(v).filter(([, x]) => x === null || typeof x !== 'object')) as Record<string, number | string | boolean | null>;
      return {
        group: c.name,
        name: kernel,
        status: inconclusive ? 'inconclusive' : rejected ? 'failed' : 'passed',
        message: parts.join(', '),
        details,
        seconds: c.seconds / Object.keys(c.verdicts).length,
      };
    }),
  );
}

/** The verdict table: the columns of the terminal table (src/cli/format.ts), one verdict per row. */
function verdictTable(r: Results): Block {
  const s = validateOf(r);
  const rows: string[][] = [];
  for (const c of s.cases)
    for (const [kernel, v] of Object.entries(c.verdicts)) {
      const check = r.checks.find((x) => x.group === c.name && x.name === kernel && x.group !== 'baseline');
      rows.push([
        check?.status ?? '—',
        c.name,
        kernel,
        statisticCell(v.statistic),
        pValueCell(v.pValue),
        pValueCell(v.familyAdjustedP),
        detectsCell(v.detectableRelativeError, v.detectableRelativeErrorMedian),
        biasFitCell({ dof: v.biasFitDof, chi2PerDof: v.biasFitChi2PerDof, pValue: v.biasFitPValue }),
        rateCell(c.rates?.[kernel]),
        (c.seconds / Math.max(1, Object.keys(c.verdicts).length)).toFixed(1),
      ]);
    }
  return { kind: 'table', head: ['status', 'case', 'kernel', ...VERDICT_COLUMNS, 'seconds'], rows, align: ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'] };
}

/** What the terminal prints under its table: notes of the verdicts and why any is inconclusive. */
function verdictNotes(r: Results): Block[] {
  const items: string[] = [];
  for (const c of validateOf(r).cases)
    for (const [kernel, v] of Object.entries(c.verdicts)) {
      if (typeof v.inconclusiveReasons === 'string') items.push(`${c.name} ${kernel}: inconclusive (${v.inconclusiveReasons})`);
      if (v.biasModel && typeof v.biasModel === 'object' && (v.biasModel as { adequate?: unknown }).adequate === false)
        items.push(`${c.name} ${kernel}: the bias model K(w) = K∞ + a/w does not fit the widths; the extrapolation and this verdict are unreliable`);
    }
  return items.length ? [{ kind: 'list', items }] : [];
}

function validateOf(r: Results): ValidateSection {
  if (!r.validate) throw new Error('results have no validate section');
  return r.validate;
}

export function validatePlots(r: Results): Plot[] {
  const s = validateOf(r);
  const plots: Plot[] = [];
  const rows: SeriesRow[] = [];
  const fits: SeriesFit[] = [];
  for (const c of s.cases)
    for (const k of ['nngp', 'ntk'] as const) {
      const K = flatten(c.analytic[k]);
      const name = k.toUpperCase();
      const pts = c.estimates.filter((e) => e[k]).map((e) => {
        const mean = flatten(e[k]!);
        const se = flatten(e[`${k}SE`]!);
        let noise = 0;
        let norm = 0;
        for (let i = 0; i < K.length; i++) {
          noise += se[i] * se[i];
          norm += K[i] * K[i];
        }
        return { x: e.scale, y: relativeDistance(mean, K), noise: Math.sqrt(noise / norm) };
      });
      if (!pts.length) continue;
      for (const p of pts) {
        rows.push({ series: name, panel: c.name, x: p.x, y: p.y, se: 0 });
        rows.push({ series: `${name} noise`, panel: c.name, x: p.x, y: p.noise, se: 0 });
      }
      fits.push({ series: name, panel: c.name, fit: fitSlope(pts.map((p) => p.x), pts.map((p) => ({ value: p.y, se: p.noise }))), xs: pts.map((p) => p.x) });
    }
  if (rows.length)
    plots.push(
      logLogPlot({
        name: 'error-vs-width',
        title: 'Ensemble-mean kernel error against width, per case',
        caption:
          '‖ensemble mean − K‖/‖K‖ per width factor (solid), and the Monte-Carlo noise level √ΣSE²/‖K‖ it contains (dotted): an error well above its noise is finite-width bias, which falls like 1/width (grey: slope −1) and which the verdicts fit and extrapolate away. Slopes: weighted log-log fits with the noise as σ.',
        xTitle: 'width factor',
        yTitle: 'relative error of the mean',
        rows,
        fits,
        reference: { slope: -1, label: 'slope −1' },
        columns: 4,
        faint: ['NNGP noise', 'NTK noise'],
      }),
    );
  for (const c of s.cases) {
    const last = c.estimates[c.estimates.length - 1];
    for (const k of ['nngp', 'ntk'] as const) {
      if (!last?.[k]) continue;
      plots.push(
        heatmapTriptych({
          name: `heatmap-${c.name}-${k}`.replace(/[^A-Za-z0-9_.-]/g, '_'),
          title: `${c.name}: ${k.toUpperCase()} analytic, empirical at ×${last.scale}, difference`,
          caption: `Mean of ${last.networks} networks at width factor ×${last.scale}.`,
          analytic: c.analytic[k],
          empirical: last[k]!,
          labels: rowLabels(c.analytic.M, c.analytic.T),
        }),
      );
    }
  }
  return plots;
}

export function validateBlocks(r: Results, plots: readonly Plot[]): Block[] {
  const s = validateOf(r);
  const failed = r.checks.filter((c) => c.status === 'failed');
  const undecided = r.checks.filter((c) => c.status === 'inconclusive');
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: r.title },
    {
      kind: 'paragraph',
      text: `Generated by \`${r.command}\` with ${r.tool.name} ${r.tool.version} (Node ${r.tool.node}, backend \`${r.backend}\`) in ${r.seconds.toFixed(0)} s${s.suite ? ` from the suite \`${s.suite}\`` : ''}; family-wise α = ${s.alpha}. Data: \`results.json\` (docs/results-schema.md).`,
    },
    failed.length
      ? { kind: 'note', tone: 'fail', text: `${failed.length} of ${r.checks.length} checks failed.` }
      : undecided.length
        ? { kind: 'note', tone: 'warn', text: `${r.checks.length - undecided.length} of ${r.checks.length} checks passed; ${undecided.length} inconclusive (they neither pass nor fail).` }
        : { kind: 'note', tone: 'ok', text: `All ${r.checks.length} checks passed.` },
  ];
  if (!r.complete) blocks.push({ kind: 'note', tone: 'warn', text: 'Interrupted: only the cases below were run.' });
  if (r.baseline) {
    const b = r.baseline;
    blocks.push(
      { kind: 'heading', level: 2, text: 'Baseline comparison' },
      {
        kind: 'paragraph',
        text: `Against \`${b.file}\`: ${b.compared.exact} analytic entries compared exactly (float64 round-off), ${b.compared.monteCarlo} Monte-Carlo entries by z-test with Holm's correction at α = ${b.alpha}.`,
      },
      b.drift ? { kind: 'note', tone: 'fail', text: 'Drift from the baseline.' } : { kind: 'note', tone: 'ok', text: 'No significant drift from the baseline.' },
    );
    if (b.findings.length) blocks.push({ kind: 'table', head: ['', 'case', 'kind', 'finding'], rows: b.findings.map((f) => [f.drift ? 'drift' : 'ok', f.case, f.kind, f.message]) });
  }
  blocks.push(
    { kind: 'heading', level: 2, text: 'Verdicts' },
    {
      kind: 'paragraph',
      text: 'Each verdict fits K(w) = K∞ + a/w per entry over the width factors and tests K∞ against the kernel jointly (max|z| over entries, its null from the estimated covariance between entries; docs/verdicts.md). "detects": the smallest relative kernel error caught with probability 0.9 at the verdict\'s level, for an error over the whole kernel / in one typical entry. "bias fit": χ²/dof of the 1/width model and its p-value. "bias rate": exponent of the relative bias against width (theory −1).',
    },
    verdictTable(r),
    ...verdictNotes(r),
    { kind: 'heading', level: 2, text: 'Plots' },
    ...plots.map((p): Block => ({ kind: 'figure', name: p.name, title: p.title, caption: p.caption, svg: '' })),
    { kind: 'heading', level: 2, text: 'Reproduce' },
    { kind: 'code', lang: 'sh', text: r.command },
  );
  return blocks;
}
