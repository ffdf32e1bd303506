/**
 * One training case: a spec and a training task, the analytic prediction of f_t at the requested
 * steps (predict.ts, with SEs from a sampled kernel's replicas), trained finite ensembles at three
 * or more width factors (and head factors under sqrt scaling), and one verdict per step
 * (verdict.ts, through the unchanged verdict engine).
 *
 * The ensembles do not depend on the predictor, so `evaluateTraining` re-decides a finished case
 * against another predictor (a broken fixture) without training anything again.
 */
import type { NetworkSpec } from '../spec/types.ts';
import { scaleSpec } from '../layers/scale.ts';
import { checkScales, widthSeed } from '../validation/case.ts';
import type { BackendChoice } from '../backend.ts';
import { DEFAULT_ALPHA } from '../verdicts/types.ts';
import type { TrainingTask } from './task.ts';
import { analyticTraining, predictFromKernel, type AnalyticTraining } from './analytic.ts';
import { predictTraining, type PredictOptions, type Step, type TimeModel, type TrainingMode, type TrainingPredictor } from './predict.ts';
import { convergenceSteps, trainEnsemble, type TrainResult } from './trainer.ts';
import { trainingAgreement, type TrainingAgreement } from './verdict.ts';

export interface TrainingCaseDefinition {
  readonly name: string;
  readonly spec: NetworkSpec;
  readonly task: TrainingTask;
  readonly mode: TrainingMode;
  readonly lr: number;
  readonly ridge?: number;
  readonly steps: readonly Step[];
  /** Width factors (≥ 3 distinct) of the trained ensembles. */
  readonly scales: readonly number[];
  /** Whether attention heads grow with the width factor (sqrt scaling: its limit is H → ∞). */
  readonly scaleHeads?: boolean;
  readonly networks: number;
  readonly seed: number;
  /** Points whose f_t the verdicts test; default all when there are at most 12, else 6 training and 6 test points. */
  readonly probe?: readonly number[];
  /** Target relative precision of a sampled kernel (computeKernel); default 0.01. */
  readonly precision?: number;
}

export interface TrainingEnsemble {
  readonly scale: number;
  readonly seed: number;
  readonly result: TrainResult;
}

export interface TrainingCaseResult {
  readonly name: string;
  readonly analytic: AnalyticTraining;
  readonly ensembles: readonly TrainingEnsemble[];
  readonly verdicts: readonly TrainingAgreement[];
  readonly probe: readonly number[];
  /** Gradient steps run for t = ∞ ('all' mode), else null. */
  readonly infinityStep: number | null;
  readonly backend: string;
  readonly seconds: number;
}

export interface TrainingRunOptions {
  readonly alpha?: number;
  readonly backend?: BackendChoice;
  readonly draws?: number;
  readonly workers?: number;
  readonly onProgress?: (message: string) => void;
  /** The predictor under test (default predict.ts's). */
  readonly predictor?: TrainingPredictor;
}

export function defaultProbe(Q: number, n: number): number[] {
  if (Q <= 12) return Array.from({ length: Q }, (_, i) => i);
  const train = Array.from({ length: Math.min(6, n) }, (_, i) => i);
  const test = Array.from({ length: Math.min(6, Q - n) }, (_, i) => n + i);
  return [...train, ...test];
}

export function predictOptions(c: Pick<TrainingCaseDefinition, 'mode' | 'lr' | 'ridge'>, time: TimeModel = 'discrete'): PredictOptions {
  return { mode: c.mode, lr: c.lr, ridge: c.ridge ?? 0, time };
}

/** Verdicts of a finished case against `predictor` (the ensembles are reused). */
export function evaluateTraining(c: TrainingCaseDefinition, r: Pick<TrainingCaseResult, 'analytic' | 'ensembles' | 'probe'>, opts: Pick<TrainingRunOptions, 'alpha' | 'draws' | 'predictor'> = {}): TrainingAgreement[] {
  const { analytic } = r;
  const predictions = opts.predictor
    ? predictFromKernel(analytic.kernel, analytic.Q, analytic.n, c.task.targets, c.steps, predictOptions(c), opts.predictor, c.task.testTargets)
    : analytic.predictions;
  return predictions.map((prediction, k) =>
    trainingAgreement({
      prediction,
      Q: analytic.Q,
      probe: r.probe,
      alpha: opts.alpha ?? DEFAULT_ALPHA,
      draws: opts.draws,
      estimates: r.ensembles.map((e) => ({ scale: e.scale, accumulators: e.result.accumulators[k] })),
    }),
  );
}

export async function runTrainingCase(c: TrainingCaseDefinition, opts: TrainingRunOptions = {}): Promise<TrainingCaseResult> {
  const start = performance.now();
  checkScales(c.scales);
  const analytic = analyticTraining(c.spec, c.task, c.steps, predictOptions(c), { precision: c.precision }, opts.predictor ?? predictTraining);
  const probe = c.probe ?? defaultProbe(analytic.Q, analytic.n);
  // ∞ in 'all' mode: as many gradient steps as the analytic spectrum needs to decay to 1e-6.
  const infinityStep =
    c.mode === 'all' && c.steps.includes(Infinity)
      ? // |1 − ηa| is largest at an end of the spectrum, so its two ends decide.
        convergenceSteps([analytic.spectrum.max, analytic.spectrum.minPositive], c.lr)
      : null;
  const ensembles: TrainingEnsemble[] = [];
  for (const [k, scale] of c.scales.entries()) {
    const spec = scaleSpec(c.spec, { width: scale, heads: c.scaleHeads ? scale : 1 });
    const seed = widthSeed(c.seed, k);
    const common = {
      networks: c.networks,
      seed,
      mode: c.mode,
      lr: c.lr,
      ridge: c.ridge,
      steps: c.steps,
      infinityStep: infinityStep ?? undefined,
      probe,
      backend: opts.backend,
      onProgress: (done: number, total: number) => opts.onProgress?.(`${c.name} ×${scale}: ${done}/${total} networks trained`),
    };
    const result =
      (opts.workers ?? 1) > 1
        ? await (await import('./shards.ts')).trainParallel(spec, c.task, { ...common, workers: opts.workers! })
        : await trainEnsemble(spec, c.task, common);
    ensembles.push({ scale, seed, result });
  }
  const partial = { analytic, ensembles, probe };
  const verdicts = evaluateTraining(c, partial, { alpha: opts.alpha, draws: opts.draws });
  return { name: c.name, ...partial, verdicts, infinityStep, backend: ensembles[0].result.backend, seconds: (performance.now() - start) / 1000 };
}
