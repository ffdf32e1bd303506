/**
 * The shape of a calibration architecture's finite-width bias on the kernel's diagonal: per width,
 * the mean relative offset of the ensemble mean from the analytic kernel, d(w) = (E K̂_w − K)/K,
 * averaged over the valid diagonal entries, and w·d(w).
 *
 * The verdict fits K(w) = K∞ + a/w. Under that model w·d(w) is flat in w; a 1/w² term b makes it
 * a + b/w (falling towards a as w grows); a kernel error e makes it e·w + a (growing without
 * bound). Wide widths with many networks tell the three apart where the verdict's three widths
 * cannot (docs/calibration.md, "The MLP excess").
 *
 *   npx tsx scripts/calibration/bias-shape.ts --arch relu-layernorm-masked --seeds 600002,600006 \
 *     --scales 1,2,4,8,16 --networks 1024 [--kind ntk]
 *
 * Prints per seed and pooled over seeds (equal weights): d(w) and w·d(w) with their Monte-Carlo SE
 * (the ensembles' and, for a sampled kernel, the kernel's own).
 * Widths are the architecture's first-layer width times the factor; heads grow with it where the
 * architecture scales them (the H → ∞ kernel).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { allArchitectures, inputsFor, specOf } from './architectures.ts';
import { computeKernel } from '../../src/pipeline/kernel.ts';
import { sampleWidths, widthEstimate } from '../../src/validation/case.ts';
import { textTable } from '../../src/format.ts';

const { values } = parseArgs({
  options: {
    arch: { type: 'string' },
    seeds: { type: 'string' },
    scales: { type: 'string', default: '1,2,4,8' },
    networks: { type: 'string', default: '1024' },
    kind: { type: 'string', default: 'ntk' },
  },
});
function fail(message: string): never {
  console.error(`bias-shape: ${message}`);
  process.exit(2);
}
const architectures = allArchitectures(resolve(import.meta.dirname, '../..'));
const a = values.arch ? architectures[values.arch] : undefined;
if (!a) fail(`--arch must be one of: ${Object.keys(architectures).join(', ')}`);
if (values.kind !== 'ntk' && values.kind !== 'nngp') fail('--kind must be ntk or nngp');
const kind = values.kind;
const seeds = (values.seeds ?? '').split(',').filter(Boolean).map(Number);
const scales = values.scales!.split(',').map(Number);
const networks = Number(values.networks);
if (scales.length < 3 || scales.some((s) => !(s > 0))) fail('--scales needs at least three positive width factors');
if (!Number.isInteger(networks) || networks < 2) fail('--networks must be an integer ≥ 2');
if (!seeds.length || seeds.some((s) => !Number.isInteger(s))) fail('--seeds must be a comma-separated list of integers');
const base = (a.layers[0] as { width?: number }).width;
if (!base) fail(`${values.arch}: its first layer has no width`);

// rows[seed][width] = [d, se(d)]
const rows: [number, number][][] = [];
for (const seed of seeds) {
  const inputs = inputsFor(seed, a.T, a.masked);
  const spec = specOf(a);
  const kernel = computeKernel(spec, inputs);
  const P = kernel.M * kernel.T;
  const K = kernel[kind];
  const ensembles = await sampleWidths({ name: 'bias-shape', spec, inputs, scales, scaleHeads: a.scaleHeads ?? false, networks, seed, checks: [kind] }, networks);
  const diag: number[] = [];
  for (let i = 0; i < P; i++) if (inputs.mask[i]) diag.push(i * P + i);
  // A sampled kernel's own error, shared by every width: its entries' errors are correlated
  // (common logit draws), so their SEs add as if perfectly so, an upper bound.
  const kSE = kind === 'nngp' ? kernel.nngpSE : kernel.ntkSE;
  const kernelSE = kSE ? diag.reduce((t, i) => t + kSE[i] / K[i], 0) : 0;
  rows.push(
    ensembles.map((e) => {
      const { mean, covariance } = widthEstimate(e.scale, e.result.accumulators[kind]!);
      let d = 0;
      for (const i of diag) d += (mean[i] - K[i]) / K[i];
      // Var of the average over the diagonal from the covariance of the mean: the entries of one
      // ensemble are correlated, so the per-entry SEs alone would misstate it.
      let v = 0;
      for (const i of diag) for (const j of diag) v += covariance![i * P * P + j] / (K[i] * K[j]);
      return [d / diag.length, Math.sqrt(v + kernelSE ** 2) / diag.length] as [number, number];
    }),
  );
}
const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const cell = (w: number, [d, se]: [number, number]) => `${pct(d)} ± ${pct(se)} (w·d ${(w * d).toFixed(2)} ± ${(w * se).toFixed(2)})`;
const widths = scales.map((s) => base * s);
const pooled = widths.map((_, f) => {
  const d = rows.reduce((s, r) => s + r[f][0], 0) / rows.length;
  const se = Math.sqrt(rows.reduce((s, r) => s + r[f][1] ** 2, 0)) / rows.length;
  return [d, se] as [number, number];
});
console.log(`${values.arch}, ${kind.toUpperCase()} diagonal, ${networks} networks per width: relative offset d(w) of the ensemble mean from the kernel`);
console.log(
  textTable(
    ['seed', ...widths.map((w) => `w = ${w}`)],
    [...rows.map((r, k) => [String(seeds[k]), ...r.map((c, f) => cell(widths[f], c))]), ['pooled', ...pooled.map((c, f) => cell(widths[f], c))]],
  ).join('\n'),
);
