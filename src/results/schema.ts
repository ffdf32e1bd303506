/**
 * The `results.json` format (docs/results-schema.md is its reference). One file per report, written
 * by `sweep` and by `validate --report`; a validate results file is also a regression baseline
 * (src/baselines/). Everything a plot or a table of the report shows is in it, so a report can be
 * re-rendered, diffed or compared without re-running anything.
 *
 * Versioning: `version` is bumped on any change that removes or re-means a field; adding an optional
 * field keeps it. Readers refuse a version they do not know (`checkResults`).
 */
import type { NetworkSpec } from '../spec/types.ts';
import type { TrainSection } from './trainSchema.ts';
import type { Estimate, Matrix } from './estimate.ts';

export const RESULTS_SCHEMA = 'infinite-attention/results';
export const RESULTS_VERSION = 1;

export type { Estimate, Matrix } from './estimate.ts';

/** One pass/fail item: a JUnit test case, a row of a report's verdict table. */
export interface Check {
  /** Group, e.g. the case name or `claims`. JUnit `classname`. */
  readonly group: string;
  readonly name: string;
  /**
   * `inconclusive`: the test could not decide (too little power for the effect it looks for, or an
   * assumption that fails); it neither passes nor fails, and JUnit shows it as skipped.
   */
  readonly status: 'passed' | 'failed' | 'skipped' | 'inconclusive';
  /** One line: what was tested and what came out. */
  readonly message: string;
  /** Scalar details (statistic, p-value, …), copied verbatim into the JSON. */
  readonly details?: Readonly<Record<string, number | string | boolean | null>>;
  readonly seconds?: number;
}

export interface AnalyticKernel {
  readonly M: number;
  readonly T: number;
  readonly nngp: Matrix;
  readonly ntk: Matrix;
  /** Monte-Carlo standard errors of a sampled kernel (sqrt attention); null when closed-form. */
  readonly nngpSE: Matrix | null;
  readonly ntkSE: Matrix | null;
  /** Logit samples behind a sampled kernel; 0 when closed-form. */
  readonly samples: number;
}

export interface EnsembleEstimate {
  readonly networks: number;
  readonly seed: number;
  readonly nngp: Matrix | null;
  readonly nngpSE: Matrix | null;
  readonly ntk: Matrix | null;
  readonly ntkSE: Matrix | null;
}

/** How far one network's kernel is from the analytic one, for the NNGP or the NTK at one grid point. */
export interface KernelSpread {
  /** RMS over networks of ‖K̂_net − K‖_F / ‖K‖_F, with its standard error (batch means over shards). */
  readonly perNetworkError: Estimate;
  /** Σ_entries Var(K̂_net) / ‖K‖_F²: the per-network variance, relative. */
  readonly relativeVariance: Estimate;
  /** ‖mean − K‖_F / ‖K‖_F of the ensemble mean. */
  readonly meanError: number;
  /** √(Σ SE²)/‖K‖_F: what `meanError` would be from Monte-Carlo noise alone. */
  readonly noiseFloor: number;
}

export interface OutputStats {
  /** Which (input, position) row of the output the sample is taken at (channel 0). */
  readonly entry: number;
  readonly excessKurtosis: Estimate;
  readonly skewness: Estimate;
  /** Excess kurtosis averaged over every valid output row (each row's SE is the normal-theory one). */
  readonly meanExcessKurtosis: Estimate;
  /** Channel 0 at `entry`, one value per network (for histograms and QQ plots). */
  readonly samples: number[];
}

export interface SweepPoint {
  readonly scaling: string;
  readonly heads: number;
  /** Width factor applied to every hidden width (the readout is kept). */
  readonly width: number;
  /** Which series of the sweep the point belongs to. */
  readonly series: readonly ('heads' | 'width')[];
  /** The widths of the network actually run, e.g. `H4×32/32→32,1`. */
  readonly widths: string;
  readonly networks: number;
  readonly shards: number;
  /** Set when an interrupt stopped the point early: it holds `shards` of the planned shards. */
  readonly partial?: boolean;
  readonly seconds: number;
  readonly nngp: KernelSpread;
  readonly ntk: KernelSpread;
  readonly outputs: OutputStats;
  /** Ensemble means (for heatmaps). */
  readonly empirical: { readonly nngp: Matrix; readonly ntk: Matrix };
}

export interface SweepSection {
  readonly spec: NetworkSpec;
  readonly inputs: { readonly file: string | null; readonly M: number; readonly T: number; readonly d: number; readonly masked: boolean };
  readonly config: {
    readonly heads: readonly number[];
    readonly widths: readonly number[];
    readonly scalings: readonly string[];
    /** Width factor of the heads series. */
    readonly baseWidth: number;
    /** Head count of the width series. */
    readonly baseHeads: number;
    readonly networks: number;
    readonly shards: number;
    readonly seed: number;
    readonly precision: number;
  };
  /** The analytic kernel of each scaling (it depends on neither heads nor widths). */
  readonly kernels: readonly ({ readonly scaling: string } & AnalyticKernel)[];
  readonly points: readonly SweepPoint[];
  /** Grid points planned but not run (an interrupted sweep). */
  readonly pending: readonly { readonly scaling: string; readonly heads: number; readonly width: number }[];
  /**
   * Effects the theory predicts, which the claims' power is judged against (src/reports/claims.ts):
   * the fixed-H limit law's mean excess kurtosis of the outputs at one head under sqrt scaling
   * (src/limits/outputKurtosis.ts), null where that law does not cover the spec. Absent in older files.
   */
  readonly predictions?: { readonly sqrtExcessKurtosisAtOneHead: number | null; readonly sqrtExcessKurtosisSE: number | null };
}

export interface ValidateCase {
  readonly name: string;
  readonly spec: NetworkSpec;
  /** The inputs as given (nested arrays), so a baseline can tell when they changed. */
  readonly inputs: { readonly inputs: number[][][]; readonly mask: number[][] };
  readonly scaleHeads: boolean;
  readonly seconds: number;
  readonly analytic: AnalyticKernel;
  readonly estimates: readonly ({ readonly scale: number } & EnsembleEstimate)[];
  /**
   * The suite's verdicts as the verdict engine returned them, scalar fields only, plus `status`
   * (pass, fail, inconclusive), `inconclusiveReasons`, and the bias fit's `biasFitChi2PerDof`,
   * `biasFitPValue`, `biasFitDof`.
   */
  readonly verdicts: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Exponent of the relative bias against width per kernel (a diagnostic; absent in older files). */
  readonly rates?: Readonly<Record<string, { readonly resolved: boolean; readonly exponent: number; readonly exponentSE: number } | null>>;
}

export interface ValidateSection {
  readonly suite: string | null;
  readonly alpha: number;
  readonly cases: readonly ValidateCase[];
}

export interface Results {
  readonly schema: typeof RESULTS_SCHEMA;
  readonly version: typeof RESULTS_VERSION;
  readonly kind: 'sweep' | 'validate' | 'train';
  readonly title: string;
  /** The command line that produced it (to regenerate). */
  readonly command: string;
  readonly tool: { readonly name: string; readonly version: string; readonly node: string };
  readonly backend: string;
  /** False when the run was interrupted (Ctrl-C): the sections hold what was done. */
  readonly complete: boolean;
  readonly seconds: number;
  readonly checks: readonly Check[];
  readonly sweep?: SweepSection;
  readonly validate?: ValidateSection;
  /** With `kind: "train"` (src/results/trainSchema.ts). */
  readonly train?: TrainSection;
  /** A comparison with a baseline, when one was asked for (validate --baseline). */
  readonly baseline?: BaselineSummary;
}

export interface BaselineSummary {
  readonly file: string;
  readonly alpha: number;
  readonly drift: boolean;
  /** Comparisons made, by kind. */
  readonly compared: { readonly exact: number; readonly monteCarlo: number };
  readonly findings: readonly BaselineFinding[];
}

export interface BaselineFinding {
  readonly case: string;
  /** `analytic` (exact), `monte-carlo` (z-test), `config` (spec/inputs/shape), `coverage` (missing case). */
  readonly kind: 'analytic' | 'monte-carlo' | 'config' | 'coverage';
  /** Whether this finding is drift (fails the run) or a note. */
  readonly drift: boolean;
  readonly message: string;
  readonly details?: Readonly<Record<string, number | string | boolean | null>>;
}

/** Throws unless `value` looks like a results file of a version this code reads. */
export function checkResults(value: unknown, source: string): Results {
  const r = value as Partial<Results> | null;
  if (!r || typeof r !== 'object' || r.schema !== RESULTS_SCHEMA)
    throw new Error(`${source}: not an infinite-attention results file (no "schema": "${RESULTS_SCHEMA}")`);
  if (r.version !== RESULTS_VERSION)
    throw new Error(`${source}: results schema version ${String(r.version)}; this version reads ${RESULTS_VERSION} (regenerate the file)`);
  if (r.kind !== 'sweep' && r.kind !== 'validate' && r.kind !== 'train') throw new Error(`${source}: unknown kind ${JSON.stringify(r.kind)}`);
  return r as Results;
}

/** Flat row-major P×P → nested arrays. */
export function toNested(a: ArrayLike<number>, P: number): Matrix {
  return Array.from({ length: P }, (_, i) => Array.from({ length: P }, (_, j) => a[i * P + j]));
}

export function toNestedOrNull(a: ArrayLike<number> | null | undefined, P: number): Matrix | null {
  return a ? toNested(a, P) : null;
}

/** Nested → flat row-major. */
export function flatten(m: Matrix): Float64Array {
  const P = m.length;
  const out = new Float64Array(P * P);
  m.forEach((row, i) => out.set(row, i * P));
  return out;
}
