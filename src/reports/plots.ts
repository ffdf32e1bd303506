/**
 * Report plots as vega-lite specs, rendered to SVG in Node by vega's headless View (no browser, no
 * canvas; byte-identical across runs). Each builder takes plain rows; the data work (fits, bands,
 * densities) happens here in TypeScript so the specs stay declarative.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { normalPdf } from '../stats/normalPdf.ts';
import { normalQuantile } from '../stats/normalQuantile.ts';
import { normalQQ } from './metrics.ts';
import type { SlopeFit } from './claims.ts';
import type { Matrix } from '../results/schema.ts';

export interface Plot {
  /** File stem, e.g. `error-vs-heads`. */
  readonly name: string;
  readonly title: string;
  /** What to look for, one or two sentences (figure caption). */
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const config = {
  font: FONT,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 360 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' as const },
};

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vl.compile({ ...spec, config: { ...config, ...(spec.config ?? {}) } } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A point of a log-log series with a 95 % band (value ± 1.96 SE, floored at a tenth of the value for the log axis). */
export interface SeriesRow {
  readonly series: string;
  readonly panel?: string;
  readonly x: number;
  readonly y: number;
  readonly se: number;
}

export interface SeriesFit {
  readonly series: string;
  readonly panel?: string;
  readonly fit: SlopeFit | null;
  readonly xs: readonly number[];
}

/** Fixed colours for the scalings, so every plot of a report agrees; other series cycle through tableau10. */
const NAMED: Record<string, string> = {
  sqrt: '#e45756',
  linear: '#4c78a8',
  none: '#54a24b',
  'sqrt, theory ∝ 1/H': '#f4a6a0',
  NNGP: '#4c78a8',
  NTK: '#f58518',
  'NNGP noise': '#9ecae9',
  'NTK noise': '#ffbf79',
};
const TABLEAU = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

export function seriesColors(series: readonly string[]): { domain: string[]; range: string[] } {
  let k = 0;
  return { domain: [...series], range: series.map((s) => NAMED[s] ?? TABLEAU[k++ % TABLEAU.length]) };
}

const legendStyle = { orient: 'top' as const, direction: 'horizontal' as const, symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2.5 };

const fmtSlope = (f: SlopeFit) => `slope ${f.exponent.toFixed(2)} ± ${f.se.toFixed(2)}`;

/** A log axis over exactly the data's x values, padded a little so end points are not on the frame. */
function logX(xs: readonly number[], title: string) {
  const v = [...new Set(xs)].sort((a, b) => a - b);
  return {
    field: 'x',
    type: 'quantitative' as const,
    title,
    scale: { type: 'log' as const, domain: [v[0] / 1.25, v[v.length - 1] * 1.25], nice: false },
    axis: { values: v, format: '~g' },
  };
}

/**
 * y against x on log-log axes: lines with points, 95 % bands, and the fitted power law as a dashed
 * line labelled with its slope. Colour = series (the same in every panel); panels by `panel`.
 */
export function logLogPlot(o: {
  name: string;
  title: string;
  caption: string;
  xTitle: string;
  yTitle: string;
  rows: readonly SeriesRow[];
  fits: readonly SeriesFit[];
  /** A reference slope drawn in grey through the first point of each panel's first series. */
  reference?: { slope: number; label: string };
  /** Wrap panels into rows of this many (default: one row). */
  columns?: number;
  /** Series drawn thin and dashed, without points (e.g. a noise level). */
  faint?: readonly string[];
}): Plot {
  const data: Record<string, unknown>[] = [];
  for (const r of o.rows) {
    if (!(r.y > 0)) continue;
    const half = 1.96 * (Number.isFinite(r.se) ? r.se : 0);
    const kind = o.faint?.includes(r.series) ? 'faint' : 'point';
    data.push({ kind, panel: r.panel ?? '', series: r.series, x: r.x, y: r.y, lo: Math.max(r.y - half, r.y / 10), hi: r.y + half });
  }
  const series = [...new Set(o.rows.map((r) => r.series))];
  for (const f of o.fits) {
    if (!f.fit) continue;
    const [x0, x1] = [Math.min(...f.xs), Math.max(...f.xs)];
    for (const x of [x0, x1]) data.push({ kind: 'fit', panel: f.panel ?? '', series: f.series, x, y: f.fit.prefactor * x ** f.fit.exponent });
    // Slope labels in the panel's top-left corner, one line per series (pixel position: 6 + 14·line).
    data.push({ kind: 'label', panel: f.panel ?? '', series: f.series, text: `${f.series}: ${fmtSlope(f.fit)}`, py: 6 + 14 * series.indexOf(f.series) });
  }
  if (o.reference) {
    const panels = [...new Set(o.rows.map((r) => r.panel ?? ''))];
    for (const panel of panels) {
      const first = o.rows.filter((r) => (r.panel ?? '') === panel && r.y > 0).sort((a, b) => a.x - b.x);
      if (first.length < 2) continue;
      const x0 = first[0].x;
      const x1 = first[first.length - 1].x;
      for (const x of [x0, x1]) data.push({ kind: 'reference', panel, series: o.reference.label, x, y: first[0].y * (x / x0) ** o.reference.slope });
    }
  }
  const x = logX(o.rows.map((r) => r.x), o.xTitle);
  const y = { field: 'y', type: 'quantitative' as const, scale: { type: 'log' as const }, title: o.yTitle };
  const color = { field: 'series', type: 'nominal' as const, title: null, scale: seriesColors(series), legend: legendStyle };
  const layered = {
    width: o.columns ? 250 : 380,
    height: o.columns ? 180 : 260,
    layer: [
      { transform: [{ filter: "datum.kind === 'point'" }], mark: { type: 'area' as const, opacity: 0.18 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
      { transform: [{ filter: "datum.kind === 'point'" }], mark: { type: 'line' as const, point: true }, encoding: { x, y, color } },
      { transform: [{ filter: "datum.kind === 'fit'" }], mark: { type: 'line' as const, strokeDash: [5, 3], strokeWidth: 1.2 }, encoding: { x, y, color, detail: { field: 'series' } } },
      { transform: [{ filter: "datum.kind === 'faint'" }], mark: { type: 'line' as const, strokeDash: [1, 2], strokeWidth: 1.5 }, encoding: { x, y, color } },
      {
        transform: [{ filter: "datum.kind === 'reference'" }],
        mark: { type: 'line' as const, strokeDash: [2, 2], color: '#999' },
        encoding: { x, y, detail: { field: 'series', type: 'nominal' as const } },
      },
      {
        transform: [{ filter: "datum.kind === 'label'" }],
        mark: { type: 'text' as const, align: 'left' as const, baseline: 'top' as const, fontSize: 11 },
        // scale: null places the label at a pixel position rather than a data value.
        encoding: { x: { value: 6 }, y: { field: 'py', type: 'quantitative' as const, scale: null }, text: { field: 'text' }, color },
      },
    ],
  };
  const panels = new Set(o.rows.map((r) => r.panel ?? ''));
  const spec = (panels.size > 1
    ? o.columns
      ? { data: { values: data }, facet: { field: 'panel', type: 'nominal', title: null, sort: [...panels] }, columns: o.columns, spec: layered, resolve: { scale: { y: 'independent' } } }
      : { data: { values: data }, facet: { column: { field: 'panel', type: 'nominal', title: null } }, spec: layered, resolve: { scale: { y: 'independent' } } }
    : { data: { values: data }, ...layered }) as unknown as TopLevelSpec;
  return { name: o.name, title: o.title, caption: o.caption + ' Dashed: the fitted power law (slope in the corner).' + (o.reference ? ` Grey dotted: ${o.reference.label}.` : ''), spec: { ...spec, title: o.title } as TopLevelSpec };
}

/** Values with ±1.96 SE error bars against log x; a zero line; optional dashed reference curves. */
export function errorBarPlot(o: {
  name: string;
  title: string;
  caption: string;
  xTitle: string;
  yTitle: string;
  rows: readonly SeriesRow[];
  references?: readonly { series: string; x: number; y: number }[];
}): Plot {
  const data: Record<string, unknown>[] = o.rows.map((r) => ({ kind: 'point', series: r.series, x: r.x, y: r.y, lo: r.y - 1.96 * r.se, hi: r.y + 1.96 * r.se }));
  for (const r of o.references ?? []) data.push({ kind: 'reference', series: r.series, x: r.x, y: r.y });
  const x = logX(o.rows.map((r) => r.x), o.xTitle);
  const color = { field: 'series', type: 'nominal' as const, title: null, scale: seriesColors([...new Set([...o.rows.map((r) => r.series), ...(o.references ?? []).map((r) => r.series)])]), legend: legendStyle };
  const spec = {
    title: o.title,
    width: 420,
    height: 260,
    data: { values: data },
    layer: [
      { mark: { type: 'rule', color: '#888' }, encoding: { y: { datum: 0, type: 'quantitative' } } },
      { transform: [{ filter: "datum.kind === 'point'" }], mark: { type: 'rule' }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: o.yTitle }, y2: { field: 'hi' }, color } },
      { transform: [{ filter: "datum.kind === 'point'" }], mark: { type: 'line', point: true }, encoding: { x, y: { field: 'y', type: 'quantitative' }, color } },
      { transform: [{ filter: "datum.kind === 'reference'" }], mark: { type: 'line', strokeDash: [4, 3] }, encoding: { x, y: { field: 'y', type: 'quantitative' }, color } },
    ],
  } as unknown as TopLevelSpec;
  return { name: o.name, title: o.title, caption: o.caption, spec };
}

/** Standardised histograms (density) with the N(0,1) density overlaid, one panel per sample. */
export function histogramPlot(o: { name: string; title: string; caption: string; samples: readonly { panel: string; values: readonly number[] }[] }): Plot {
  const data: Record<string, unknown>[] = [];
  const lo = -5;
  const hi = 5;
  const bins = 40;
  const step = (hi - lo) / bins;
  for (const s of o.samples) {
    const n = s.values.length;
    const mean = s.values.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(s.values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const counts = new Array<number>(bins).fill(0);
    // Values beyond ±5 SD go to the edge bins, so every network is counted.
    for (const v of s.values) counts[Math.min(bins - 1, Math.max(0, Math.floor(((v - mean) / sd - lo) / step)))]++;
    counts.forEach((c, b) => data.push({ kind: 'bar', panel: s.panel, x0: lo + b * step, x1: lo + (b + 1) * step, density: c / (n * step) }));
    for (let k = 0; k <= 100; k++) {
      const x = lo + ((hi - lo) * k) / 100;
      data.push({ kind: 'pdf', panel: s.panel, x, density: normalPdf(x) });
    }
  }
  const x = { field: 'x0', type: 'quantitative' as const, title: 'standardised output', scale: { domain: [lo, hi] } };
  const spec = panelsSpec(o.title, data, o.samples, 180, [
    { transform: [{ filter: "datum.kind === 'bar'" }], mark: { type: 'rect', color: '#4c78a8', opacity: 0.75 }, encoding: { x, x2: { field: 'x1' }, y: { field: 'density', type: 'quantitative', title: 'density' } } },
    { transform: [{ filter: "datum.kind === 'pdf'" }], mark: { type: 'line', color: '#e45756' }, encoding: { x: { ...x, field: 'x' }, y: { field: 'density', type: 'quantitative' } } },
  ]);
  return { name: o.name, title: o.title, caption: o.caption, spec };
}

/** One 240-px-wide panel per sample, in the samples' order, each drawing the same layers. */
function panelsSpec(title: string, data: Record<string, unknown>[], samples: readonly { panel: string }[], height: number, layer: unknown[]): TopLevelSpec {
  return {
    title,
    data: { values: data },
    facet: { column: { field: 'panel', type: 'nominal', title: null, sort: samples.map((s) => s.panel) } },
    spec: { width: 240, height, layer },
  } as unknown as TopLevelSpec;
}

/** Normal QQ plots (Blom positions), one panel per sample, with the identity line. */
export function qqPlot(o: { name: string; title: string; caption: string; samples: readonly { panel: string; values: readonly number[] }[] }): Plot {
  const data: Record<string, unknown>[] = [];
  for (const s of o.samples) {
    for (const q of normalQQ(s.values, normalQuantile)) data.push({ kind: 'qq', panel: s.panel, x: q.theoretical, y: q.sample });
    for (const v of [-4, 4]) data.push({ kind: 'diag', panel: s.panel, x: v, y: v });
  }
  const enc = { x: { field: 'x', type: 'quantitative', title: 'normal quantile', scale: { domain: [-4, 4] } }, y: { field: 'y', type: 'quantitative', title: 'standardised sample quantile' } };
  const spec = panelsSpec(o.title, data, o.samples, 220, [
    { transform: [{ filter: "datum.kind === 'diag'" }], mark: { type: 'line', color: '#999', strokeDash: [4, 3] }, encoding: enc },
    { transform: [{ filter: "datum.kind === 'qq'" }], mark: { type: 'point', size: 10, filled: true, opacity: 0.6, color: '#4c78a8' }, encoding: enc },
  ]);
  return { name: o.name, title: o.title, caption: o.caption, spec };
}

/** Analytic, empirical and (empirical − analytic) side by side; the difference on a diverging scale centred at 0. */
export function heatmapTriptych(o: { name: string; title: string; caption: string; analytic: Matrix; empirical: Matrix; labels?: readonly string[] }): Plot {
  const P = o.analytic.length;
  const rows = (m: Matrix) => m.flatMap((r, i) => r.map((v, j) => ({ i, j, value: v })));
  const diff = o.empirical.map((r, i) => r.map((v, j) => v - o.analytic[i][j]));
  const size = Math.max(120, Math.min(220, P * 14));
  const lab = o.labels;
  const axis = (title: string) => ({ title, labelExpr: lab ? `[${lab.map((l) => JSON.stringify(l)).join(',')}][datum.value]` : undefined, labelFontSize: P > 16 ? 7 : 10 });
  const panel = (title: string, m: Matrix, scheme: object) => ({
    title,
    width: size,
    height: size,
    data: { values: rows(m) },
    mark: 'rect',
    encoding: {
      x: { field: 'j', type: 'ordinal', axis: axis('column') },
      y: { field: 'i', type: 'ordinal', axis: axis('row') },
      color: { field: 'value', type: 'quantitative', scale: scheme, legend: { orient: 'bottom', gradientLength: size, title: null, format: '.2~g' } },
      tooltip: [{ field: 'i' }, { field: 'j' }, { field: 'value', format: '.4g' }],
    },
  });
  const maxAbs = Math.max(1e-300, ...diff.flat().map(Math.abs));
  const spec = {
    title: o.title,
    hconcat: [
      panel('analytic', o.analytic, { scheme: 'viridis' }),
      panel('empirical (ensemble mean)', o.empirical, { scheme: 'viridis' }),
      panel('empirical − analytic', diff, { scheme: 'redblue', domain: [-maxAbs, maxAbs], reverse: true }),
    ],
    resolve: { scale: { color: 'independent' } },
  } as unknown as TopLevelSpec;
  return { name: o.name, title: o.title, caption: o.caption, spec };
}
