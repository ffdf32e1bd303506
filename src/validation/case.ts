/**
 * One validation case: a spec and inputs, the analytic kernel, finite ensembles at three or more
 * width factors, and the engine's verdicts (src/verdicts/) for the NNGP and the NTK, with the
 * convergence rate of the finite-width bias as a diagnostic.
 */
import type { InputBatch, NetworkSpec } from '../spec/types.ts';
import { scaleSpec, type ScaleOptions } from '../layers/scale.ts';
import { biasSeriesRatio, curvatureFactor } from '../layers/curvature.ts';
import { slowBiasLayers } from '../layers/slowBias.ts';
import { computeKernel, precisionNote, type KernelOptions, type KernelResult } from '../pipeline/kernel.ts';
import { estimate, type EstimateResult } from '../estimators/ensemble.ts';
import { kernelAgreement, type KernelAgreement, type WidthEstimate } from '../verdicts/kernelAgreement.ts';
import { biasByWidth } from '../verdicts/biasByWidth.ts';
import { convergenceRate, type ConvergenceRate } from '../verdicts/convergenceRate.ts';
import { DEFAULT_ALPHA } from '../verdicts/types.ts';
import { withPowerFloor } from './power.ts';
import { seed32 } from '../random/normals.ts';
import type { MomentAccumulator } from '../estimators/accumulator.ts';
import type { BackendChoice } from '../backend.ts';

export type KernelKind = 'nngp' | 'ntk';

export interface CaseDefinition {
  readonly name: string;
  readonly spec: NetworkSpec;
  readonly inputs: InputBatch;
  /** Width factors of the ensembles; at least three distinct ones, to fit AND test the 1/width bias model. */
  readonly scales: readonly number[];
  /** Whether attention heads grow with the width factor too (needed after sqrt attention). */
  readonly scaleHeads?: boolean;
  /** A per-layer scaling rule consulted before the built-in ones (ScaleOptions.layer; check-layer's layer under test). */
  readonly scaleLayer?: ScaleOptions['layer'];
  /**
   * Whether a rejection must also survive a bias falling like width^(−p), p ≥ 1/2 (the bias-rate
   * rule of kernelAgreement). Default: where a layer of the spec says its bias may (slowBias.ts).
   */
  readonly biasRate?: boolean;
  /**
   * The least 1/width² allowance, in units of its natural size, whatever the layers declare
   * (curvature.ts): for a composition whose measured curvature exceeds any of its layers'
   * (check-layer's sqrt attention row). Default 1.
   */
  readonly curvatureFactor?: number;
  readonly networks: number;
  readonly seed: number;
  readonly checks?: readonly KernelKind[];
}

export interface CaseResult {
  readonly name: string;
  readonly kernel: KernelResult;
  readonly estimates: readonly WidthEnsemble[];
  readonly verdicts: { readonly nngp?: KernelAgreement; readonly ntk?: KernelAgreement };
  /** Exponent of the relative bias against the width factor (expected −1); diagnostics, not in the family. */
  readonly rates: { readonly nngp?: ConvergenceRate; readonly ntk?: ConvergenceRate };
  readonly backend: string;
  readonly seconds: number;
}

export interface RunOptions {
  /** Level of each verdict (its own decision and its stated power); default 1e-3. */
  readonly alpha?: number;
  readonly backend?: BackendChoice;
  /** What is running, and the fraction of the case done. */
  readonly onProgress?: (message: string, fraction: number) => void;
  /** Monte-Carlo draws of the joint null (kernelAgreement). */
  readonly draws?: number;
  /** Keep every network's kernels in the estimates (`estimates[f].kernels`), e.g. for offline re-analysis. */
  readonly keepNetworks?: boolean;
  /** Options of the analytic kernel (sampled layers: seed, precision, sample cap). */
  readonly kernel?: KernelOptions;
  /** A verdict that cannot catch a uniform relative error this large is inconclusive (power.ts). */
  readonly maxDetectable?: number;
}

/**
 * The ensemble seed of the k-th width factor. Distinct per width so that the ensembles are
 * independent, as the bias fit assumes: the same run seed at two widths would give the two
 * networks of index i the same leading weights (src/random/normals.ts: streams are keyed by seed,
 * network and parameter, not by shape), correlating the width means.
 */
export function widthSeed(seed: number, k: number): number {
  return seed32(`case/${seed}/width/${k}`);
}

/**
 * The analytic kernel's options for a case: its own sampling seed (sqrt softmax attention) derived
 * from the case seed unless the caller names one. The test carries the sampled kernel's standard
 * error as an independent error of each case; one seed for every case would reuse the same draws on
 * every input batch and shift all their kernels alike (on the softmax family of calibrate's
 * issue16-softmax-scaled, seed 1 sat +0.8 of its SE above a precise kernel on average over 2 000 runs).
 */
export function caseKernelOptions(seed: number, opts: KernelOptions = {}): KernelOptions {
  return { ...opts, seed: opts.seed ?? seed32(`case/${seed}/kernel`) };
}

/**
 * What the verdict needs from one width's ensemble: the mean, its standard error and covariance
 * across entries, and the per-network third cumulants (the skewness check of tails.ts).
 */
export function widthEstimate(scale: number, acc: MomentAccumulator): WidthEstimate {
  const n = acc.count;
  // The accumulator's co-moment Σ(x − x̄)(x − x̄)ᵀ → covariance of the mean: /((n − 1) n).
  const covariance = acc.cov ? acc.cov.map((v) => v / ((n - 1) * n)) : null;
  return { scale, mean: new Float64Array(acc.mean), se: acc.standardError(), networks: n, covariance, thirdCumulant: acc.cumulants().k3 };
}

export function checkScales(scales: readonly number[]): void {
  if (new Set(scales).size < 3 || scales.length !== new Set(scales).size)
    throw new Error(`a case needs at least three distinct width factors to fit and test the 1/width bias model, got [${scales.join(', ')}]`);
}

/** One width factor's ensemble as a case keeps it. */
export interface WidthEnsemble {
  readonly scale: number;
  readonly seed: number;
  readonly result: EstimateResult;
  /** With `keepNetworks`: every network's NNGP and NTK, [networks, P²] row-major float32; else null. */
  readonly kernels: { readonly nngp: Float32Array | null; readonly ntk: Float32Array | null } | null;
}

/**
 * Networks [first, first + networks) of each width factor's ensemble. The k-th factor's networks
 * are those of seed widthSeed(seed, k) at every call, so that more networks extend an ensemble
 * (sequential.ts) with the very networks a larger single run would have drawn.
 */
export async function sampleWidths(
  c: CaseDefinition,
  networks: number,
  opts: RunOptions & { readonly firstNetwork?: number; readonly label?: string } = {},
): Promise<WidthEnsemble[]> {
  checkScales(c.scales);
  const checks = c.checks ?? ['nngp', 'ntk'];
  const estimates: WidthEnsemble[] = [];
  for (const [k, scale] of c.scales.entries()) {
    const spec = scaleSpec(c.spec, { width: scale, heads: c.scaleHeads ? scale : 1, layer: c.scaleLayer });
    const seed = widthSeed(c.seed, k);
    const kept: { nngp: Float32Array | null; ntk: Float32Array | null } = { nngp: null, ntk: null };
    const result = await estimate(spec, c.inputs, {
      networks,
      firstNetwork: opts.firstNetwork,
      seed,
      nngp: checks.includes('nngp'),
      ntk: checks.includes('ntk'),
      covariance: true,
      perNetwork: opts.keepNetworks
        ? (network, kind, values) => (kept[kind] ??= new Float32Array(networks * values.length)).set(values, network * values.length)
        : undefined,
      backend: opts.backend,
      onProgress: (done, total) =>
        opts.onProgress?.(`${opts.label ?? c.name} ×${scale}: ${done}/${total} networks`, (k + done / total) / c.scales.length),
    });
    estimates.push({ scale, seed, result, kernels: opts.keepNetworks ? kept : null });
  }
  return estimates;
}

/**
 * What a spec's layers declare to the verdict engine: whether its bias may fall slower than 1/width
 * (the bias-rate rule, slowBias.ts) and the multiple of the natural-size 1/width² term to allow for
 * (curvature.ts; at least `leastCurvature`, a case's own floor), and the bias series' ratio the
 * stated power allows for (curvature.ts). One home for runCase and the calibration script.
 */
export function engineDeclarations(
  spec: NetworkSpec,
  scaleHeads: boolean,
  leastCurvature = 1,
): { readonly biasRate: boolean; readonly curvatureFactor: number; readonly biasSeriesRatio: number } {
  const curvature = Math.max(leastCurvature, curvatureFactor(spec, { scaleHeads }));
  return { biasRate: slowBiasLayers(spec).length > 0, curvatureFactor: curvature, biasSeriesRatio: biasSeriesRatio(spec, { scaleHeads }) };
}

/** The verdicts and convergence rates of a case from its kernel and its ensembles, at level `alpha`. */
export function judgeCase(
  c: CaseDefinition,
  kernel: KernelResult,
  estimates: readonly WidthEnsemble[],
  alpha: number,
  opts: Pick<RunOptions, 'draws' | 'maxDetectable'> = {},
): Pick<CaseResult, 'verdicts' | 'rates'> {
  const checks = c.checks ?? ['nngp', 'ntk'];
  const networks = estimates[0].result.networks;
  const mask = new Float64Array(kernel.M * kernel.T);
  // After pooling every row is valid; before it, padded positions are excluded.
  if (kernel.T === c.inputs.T) mask.set(c.inputs.mask);
  else mask.fill(1);
  const declared = engineDeclarations(c.spec, c.scaleHeads ?? false, c.curvatureFactor);
  const biasRate = c.biasRate ?? declared.biasRate;
  const verdicts: { nngp?: KernelAgreement; ntk?: KernelAgreement } = {};
  const rates: { nngp?: ConvergenceRate; ntk?: ConvergenceRate } = {};
  for (const which of checks) {
    const ests = estimates.map((e) => widthEstimate(e.scale, e.result.accumulators[which]!));
    const v = withPowerFloor(
      kernelAgreement({
        analytic: kernel[which],
        analyticSE: which === 'nngp' ? kernel.nngpSE : kernel.ntkSE,
        analyticDof: kernel.seDof,
        mask,
        alpha,
        draws: opts.draws,
        estimates: ests,
        biasRate,
        curvatureFactor: declared.curvatureFactor,
        biasSeriesRatio: declared.biasSeriesRatio,
      }),
      opts.maxDetectable,
      networks,
    );
    // The test already carries the kernel's own SE; the note says when it is larger than asked for.
    const note = kernel.reached ? '' : precisionNote(kernel);
    verdicts[which] = note ? { ...v, notes: [...v.notes, `analytic kernel: ${note}`] } : v;
    const bias = biasByWidth(kernel[which], mask, ests);
    rates[which] = convergenceRate({ x: bias.map((b) => b.scale), error: bias.map((b) => b.bias), se: bias.map((b) => b.se), expected: -1, alpha });
  }
  return { verdicts, rates };
}

export async function runCase(c: CaseDefinition, opts: RunOptions = {}): Promise<CaseResult> {
  const start = performance.now();
  checkScales(c.scales);
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const kernel = computeKernel(c.spec, c.inputs, caseKernelOptions(c.seed, opts.kernel));
  const estimates = await sampleWidths(c, c.networks, opts);
  const { verdicts, rates } = judgeCase(c, kernel, estimates, alpha, opts);
  return {
    name: c.name,
    kernel,
    estimates,
    verdicts,
    rates,
    backend: estimates[0].result.backend,
    seconds: (performance.now() - start) / 1000,
  };
}
