/** The verdict engine (docs/verdicts.md). */
export { DEFAULT_ALPHA, type Verdict } from './types.ts';
export { fitBiasModel, type BiasModelFit, type BiasModelGoodness, type WidthSample } from './biasModel.ts';
export { MaxAbsGaussian, type MaxAbsGaussianOptions } from './maxAbsGaussian.ts';
export { kernelAgreement, uniqueEntries, type AgreementInput, type KernelAgreement, type WidthEstimate } from './kernelAgreement.ts';
export { biasByWidth, type BiasAtWidth } from './biasByWidth.ts';
export { convergenceRate, type ConvergenceRate, type RateInput } from './convergenceRate.ts';
export { holmFamily, holmWorstCaseLevel, type FamilyDecision } from './holmFamily.ts';
export {
  skewnessVerdict,
  kurtosisVerdict,
  jarqueBeraVerdict,
  andersonDarlingVerdict,
  ksAgainstNormalVerdict,
  mardiaVerdict,
  univariateGaussianity,
  type MomentVerdict,
  type GaussianityReport,
} from './gaussianity.ts';
export { psdFactor } from '../linalg/cholesky.ts';
