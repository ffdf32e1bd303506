/**
 * Results, checks, plots and text of a training run (`infinite-attention train … --report DIR`):
 * per grid configuration (attention scaling × positional embedding), the analytic prediction of
 * f_t, the trained ensembles at each width factor, the verdict per step; the claims the grid can
 * test; f_t over training time against the prediction with bands; the test error of the trained
 * networks against the infinite-width predictors as width (and heads) grow.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Block } from './document.ts';
import { heatmapTriptych, seriesColors, type Plot } from './plots.ts';
import { scalarFields } from './validateReport.ts';
import { toNested, type Check, type Estimate, type Results } from '../results/schema.ts';
import { stepLabelJSON, stepToJSON, type StepJSON, type TrainConfigResult, type TrainSection } from '../results/trainSchema.ts';
import { normalQuantile } from '../stats/normalQuantile.ts';
import { normalSurvival } from '../stats/normalSurvival.ts';
import { describeWidths, scaleSpec } from '../layers/scale.ts';
import type { TrainingCaseDefinition, TrainingCaseResult } from '../training/case.ts';
import type { ExtraMember } from '../validation/family.ts';
import { predictFromKernel } from '../training/analytic.ts';
import { augmentedMoment } from '../training/verdict.ts';
import { stabilityLimit, trainingKernel, trainingSpectrum } from '../training/predict.ts';
import { trainingKernels } from '../training/analytic.ts';

const est = (value: number, se: number): Estimate => ({ value, se });

/** The t = ∞ test and training errors of the NTK (every parameter) and NNGP-posterior (readout) predictors. */
function references(c: TrainingCaseDefinition, r: TrainingCaseResult): TrainConfigResult['references'] {
  const { Q, n, kernel } = r.analytic;
  const one = (mode: 'all' | 'readout') => {
    // t = ∞ does not depend on η; any stable one passes the check.
    const s = trainingSpectrum(trainingKernel(trainingKernels(kernel, Q, n), mode), Q, n, c.ridge ?? 0);
    const [p] = predictFromKernel(kernel, Q, n, c.task.targets, [Infinity], { mode, lr: 0.5 * stabilityLimit(s), ridge: c.ridge ?? 0 }, undefined, c.task.testTargets);
    return { trainError: est(p.errors.train.value, p.errors.train.se), testError: p.errors.test ? est(p.errors.test.value, p.errors.test.se) : null };
  };
  return { ntk: one('all'), nngp: one('readout') };
}

const pointLabel = (z: number, n: number) => (z < n ? `train ${z}` : `test ${z - n}`);

/** One grid configuration's results, JSON-ready, with the family's decision on its verdicts. */
export function trainConfigResult(
  c: TrainingCaseDefinition,
  r: TrainingCaseResult,
  members: readonly ExtraMember[],
  grid: { readonly scaling: string | null; readonly posEmb: boolean } = { scaling: null, posEmb: true },
): TrainConfigResult {
  const { Q, n, spectrum } = r.analytic;
  const last = r.verdicts.length - 1;
  const lastEnsemble = r.ensembles[r.ensembles.length - 1];
  const p = r.probe.length + 1;
  const pred = r.analytic.predictions[last];
  return {
    name: c.name,
    scaling: grid.scaling,
    posEmb: grid.posEmb,
    scaleHeads: c.scaleHeads ?? false,
    spec: c.spec,
    spectrum: { max: spectrum.max, min: spectrum.min, condition: Number.isFinite(spectrum.condition) ? spectrum.condition : null, nullity: spectrum.nullity, limit: spectrum.limit },
    infinityStep: r.infinityStep,
    kernelSamples: r.analytic.kernel.samples,
    probe: [...r.probe],
    seconds: r.seconds,
    predictions: r.analytic.predictions.map((pr) => ({
      step: stepToJSON(pr.step),
      mean: Array.from(pr.mean),
      meanSE: pr.meanSE ? Array.from(pr.meanSE) : null,
      variance: Array.from({ length: Q }, (_, z) => pr.covariance[z * Q + z]),
      trainError: est(pr.errors.train.value, pr.errors.train.se),
      testError: pr.errors.test ? est(pr.errors.test.value, pr.errors.test.se) : null,
    })),
    references: references(c, r),
    ensembles: r.ensembles.map((e) => ({
      scale: e.scale,
      widths: describeWidths(scaleSpec(c.spec, { width: e.scale, heads: c.scaleHeads ? e.scale : 1 })),
      networks: e.result.networks,
      seed: e.seed,
      seconds: e.result.seconds,
      unstable: e.result.unstable,
      steps: e.result.accumulators.map((a) => {
        const m = a.errors.mean;
        const se = a.errors.standardError();
        return {
          step: stepToJSON(a.step),
          mean: Array.from(a.outputs.mean),
          se: Array.from(a.outputs.standardError()),
          trainError: est(m[0], se[0]),
          testError: a.errors.dim > 1 ? est(m[1], se[1]) : null,
        };
      }),
    })),
    verdicts: r.verdicts.map((v, k) => {
      const member = members[k];
      return {
        ...scalarFields(v),
        step: stepToJSON(v.step),
        inconclusive: v.inconclusive ? v.inconclusive.map((i) => `${i.code}: ${i.reason}`).join('; ') : null,
        ...(member ? { familyRejected: member.rejected, familyAdjustedP: Number.isNaN(member.adjusted) ? null : member.adjusted, status: member.status } : {}),
      };
    }),
    lastMoments: {
      step: stepToJSON(pred.step),
      analytic: toNested(augmentedMoment(pred.mean, pred.secondMoment, Q, r.probe), p),
      empirical: toNested(lastEnsemble.result.accumulators[last].moments.mean, p),
      labels: ['1', ...r.probe.map((z) => pointLabel(z, n))],
    },
  };
}

const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const pm = (e: Estimate | null, d = 3) => (e ? `${fmt(e.value, d)} ± ${fmt(e.se, d)}` : '—');

/**
 * The claims the grid can test, each a one-sided z-test at `alpha`:
 * - positional embeddings lower the test error on the order-dependent task (trained networks at
 *   the largest width, and the prediction), for every scaling run with and without them;
 * - the trained networks' test error approaches the prediction as width (and heads) grow: the
 *   gap at the smallest width against the gap at the largest. Where the gap at the smallest
 *   width is itself within noise there is nothing to show and the check is skipped, saying so.
 * Verdicts are checks of their own (one per configuration and step).
 */
export function trainClaims(s: TrainSection, alpha: number): Check[] {
  const z = normalQuantile(1 - alpha);
  const checks: Check[] = [];
  const lastStep = s.config.steps[s.config.steps.length - 1];
  const at = (c: TrainConfigResult) => ({
    pred: c.predictions[c.predictions.length - 1],
    ensembles: c.ensembles.map((e) => ({ scale: e.scale, step: e.steps[e.steps.length - 1] })),
  });
  const claim = (name: string, stat: number, message: string, details: Record<string, number | string>, skip?: string) =>
    checks.push({
      group: 'claims',
      name,
      status: skip ? 'skipped' : stat > z ? 'passed' : 'failed',
      message: skip ?? `${message}; z = ${fmt(stat, 2)} (needs > ${fmt(z, 2)}, one-sided α = ${alpha})`,
      details: { z: stat, pValue: normalSurvival(stat), alpha, ...details },
    });
  if (!s.task.testTargets) return checks;
  const byScaling = new Map<string, TrainConfigResult[]>();
  for (const c of s.configs) byScaling.set(c.scaling ?? 'spec', [...(byScaling.get(c.scaling ?? 'spec') ?? []), c]);
  for (const [scaling, group] of byScaling) {
    const on = group.find((c) => c.posEmb);
    const off = group.find((c) => !c.posEmb);
    if (!on || !off) continue;
    const a = at(on);
    const b = at(off);
    const ea = a.ensembles[a.ensembles.length - 1];
    const eb = b.ensembles[b.ensembles.length - 1];
    if (ea.step.testError && eb.step.testError) {
      const d = eb.step.testError.value - ea.step.testError.value;
      claim(
        `${scaling}: positional embeddings lower the trained networks' test error (order-dependent task)`,
        d / Math.hypot(eb.step.testError.se, ea.step.testError.se),
        `test MSE at t=${stepLabelJSON(lastStep)}, width ×${ea.scale}: ${pm(ea.step.testError)} with, ${pm(eb.step.testError)} without`,
        { with: ea.step.testError.value, without: eb.step.testError.value },
      );
    }
    if (a.pred.testError && b.pred.testError) {
      const d = b.pred.testError.value - a.pred.testError.value;
      const se = Math.hypot(a.pred.testError.se, b.pred.testError.se);
      claim(
        `${scaling}: positional embeddings lower the predicted test error`,
        se > 0 ? d / se : d > 0 ? Infinity : -Infinity,
        `expected test MSE of the infinite-width prediction at t=${stepLabelJSON(lastStep)}: ${pm(a.pred.testError)} with, ${pm(b.pred.testError)} without${se === 0 ? ' (closed-form kernels: exact)' : ''}`,
        { with: a.pred.testError.value, without: b.pred.testError.value },
      );
    }
  }
  for (const c of s.configs) {
    const { pred, ensembles } = at(c);
    if (ensembles.length < 2 || !pred.testError) continue;
    const small = ensembles[0];
    const large = ensembles[ensembles.length - 1];
    if (!small.step.testError || !large.step.testError) continue;
    const gs = small.step.testError.value - pred.testError.value;
    const gl = large.step.testError.value - pred.testError.value;
    const resolved = Math.abs(gs) / Math.hypot(small.step.testError.se, pred.testError.se) > z;
    claim(
      `${c.name}: the trained networks' test error approaches the prediction as ${c.scaleHeads ? 'width and heads grow' : 'width grows'}`,
      (Math.abs(gs) - Math.abs(gl)) / Math.hypot(small.step.testError.se, large.step.testError.se),
      `gap to the predicted ${pm(pred.testError)} at t=${stepLabelJSON(lastStep)}: ${fmt(gs)} ± ${fmt(small.step.testError.se)} at ×${small.scale}, ${fmt(gl)} ± ${fmt(large.step.testError.se)} at ×${large.scale}`,
      { gapSmall: gs, gapLarge: gl },
      resolved ? undefined : `nothing to show: at ×${small.scale} the test error ${pm(small.step.testError)} is already within noise of the prediction ${pm(pred.testError)}`,
    );
  }
  return checks;
}

/** One check per verdict (group: the configuration), failed when the family rejects, skipped when inconclusive. */
export function trainVerdictChecks(s: TrainSection): Check[] {
  return s.configs.flatMap((c) =>
    c.verdicts.map((v): Check => {
      const status = v.status === 'inconclusive' ? 'skipped' : v.familyRejected === true || (v.familyRejected === undefined && v.rejected === true) ? 'failed' : 'passed';
      const p = typeof v.pValue === 'number' ? v.pValue.toExponential(1) : '?';
      const holm = typeof v.familyAdjustedP === 'number' ? `, Holm p ${v.familyAdjustedP.toExponential(1)}` : '';
      const power = typeof v.detectableRelativeError === 'number' ? `, detects ≥ ${(100 * v.detectableRelativeError).toFixed(1)} %` : '';
      const details = Object.fromEntries(Object.entries(v).filter(([, x]) => x === null || typeof x !== 'object')) as Record<string, number | string | boolean | null>;
      return {
        group: c.name,
        name: `f_t at t=${stepLabelJSON(v.step as StepJSON)}`,
        status,
        message: status === 'skipped' ? `inconclusive: ${String(v.inconclusive)}` : `max|z| ${typeof v.statistic === 'number' ? v.statistic.toFixed(2) : '?'}, p ${p}${holm}${power}`,
        details,
        seconds: c.seconds / c.verdicts.length,
      };
    }),
  );
}

function trainOf(r: Results): TrainSection {
  if (!r.train) throw new Error('results have no train section');
  return r.train;
}

/** f_t at a few points over the recorded steps: the prediction (line, ±1.96 sd band over networks) and the ensemble means (points, ±1.96 SE). */
function trajectoryPlot(c: TrainConfigResult, s: TrainSection, maxPoints = 4): Plot {
  const n = s.task.n;
  const Q = n + s.task.q;
  const points = [...Array.from({ length: Math.min(maxPoints - 1, s.task.q) }, (_, i) => n + i), 0].filter((z) => z < Q);
  const steps = c.predictions.map((p) => stepLabelJSON(p.step));
  const data: Record<string, unknown>[] = [];
  for (const z of points) {
    const panel = pointLabel(z, n) + (z >= n && s.task.testTargets ? ` (y = ${fmt(s.task.testTargets[z - n], 2)})` : z < n ? ` (y = ${fmt(s.task.targets[z], 2)})` : '');
    c.predictions.forEach((p, k) => {
      const sd = Math.sqrt(Math.max(0, p.variance[z]));
      data.push({ kind: 'prediction', panel, step: steps[k], series: 'predicted', y: p.mean[z], lo: p.mean[z] - 1.96 * sd, hi: p.mean[z] + 1.96 * sd });
    });
    for (const e of c.ensembles)
      e.steps.forEach((st, k) => data.push({ kind: 'ensemble', panel, step: steps[k], series: `trained ×${e.scale}`, y: st.mean[z], lo: st.mean[z] - 1.96 * st.se[z], hi: st.mean[z] + 1.96 * st.se[z] }));
  }
  const series = ['predicted', ...c.ensembles.map((e) => `trained ×${e.scale}`)];
  const x = { field: 'step', type: 'ordinal' as const, sort: steps, title: 'gradient step t', axis: { labelAngle: 0 } };
  const color = { field: 'series', type: 'nominal' as const, title: null, scale: seriesColors(series), legend: { orient: 'top' as const, direction: 'horizontal' as const } };
  const spec = {
    title: `${c.name}: f_t over training, predicted and trained`,
    data: { values: data },
    facet: { column: { field: 'panel', type: 'nominal', title: null, sort: points.map((z) => pointLabel(z, n)) } },
    spec: {
      width: 200,
      height: 200,
      layer: [
        { transform: [{ filter: "datum.kind === 'prediction'" }], mark: { type: 'area', opacity: 0.15, color: '#888' }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: 'f_t' }, y2: { field: 'hi' } } },
        { transform: [{ filter: "datum.kind === 'prediction'" }], mark: { type: 'line', point: true, strokeDash: [4, 3] }, encoding: { x, y: { field: 'y', type: 'quantitative' }, color } },
        { transform: [{ filter: "datum.kind === 'ensemble'" }], mark: { type: 'rule' }, encoding: { x, xOffset: { field: 'series' }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } },
        { transform: [{ filter: "datum.kind === 'ensemble'" }], mark: { type: 'point', filled: true, size: 30 }, encoding: { x, xOffset: { field: 'series' }, y: { field: 'y', type: 'quantitative' }, color } },
      ],
    },
  } as unknown as TopLevelSpec;
  return {
    name: `trajectory-${c.name}`.replace(/[^A-Za-z0-9_.-]+/g, '_'),
    title: `${c.name}: f_t over training`,
    caption: `Per point, the predicted mean of f_t (dashed) with a band of ±1.96 standard deviations of f_t across networks (grey: where 95 % of trained networks should lie), and the mean of the trained ensembles at each width factor with ±1.96 SE of that mean. The ensembles' means should close in on the dashed line as width${c.scaleHeads ? ' and heads' : ''} grow.`,
    spec,
  };
}

/** Test MSE against the width factor: trained ensembles (points, ±1.96 SE, solid) and the prediction (dashed), one colour per configuration. */
function testErrorPlot(s: TrainSection): Plot {
  const data: Record<string, unknown>[] = [];
  for (const c of s.configs) {
    const pred = c.predictions[c.predictions.length - 1].testError;
    for (const e of c.ensembles) {
      const te = e.steps[e.steps.length - 1].testError;
      if (te) data.push({ kind: 'trained', config: c.name, x: e.scale, y: te.value, lo: te.value - 1.96 * te.se, hi: te.value + 1.96 * te.se });
      if (pred) data.push({ kind: 'predicted', config: c.name, x: e.scale, y: pred.value });
    }
  }
  const widths = [...new Set(s.config.widths)].sort((a, b) => a - b);
  const x = { field: 'x', type: 'quantitative' as const, title: 'width factor', scale: { type: 'log' as const, domain: [widths[0] / 1.25, widths[widths.length - 1] * 1.25], nice: false }, axis: { values: widths, format: '~g' } };
  const color = { field: 'config', type: 'nominal' as const, title: null, scale: seriesColors(s.configs.map((c) => c.name)), legend: { orient: 'right' as const } };
  const y = { field: 'y', type: 'quantitative' as const, title: 'test MSE' };
  const spec = {
    title: `Test error against width${s.configs.some((c) => c.scaleHeads) ? ' (and heads, under sqrt scaling)' : ''}, t = ${stepLabelJSON(s.config.steps[s.config.steps.length - 1])}`,
    width: 420,
    height: 260,
    data: { values: data },
    layer: [
      { transform: [{ filter: "datum.kind === 'predicted'" }], mark: { type: 'line', strokeDash: [5, 4], strokeWidth: 1.5 }, encoding: { x, y, color } },
      { transform: [{ filter: "datum.kind === 'trained'" }], mark: { type: 'rule' }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } },
      { transform: [{ filter: "datum.kind === 'trained'" }], mark: { type: 'line', point: true }, encoding: { x, y, color } },
    ],
  } as unknown as TopLevelSpec;
  return {
    name: 'test-error-vs-width',
    title: 'Test error against width',
    caption: `Per configuration (colour): the mean over trained networks of the test MSE with ±1.96 SE (solid, points) against the width factor, and the infinite-width prediction of the same quantity (dashed; ${s.config.mode === 'readout' ? 'readout training: the NNGP' : 'every parameter: the NTK dynamics'}). Heads grow with the width factor wherever attention is sqrt-scaled.`,
    spec,
  };
}

export function trainPlots(r: Results): Plot[] {
  const s = trainOf(r);
  const plots: Plot[] = [];
  for (const c of s.configs) plots.push(trajectoryPlot(c, s));
  if (s.task.testTargets && s.config.widths.length > 1) plots.push(testErrorPlot(s));
  for (const c of s.configs)
    plots.push(
      heatmapTriptych({
        name: `moments-${c.name}`.replace(/[^A-Za-z0-9_.-]+/g, '_'),
        title: `${c.name}: E[u uᵀ], u = (1, f_t), at t = ${stepLabelJSON(c.lastMoments.step)}`,
        caption: `Row and column 0 hold the mean of f_t, the rest its second moment, at the probe points: predicted, the trained ensemble's at width ×${c.ensembles[c.ensembles.length - 1]?.scale}, and their difference (the verdicts extrapolate the widths to the limit before comparing).`,
        analytic: c.lastMoments.analytic,
        empirical: c.lastMoments.empirical,
        labels: c.lastMoments.labels,
      }),
    );
  return plots;
}

export function trainBlocks(r: Results, plots: readonly Plot[]): Block[] {
  const s = trainOf(r);
  const claims = r.checks.filter((c) => c.group === 'claims');
  const verdicts = r.checks.filter((c) => c.group !== 'claims');
  const failed = r.checks.filter((c) => c.status === 'failed');
  const cfg = s.config;
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: r.title },
    {
      kind: 'paragraph',
      text: `Generated by \`${r.command}\` with ${r.tool.name} ${r.tool.version} (Node ${r.tool.node}, backend \`${r.backend}\`) in ${r.seconds.toFixed(0)} s. ${cfg.mode === 'readout' ? 'The dense readout alone is trained (its infinite-width limit: the NNGP posterior at t = ∞)' : 'Every parameter is trained by full-batch gradient descent (its infinite-width limit: the NTK dynamics)'} on ½‖f(X) − Y‖²${cfg.ridge ? ` + ½λ‖θ − θ₀‖², λ = ${cfg.ridge}` : ''}, η = ${cfg.lr}, recorded at t = ${cfg.steps.map(stepLabelJSON).join(', ')}; ${cfg.networks} networks per width factor ×${cfg.widths.join(', ×')}, seed ${cfg.seed}. Derivations: docs/training.md. Data: \`results.json\` (docs/results-schema.md).`,
    },
    failed.length ? { kind: 'note', tone: 'fail', text: `${failed.length} of ${r.checks.length} checks failed.` } : { kind: 'note', tone: 'ok', text: `All ${r.checks.length - r.checks.filter((c) => c.status === 'skipped').length} decided checks passed.` },
  ];
  if (!r.complete) blocks.push({ kind: 'note', tone: 'warn', text: 'Interrupted: only the configurations below were run.' });
  blocks.push(
    { kind: 'heading', level: 2, text: 'Claims' },
    {
      kind: 'paragraph',
      text: claims.length
        ? 'Each claim the grid can test, as a one-sided z-test on independent estimates (configurations and widths have their own seeds). "skipped": the data cannot show it either way.'
        : 'This grid supports no claim beyond the verdicts (claims need test targets, and positional embeddings with and without them, or several widths).',
    },
    ...(claims.length ? [{ kind: 'table' as const, head: ['status', 'claim', 'result'], rows: claims.map((c) => [c.status, c.name, c.message]) }] : []),
    { kind: 'heading', level: 2, text: 'Verdicts' },
    {
      kind: 'paragraph',
      text: 'Per configuration and recorded step, the mean and second moment of f_t at the probe points (the outer product of (1, f_t)) over the trained ensembles, fitted over the width factors by K(w) = K∞ + a/w and tested against the prediction jointly (max|z|, the null from the estimated covariance between entries; docs/verdicts.md). All verdicts form one Holm family; "skipped" = inconclusive (the reason is given).',
    },
    { kind: 'table', head: ['status', 'configuration', 'step', 'result'], rows: verdicts.map((c) => [c.status, c.group, c.name.replace(/^f_t at /, ''), c.message]) },
    { kind: 'heading', level: 2, text: 'Test error' },
    {
      kind: 'paragraph',
      text: 'Mean squared error over the test inputs: expected for a network trained in the infinite-width limit (the prediction: (μ − y)² + Var f, averaged), and measured over the trained networks at each width (mean ± SE). The last two columns: the two infinite-width predictors at t = ∞, gradient descent on every parameter (NTK) and the NNGP posterior (readout).',
    },
    {
      kind: 'table',
      head: ['configuration', 'step', 'predicted', ...cfg.widths.map((w) => `trained ×${w}`), 'NTK t=∞', 'NNGP t=∞'],
      align: ['l', 'r', 'r', ...cfg.widths.map(() => 'r' as const), 'r', 'r'],
      rows: s.configs.flatMap((c) =>
        c.predictions.map((p, k) => [
          c.name,
          stepLabelJSON(p.step),
          pm(p.testError),
          ...c.ensembles.map((e) => pm(e.steps[k].testError)),
          k === c.predictions.length - 1 ? pm(c.references.ntk.testError) : '',
          k === c.predictions.length - 1 ? pm(c.references.nngp.testError) : '',
        ]),
      ),
    },
    { kind: 'heading', level: 2, text: 'Plots' },
    ...plots.map((p): Block => ({ kind: 'figure', name: p.name, title: p.title, caption: p.caption, svg: '' })),
    { kind: 'heading', level: 2, text: 'Setup' },
    {
      kind: 'list',
      items: [
        `Task: ${s.task.inputs ? `\`${s.task.inputs}\`, ` : ''}${s.task.n} training and ${s.task.q} test inputs${s.task.test ? ` (\`${s.task.test}\`)` : ''} of up to T = ${s.task.T} positions, d = ${s.task.d} channels${s.task.masked ? ', masked' : ''}; ${s.task.testTargets ? 'test targets given' : 'no test targets'}.`,
        ...s.configs.map(
          (c) =>
            `**${c.name}**: λ_max = ${c.spectrum.max.toPrecision(4)}, λ_min = ${c.spectrum.min.toPrecision(4)}, condition number ${c.spectrum.condition === null ? '∞ (singular: pseudo-inverse)' : c.spectrum.condition.toPrecision(3)}, stability limit 2/λ_max = ${c.spectrum.limit.toPrecision(4)} (η = ${cfg.lr} is ${(cfg.lr / c.spectrum.limit).toFixed(2)} of it)${c.infinityStep !== null ? `; t = ∞ run as ${c.infinityStep} gradient steps` : ''}; kernel ${c.kernelSamples ? `sampled (${c.kernelSamples} logit draws; its SE enters every prediction)` : 'closed-form'}; heads ${c.scaleHeads ? 'grow with the width factor' : 'fixed'}; widths run: ${c.ensembles.map((e) => `×${e.scale} \`${e.widths}\``).join(', ')}${c.ensembles.some((e) => e.unstable) ? `; unstable networks (own readout kernel past 2/η): ${c.ensembles.map((e) => e.unstable).join(', ')}` : ''}.`,
        ),
      ],
    },
    { kind: 'code', lang: 'json', text: `{"layers": [\n${s.spec.layers.map((l) => `  ${JSON.stringify(l)}`).join(',\n')}\n]}` },
    { kind: 'heading', level: 2, text: 'Reproduce' },
    { kind: 'code', lang: 'sh', text: r.command },
  );
  return blocks;
}
