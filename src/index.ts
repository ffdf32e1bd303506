/**
 * The public API of infinite-attention: everything a user's program or a layer file for
 * `check-layer` needs comes from here (`import { … } from 'infinite-attention'`), so a layer file
 * never reaches into the package's internals and always shares the CLI's one copy of its modules
 * (the layer registry is module state).
 */
// tfjs itself, the copy the package runs on, for a layer's forward pass and its types.
export * as tf from '@tensorflow/tfjs';

// Specs and inputs: types, the typed builder, validation, files, width scaling.
export * from './spec/types.ts';
export * from './layers/builder.ts';
export { parseInputs, inputBatchFrom, SpecError } from './spec/schema.ts';
export { parseNetworkSpec, networkSpecFrom, layerSchema } from './layers/parse.ts';
export { parseAttentionSpec } from './layers/attention/schema.ts';
export { readSpec, readInputs } from './io.ts';
export { scaleSpec, scaleWidth, describeWidths } from './layers/scale.ts';

// Analytic kernels and finite ensembles.
export { computeKernel, type KernelOptions, type KernelResult } from './pipeline/kernel.ts';
export { estimate, type EstimateOptions, type EstimateResult } from './estimators/ensemble.ts';
export { MomentAccumulator } from './estimators/accumulator.ts';
export { initBackend, type BackendChoice } from './backend.ts';

// Writing a layer: the factory interface, the kernel state and its helpers, activation maths,
// parameter sites, the layer registry (one entry per layer type: schema, factory, scaling, …; and
// the original built-in factories, for a layer that wraps one), elementwise layers in one call, and
// the module shape `check-layer` loads.
export type { Layer, LayerFactory, LayerSite, ParamDecl, ParamMap, FiniteContext, KernelContext, PreactivationSampler } from './layers/types.ts';
export { KernelError, featureGram, featureMeans, stateSize, type KernelState, type Distribution } from './kernels/state.ts';
export { quadratureActivation, DEFAULT_ACTIVATION_QUADRATURE, activations, type QuadratureActivationOptions, type ActivationMath, type PairMoments } from './kernels/activations/index.ts';
export { linear, addBias, leftShared, deferred, type DeferredWeight } from './layers/sites.ts';
export { registerLayer, unregisterLayer, overrideLayer, layerTypes, layerTypeOf, builtInLayers, builtInLayerTypes, type LayerType } from './layers/registry.ts';
export type { Field } from './layers/table.ts';
export { elementwise, type ElementwiseOptions } from './layers/activation.ts';
export { needsHeadScaling, headLimitLayers } from './layers/heads.ts';
export type { LayerModule, BrokenVariant } from './layers/module.ts';
export type { ScaleContext } from './layers/scale.ts';

// check-layer from code: the same engine the command runs (docs/check-layer.md).
export { checkLayer, checkProfiles, CheckLayerError, type CheckLayerOptions, type CheckLayerReport, type CompositionRow, type CheckSettings } from './checkLayer/engine.ts';
export { loadLayerModule } from './checkLayer/load.ts';

// Verdicts, statistics, validation cases and suites.
export * from './verdicts/index.ts';
export * as stats from './stats/index.ts';
export { runCase, type CaseDefinition, type CaseResult } from './validation/case.ts';
export { runCaseSequential, combinedPValue, lookLevel, type SequentialOptions, type SequentialCaseResult, type Look } from './validation/sequential.ts';
export { loadSuite } from './validation/suite.ts';
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
