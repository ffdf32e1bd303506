/** The public API of infinite-attention. */
export * from './spec/types.ts';
export * from './spec/builder.ts';
export { parseNetworkSpec, parseInputs, SpecError } from './spec/schema.ts';
export { scaleSpec } from './spec/scale.ts';
export { computeKernel, type KernelOptions, type KernelResult } from './kernels/compute.ts';
export { KernelError, type KernelState, type Distribution } from './kernels/state.ts';
export { estimate, type EstimateOptions, type EstimateResult } from './estimators/ensemble.ts';
export { MomentAccumulator } from './estimators/accumulator.ts';
export { initBackend, type BackendChoice } from './backend.ts';
export type { Layer, LayerFactory, LayerSite, ParamDecl, ParamMap, FiniteContext, KernelContext } from './layers/types.ts';
export { registerLayer, overrideLayer } from './layers/registry.ts';
export * from './verdicts/index.ts';
export * as stats from './stats/index.ts';
export { runCase, type CaseDefinition, type CaseResult } from './validation/case.ts';
export { loadSuite } from './validation/suite.ts';
export type { LayerModule, BrokenVariant } from './cli/commands/layerModule.ts';
export { featureGram, featureMeans } from './kernels/state.ts';
export { linear, addBias, leftShared } from './layers/sites.ts';
export { quadratureActivation } from './kernels/activations/quadrature.ts';
// Training against the infinite-width predictions (docs/training.md).
export {
  predictTraining,
  predictionMoments,
  trainingMap,
  trainingSpectrum,
  stabilityLimit,
  secondMoment,
  TrainingInputError,
  type PredictOptions,
  type Prediction,
  type TrainingKernels,
  type TrainingMode,
  type TrainingPredictor,
  type TimeModel,
  type Step,
} from './training/predict.ts';
export { analyticTraining, predictFromKernel, type AnalyticTraining, type PredictionWithSE } from './training/analytic.ts';
export { trainEnsemble, convergenceSteps, TrainingDivergedError, type TrainOptions, type TrainResult, type StepAccumulators } from './training/trainer.ts';
export { runTrainingShard, mergeTrainingShards, trainParallel, type TrainShardFile } from './training/shards.ts';
export { trainingAgreement, type TrainingAgreement } from './training/verdict.ts';
export { runTrainingCase, evaluateTraining, type TrainingCaseDefinition, type TrainingCaseResult } from './training/case.ts';
export { loadTrainingCases } from './training/suite.ts';
export { gridConfigs, type GridConfig } from './training/grid.ts';
export { jointBatch, type TrainingTask } from './training/task.ts';
export { parseTargets, parseSteps, parseLearningRate, parseRidge } from './training/schema.ts';
export { sequenceTask, type SequenceTask, type SequenceTaskOptions } from './tasks/sequence.ts';
export { symmetricEigen, type SymmetricEigen } from './linalg/symmetricEigen.ts';
