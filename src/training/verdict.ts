/**
 * Training predictions through the existing verdict engine (src/verdicts/kernelAgreement.ts),
 * unchanged. The engine tests the ensemble mean of a per-network outer product — a P × P matrix,
 * with its finite-width bias model and its joint max|z| test over the unique entries. The
 * prediction of training has a vector part (the mean μ_t) and a matrix part (E[f_t fᵀ_t]); both
 * are entries of ONE such outer product: per network take u = (1, f_t(z₁), …, f_t(z_p)) over the
 * probe points, then
 *
 *   E[u uᵀ] = [[1, μ_tᵀ], [μ_t, E f_t f_tᵀ]]     ((p + 1) × (p + 1))
 *
 * whose analytic value is [[1, μᵀ], [μ, C + μμᵀ]] from predict.ts. Row 0 holds the mean, the rest
 * the second moment, and the engine's per-network covariance across entries (the trainer's
 * `moments` accumulator) correlates the two, so one verdict tests mean and covariance jointly,
 * at the engine's stated level and with its stated power. The constant entry 1 is exact on both
 * sides and says nothing. Its ensemble SE is 0, which would make a "relative error of the
 * constant" detectable at any size and so void the engine's power figures; the adapter gives it
 * a unit SE instead (CONSTANT_SE: the constant's own scale), which keeps its z at 0, uncorrelated
 * with every other entry (its covariances are exactly 0), and out of the power figures. Its cost:
 * one extra independent coordinate in the max|z| null and one zero χ² term in the bias-model
 * fit, both conservative and of relative size 1/entries.
 *
 * Training adds its own finite-width effect: at finite width the tangent kernel moves during
 * training (an O(1/width) change of E[f_t] beside the O(1/width) of the initial kernels; Lee et al.
 * 2019, Theorem 2.1 bounds the move by O(n^(−1/2)) per network). The engine's 1/width model covers
 * both, and it is tested: when its goodness of fit rejects at α the verdict is inconclusive
 * (`bias-regime`), as src/verdicts/types.ts's contract asks, and leaves the Holm family.
 */
import { kernelAgreement, type KernelAgreement, type WidthEstimate } from '../verdicts/kernelAgreement.ts';
import { DEFAULT_ALPHA, type Inconclusive } from '../verdicts/types.ts';
import type { PredictionWithSE } from './analytic.ts';
import type { StepAccumulators } from './trainer.ts';

export interface TrainingAgreement extends KernelAgreement {
  /** The step tested (Infinity for trained to convergence). */
  readonly step: number;
  /** Points whose f_t is tested (indices into the joint batch). */
  readonly probe: readonly number[];
}

/** [[1, μᵀ], [μ, S]] over the probe points, (p + 1)² row-major; with `se`, the same layout of SEs (0 for the constant). */
export function augmentedMoment(mean: Float64Array, second: Float64Array, Q: number, probe: readonly number[]): Float64Array {
  const p = probe.length + 1;
  const out = new Float64Array(p * p);
  out[0] = 1;
  probe.forEach((z, a) => {
    out[a + 1] = out[(a + 1) * p] = mean[z];
    probe.forEach((w, b) => (out[(a + 1) * p + b + 1] = second[z * Q + w]));
  });
  return out;
}

/** The ensemble SE given to the constant entry of u uᵀ (see the module comment). */
export const CONSTANT_SE = 1;

/** Analytic SEs in the layout of augmentedMoment (0 at the constant). */
export function augmentedSE(meanSE: Float64Array, secondSE: Float64Array, Q: number, probe: readonly number[]): Float64Array {
  const out = augmentedMoment(meanSE, secondSE, Q, probe);
  out[0] = 0;
  return out;
}

export interface TrainingAgreementInput {
  readonly prediction: PredictionWithSE;
  /** Q, the points of the prediction. */
  readonly Q: number;
  readonly probe: readonly number[];
  /** Per width factor, the trainer's accumulators at this step. */
  readonly estimates: readonly { readonly scale: number; readonly accumulators: StepAccumulators }[];
  readonly alpha?: number;
  readonly draws?: number;
}

/** The ensemble's moments as the engine's WidthEstimate: mean, SE and the covariance of the mean across entries. */
export function momentEstimate(scale: number, acc: StepAccumulators): WidthEstimate {
  const m = acc.moments;
  const n = m.count;
  const se = m.standardError();
  se[0] = CONSTANT_SE;
  return { scale, mean: new Float64Array(m.mean), se, networks: n, covariance: m.cov ? m.cov.map((v) => v / ((n - 1) * n)) : null };
}

export function trainingAgreement(input: TrainingAgreementInput): TrainingAgreement {
  const { prediction: pr, Q, probe } = input;
  const alpha = input.alpha ?? DEFAULT_ALPHA;
  const analytic = augmentedMoment(pr.mean, pr.secondMoment, Q, probe);
  const analyticSE = pr.meanSE && pr.secondMomentSE ? augmentedSE(pr.meanSE, pr.secondMomentSE, Q, probe) : null;
  const p = probe.length + 1;
  for (const e of input.estimates)
    if (e.accumulators.step !== pr.step) throw new Error(`trainingAgreement: ensemble at step ${e.accumulators.step}, prediction at step ${pr.step}`);
  const v = kernelAgreement({
    analytic,
    analyticSE,
    mask: new Float64Array(p).fill(1),
    alpha,
    draws: input.draws,
    estimates: input.estimates.map((e) => momentEstimate(e.scale, e.accumulators)),
    // Training keeps its own bias-regime rule (the χ² fit below): kernelAgreement's curvature rule
    // was calibrated on kernels at initialisation only (docs/calibration.md), not on trained means,
    // and its bias-rate rule rests on the rate of a kernel entry at initialisation (a Lipschitz
    // function of channel averages), not on the trained output's.
    biasRegime: false,
    biasRate: false,
  });
  const inconclusive: Inconclusive[] = [...(v.inconclusive ?? [])];
  if (!v.biasModel.adequate && !inconclusive.some((i) => i.code === 'bias-regime')) {
    const g = v.biasModel.goodness;
    inconclusive.push({
      code: 'bias-regime',
      reason: `the 1/width bias model does not fit the trained ensembles' moments (χ²/dof = ${g.chi2PerDof.toFixed(2)}, p = ${g.pValue.toExponential(1)} ≤ α = ${alpha.toExponential(1)}): at these widths the tangent kernel moves during training by more than a 1/width correction`,
      remedy: 'use wider networks (larger width factors, and more heads under sqrt scaling), fewer steps, or a smaller learning rate',
    });
  }
  return {
    ...v,
    method: `${v.method}; entries: f_t's mean and second moment at ${probe.length} points (the outer product of (1, f_t))`,
    step: pr.step,
    probe,
    ...(inconclusive.length ? { inconclusive } : {}),
  };
}
