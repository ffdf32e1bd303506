/**
 * The `train` section of a results file (`infinite-attention train … --report DIR`; reference:
 * docs/results-schema.md). Steps are numbers, with "inf" for t = ∞ (JSON has no Infinity).
 */
import type { NetworkSpec } from '../spec/types.ts';
import type { Estimate, Matrix } from './estimate.ts';

export type StepJSON = number | 'inf';

export interface TrainStepPrediction {
  readonly step: StepJSON;
  /** μ_t at every point (training first, then test). */
  readonly mean: number[];
  /** Its SE from a sampled kernel's replicas; null when closed-form. */
  readonly meanSE: number[] | null;
  /** The diagonal of C_t: the variance of f_t(z) over networks. */
  readonly variance: number[];
  /** Expected MSE of a trained network over the training points, and over the test points (with test targets). */
  readonly trainError: Estimate;
  readonly testError: Estimate | null;
}

export interface TrainStepEnsemble {
  readonly step: StepJSON;
  /** Ensemble mean of f_t at every point, and its SE. */
  readonly mean: number[];
  readonly se: number[];
  /** Mean over networks of the training MSE and of the test MSE, with SEs. */
  readonly trainError: Estimate;
  readonly testError: Estimate | null;
}

export interface TrainEnsemble {
  readonly scale: number;
  /** The widths actually run, e.g. `32,H8×16/16→32,1`. */
  readonly widths: string;
  readonly networks: number;
  readonly seed: number;
  readonly seconds: number;
  /** Readout mode: networks whose own readout kernel put η past 2/λ_max. */
  readonly unstable: number;
  readonly steps: readonly TrainStepEnsemble[];
}

export interface TrainConfigResult {
  readonly name: string;
  /** The scaling every attention layer was set to; null when the spec's own was kept. */
  readonly scaling: string | null;
  readonly posEmb: boolean;
  readonly scaleHeads: boolean;
  readonly spec: NetworkSpec;
  /** Of the training kernel on the training inputs (+ ridge): λ_max, λ_min, condition number (null = singular), 2/λ_max. */
  readonly spectrum: { readonly max: number; readonly min: number; readonly condition: number | null; readonly nullity: number; readonly limit: number };
  /** Gradient steps run for t = ∞ (every-parameter training), else null. */
  readonly infinityStep: number | null;
  /** Logit samples behind a sampled kernel (0: closed form). */
  readonly kernelSamples: number;
  /** Points whose f_t the verdicts test. */
  readonly probe: number[];
  readonly seconds: number;
  readonly predictions: readonly TrainStepPrediction[];
  /** The two infinite-width predictors at t = ∞ on this configuration: NTK (every parameter) and NNGP posterior (readout). */
  readonly references: { readonly ntk: { readonly trainError: Estimate; readonly testError: Estimate | null }; readonly nngp: { readonly trainError: Estimate; readonly testError: Estimate | null } };
  readonly ensembles: readonly TrainEnsemble[];
  /** The verdict per step (scalar fields of the engine's result, plus the family's decision). */
  readonly verdicts: readonly Readonly<Record<string, unknown>>[];
  /** E[u uᵀ], u = (1, f_t at the probe points), at the last step: analytic and at the largest width. */
  readonly lastMoments: { readonly step: StepJSON; readonly analytic: Matrix; readonly empirical: Matrix; readonly labels: string[] };
}

export interface TrainSection {
  readonly spec: NetworkSpec;
  readonly task: {
    readonly inputs: string | null;
    readonly test: string | null;
    /** Training and test inputs: count, positions, channels, masked. */
    readonly n: number;
    readonly q: number;
    readonly T: number;
    readonly d: number;
    readonly masked: boolean;
    readonly targets: number[];
    readonly testTargets: number[] | null;
  };
  readonly config: {
    readonly mode: 'all' | 'readout';
    readonly lr: number;
    readonly ridge: number;
    readonly steps: StepJSON[];
    readonly widths: number[];
    readonly networks: number;
    readonly seed: number;
    readonly alpha: number;
    readonly precision: number;
  };
  readonly configs: readonly TrainConfigResult[];
}

export const stepToJSON = (t: number): StepJSON => (t === Infinity ? 'inf' : t);
export const stepLabelJSON = (t: StepJSON): string => (t === 'inf' ? '∞' : String(t));
