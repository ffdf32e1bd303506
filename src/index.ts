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
export { kernelAgreement, type KernelAgreement, type WidthEstimate } from './verdicts/kernelAgreement.ts';
export { runCase, type CaseDefinition, type CaseResult } from './validation/case.ts';
export { loadSuite } from './validation/suite.ts';
export type { LayerModule, BrokenVariant } from './cli/commands/layerModule.ts';
export { featureGram, featureMeans } from './kernels/state.ts';
export { linear, addBias, leftShared } from './layers/sites.ts';
export { quadratureActivation } from './kernels/activations/quadrature.ts';
