/** The plots and text of a sweep report. */
import type { Block } from './document.ts';
import { fitSlope, seriesPoints } from './claims.ts';
import { errorBarPlot, heatmapTriptych, histogramPlot, logLogPlot, qqPlot, type Plot, type SeriesFit, type SeriesRow } from './plots.ts';
import type { Results, SweepPoint, SweepSection } from '../results/schema.ts';

const KERNELS = [
  ['nngp', 'NNGP'],
  ['ntk', 'NTK'],
] as const;

export function rowLabels(M: number, T: number): string[] {
  return Array.from({ length: M * T }, (_, a) => (T === 1 ? `x${a}` : `x${Math.floor(a / T)}·${a % T}`));
}

function sweepOf(r: Results): SweepSection {
  if (!r.sweep) throw new Error('results have no sweep section');
  return r.sweep;
}

/** Panels for histograms/QQ: per scaling, the fewest and the most heads of the heads series. */
function outputPanels(s: SweepSection): { panel: string; values: readonly number[] }[] {
  const out: { panel: string; values: readonly number[] }[] = [];
  // sqrt first: it is the case where one head stays non-Gaussian.
  const order = [...s.config.scalings].sort((a, b) => (a === 'sqrt' ? -1 : b === 'sqrt' ? 1 : a.localeCompare(b)));
  for (const scaling of order) {
    const H = seriesPoints(s, scaling, 'heads');
    const picks = H.length > 1 ? [H[0], H[H.length - 1]] : H;
    for (const p of picks)
      out.push({ panel: `${scaling} H=${p.heads} (kurtosis ${p.outputs.excessKurtosis.value.toFixed(2)} ± ${p.outputs.excessKurtosis.se.toFixed(2)})`, values: p.outputs.samples });
  }
  return out;
}

export function sweepPlots(r: Results): Plot[] {
  const s = sweepOf(r);
  const plots: Plot[] = [];
  const series = (which: 'heads' | 'width', metric: (p: SweepPoint, k: 'nngp' | 'ntk') => { value: number; se: number }, kernels: readonly (readonly ['nngp' | 'ntk', string])[] = KERNELS) => {
    const rows: SeriesRow[] = [];
    const fits: SeriesFit[] = [];
    for (const scaling of s.config.scalings) {
      const pts = seriesPoints(s, scaling, which);
      const xs = pts.map((p) => (which === 'heads' ? p.heads : p.width));
      for (const [k, K] of kernels) {
        const ys = pts.map((p) => metric(p, k));
        pts.forEach((_, i) => rows.push({ series: scaling, panel: K, x: xs[i], y: ys[i].value, se: ys[i].se }));
        fits.push({ series: scaling, panel: K, fit: fitSlope(xs, ys), xs });
      }
    }
    return { rows, fits };
  };

  // A plot needs two x values of one series; an interrupted sweep may not have them yet.
  const enough = (rows: readonly SeriesRow[]) => new Set(rows.map((r) => r.x)).size > 1;
  const eh = series('heads', (p, k) => p[k].perNetworkError);
  if (enough(eh.rows))
    plots.push(
      logLogPlot({
        name: 'error-vs-heads',
        title: `Single-network kernel error against heads (width ×${s.config.baseWidth})`,
        caption: `RMS over networks of ‖K̂ − K‖/‖K‖ for one network's empirical kernel against the analytic kernel, with 95 % bands (batch means over ${s.config.shards} shards) and the fitted log-log slope (dashed). The GP limit as heads grow: under sqrt scaling it falls like H^(−1/2).`,
        xTitle: 'heads H',
        yTitle: 'relative error of one network',
        rows: eh.rows,
        fits: eh.fits,
        reference: { slope: -0.5, label: 'slope −1/2' },
      }),
    );
  const ew = series('width', (p, k) => p[k].perNetworkError);
  if (enough(ew.rows))
    plots.push(
      logLogPlot({
        name: 'error-vs-width',
        title: `Single-network kernel error against width (H=${s.config.baseHeads})`,
        caption: `The same error against the width factor at ${s.config.baseHeads} head(s). Linear scaling concentrates with width (slope → −1/2); under sqrt scaling the random logits keep one network's kernel away from its mean at any width (slope → 0).`,
        xTitle: 'width factor',
        yTitle: 'relative error of one network',
        rows: ew.rows,
        fits: ew.fits,
        reference: { slope: -0.5, label: 'slope −1/2' },
      }),
    );
  if (enough(eh.rows)) {
    const rows: SeriesRow[] = [];
    const refs: { series: string; x: number; y: number }[] = [];
    for (const scaling of s.config.scalings) {
      const pts = seriesPoints(s, scaling, 'heads');
      for (const p of pts) rows.push({ series: scaling, x: p.heads, y: p.outputs.meanExcessKurtosis.value, se: p.outputs.meanExcessKurtosis.se });
      if (scaling === 'sqrt' && pts.length > 1) {
        const k1 = pts[0].outputs.meanExcessKurtosis.value;
        for (const p of pts) refs.push({ series: 'sqrt, theory ∝ 1/H', x: p.heads, y: (k1 * pts[0].heads) / p.heads });
      }
    }
    plots.push(
      errorBarPlot({
        name: 'kurtosis-vs-heads',
        title: 'Excess kurtosis of the outputs against heads',
        caption: `Excess kurtosis of a network's output (channel 0), averaged over the valid output rows, with 95 % error bars (delete-a-shard jackknife). 0 is Gaussian. Under sqrt scaling one head is a scale mixture of Gaussians (positive kurtosis at any width) and the kurtosis falls like 1/H (dashed: the H=${Math.min(...s.config.heads)} value scaled by 1/H).`,
        xTitle: 'heads H',
        yTitle: 'excess kurtosis',
        rows,
        references: refs,
      }),
    );
    const v = series('heads', (p) => p.ntk.relativeVariance, [['ntk', 'NTK']] as const);
    plots.push(
      logLogPlot({
        name: 'ntk-variance-vs-heads',
        title: `Per-network NTK variance against heads (width ×${s.config.baseWidth})`,
        caption: 'Σ over entries of the variance of one network\'s empirical NTK, relative to ‖Θ‖², with 95 % bands and fitted slopes. Under sqrt scaling the NTK stays random at fixed H and its variance falls like 1/H.',
        xTitle: 'heads H',
        yTitle: 'Σ Var(Θ̂) / ‖Θ‖²',
        rows: v.rows.map((r) => ({ ...r, panel: undefined })),
        fits: v.fits.map((f) => ({ ...f, panel: undefined })),
        reference: { slope: -1, label: 'slope −1' },
      }),
    );
  }
  const panels = outputPanels(s);
  if (panels.length) {
    plots.push(
      histogramPlot({
        name: 'output-histograms',
        title: 'Outputs at one head and at many',
        caption: `Histogram of one output (channel 0 at row ${s.points[0]?.outputs.entry ?? 0}) over the networks, standardised, with the N(0, 1) density in red.`,
        samples: panels,
      }),
      qqPlot({
        name: 'output-qq',
        title: 'Normal QQ plots of the outputs',
        caption: 'Sorted standardised outputs against normal quantiles (Blom positions). A Gaussian sample lies on the dashed diagonal; heavy tails (positive kurtosis) bend away from it at both ends.',
        samples: panels,
      }),
    );
  }
  for (const scaling of s.config.scalings) {
    const H = seriesPoints(s, scaling, 'heads');
    const p = H[H.length - 1] ?? seriesPoints(s, scaling, 'width').at(-1);
    const K = s.kernels.find((k) => k.scaling === scaling);
    if (!p || !K) continue;
    for (const [k, name] of KERNELS)
      plots.push(
        heatmapTriptych({
          name: `heatmap-${scaling}-${k}`,
          title: `${name}, ${scaling} scaling: analytic, empirical at H=${p.heads} ×${p.width}, difference`,
          caption: `Rows and columns are (input·position) pairs. Empirical: the mean of ${p.networks} networks; its Monte-Carlo noise is ${(100 * p[k].noiseFloor).toFixed(1)} % of ‖K‖ and the observed difference ${(100 * p[k].meanError).toFixed(1)} %.`,
          analytic: K[k],
          empirical: p.empirical[k],
          labels: rowLabels(K.M, K.T),
        }),
      );
  }
  return plots;
}

const pm = (e: { value: number; se: number }, d = 3) => `${e.value.toFixed(d)} ± ${Number.isFinite(e.se) ? e.se.toFixed(d) : '?'}`;

export function sweepBlocks(r: Results, plots: readonly Plot[]): Block[] {
  const s = sweepOf(r);
  const c = s.config;
  const failed = r.checks.filter((x) => x.status === 'failed');
  const undecided = r.checks.filter((x) => x.status === 'inconclusive');
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: r.title },
    {
      kind: 'paragraph',
      text: `Generated by \`${r.command}\` with ${r.tool.name} ${r.tool.version} (Node ${r.tool.node}, backend \`${r.backend}\`) in ${r.seconds.toFixed(0)} s. ${c.networks} networks per grid point in ${c.shards} independent shards, seed ${c.seed}. The data behind every plot and table is in \`results.json\` (schema: docs/results-schema.md).`,
    },
  ];
  if (!r.complete)
    blocks.push({
      kind: 'note',
      tone: 'warn',
      text: `Interrupted: ${s.points.filter((p) => !p.partial).length} of ${s.points.filter((p) => !p.partial).length + s.pending.length} grid points done${s.points.some((p) => p.partial) ? ` (and ${s.points.filter((p) => p.partial).map((p) => `${p.scaling} H=${p.heads} ×${p.width} with ${p.networks} networks`).join(', ')} in part)` : ''}; not finished: ${s.pending.map((p) => `${p.scaling} H=${p.heads} ×${p.width}`).join(', ')}.`,
    });
  blocks.push(
    failed.length
      ? { kind: 'note', tone: 'fail', text: `${failed.length} of ${r.checks.length} claims contradicted by this run.` }
      : undecided.length
        ? { kind: 'note', tone: 'warn', text: `${r.checks.length - undecided.length} of ${r.checks.length} claims hold on this run; ${undecided.length} inconclusive (too little power to see the predicted effect).` }
        : { kind: 'note', tone: 'ok', text: `All ${r.checks.length} claims hold on this run.` },
    { kind: 'heading', level: 2, text: 'Claims' },
    {
      kind: 'paragraph',
      text: 'Each claim of the infinite-attention theory that the grid can test, as a one-sided test (on a fitted log-log slope, or on the difference of two independent estimates) against Student\'s t with one degree of freedom less than the shards behind its standard errors. A claim passes when "no effect" is rejected, fails only when the effect the theory predicts is itself rejected at the same level, and is otherwise inconclusive, with the power it had to see the predicted effect.',
    },
    { kind: 'table', head: ['status', 'claim', 'result'], rows: r.checks.map((x) => [x.status, x.name, x.message]) },
    { kind: 'heading', level: 2, text: 'Plots' },
    ...plots.map((p): Block => ({ kind: 'figure', name: p.name, title: p.title, caption: p.caption, svg: '' })),
    { kind: 'heading', level: 2, text: 'Setup' },
    {
      kind: 'list',
      items: [
        `Inputs: ${s.inputs.file ? `\`${s.inputs.file}\`, ` : ''}M = ${s.inputs.M} sequences of T = ${s.inputs.T} positions, d = ${s.inputs.d} channels${s.inputs.masked ? ', masked' : ''}.`,
        `Heads series: H ∈ {${c.heads.join(', ')}} at width factor ×${c.baseWidth}. Width series: ×{${c.widths.join(', ')}} at H = ${c.baseHeads}. Scalings: ${c.scalings.join(', ')} (every attention layer set to it).`,
        `Analytic kernels: float64; sampled (sqrt softmax) kernels to relative precision ${c.precision} (${s.kernels.map((k) => `${k.scaling}: ${k.samples ? `${k.samples} logit samples` : 'closed form'}`).join('; ')}).`,
        'Per-network error: √(mean over networks of ‖K̂_net − K‖²)/‖K‖, from each shard\'s moment accumulator (exact parallel-axis identity); NNGP per network averages the dense readout out exactly (docs/estimators.md).',
      ],
    },
    { kind: 'code', lang: 'json', text: `{"layers": [\n${s.spec.layers.map((l) => `  ${JSON.stringify(l)}`).join(',\n')}\n]}` },
    { kind: 'heading', level: 2, text: 'All grid points' },
    {
      kind: 'table',
      head: ['scaling', 'H', 'width', 'network', 'NNGP error / net', 'NTK error / net', 'NTK rel. variance', 'excess kurtosis (mean over rows)', 'NNGP mean error (noise)', 'NTK mean error (noise)', 's'],
      align: ['l', 'r', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      rows: s.points.map((p) => [
        p.scaling,
        String(p.heads),
        `×${p.width}`,
        `\`${p.widths}\``,
        pm(p.nngp.perNetworkError),
        pm(p.ntk.perNetworkError),
        pm(p.ntk.relativeVariance),
        pm(p.outputs.meanExcessKurtosis, 2),
        `${p.nngp.meanError.toFixed(3)} (${p.nngp.noiseFloor.toFixed(3)})`,
        `${p.ntk.meanError.toFixed(3)} (${p.ntk.noiseFloor.toFixed(3)})`,
        p.seconds.toFixed(1),
      ]),
    },
    {
      kind: 'paragraph',
      text: '"mean error (noise)": ‖ensemble mean − K‖/‖K‖ and the value Monte-Carlo noise alone would give; an excess over the noise is the finite-width bias of the mean, which the suite\'s verdicts model and test.',
    },
    { kind: 'heading', level: 2, text: 'Reproduce' },
    { kind: 'code', lang: 'sh', text: r.command },
  );
  return blocks;
}
