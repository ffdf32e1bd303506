/** Limit laws of finite networks beyond their kernels (the law at fixed heads), and moments with honest standard errors. */
export { AttentionOutputLaw, mixtureMoments, type AttentionLawOptions } from './singleHeadLaw.ts';
export { excessKurtosisDelta, totalVariance, type Estimate } from './sampleMoments.ts';
