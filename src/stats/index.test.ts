import { describe, expect, it } from 'vitest';
import * as stats from './index.ts';

describe('index', () => {
  it('re-exports every public function', () => {
    const names = [
      'logGamma', 'regularizedGammaP', 'regularizedGammaQ', 'regularizedBeta', 'betaQuantile', 'erf', 'erfcScaled',
      'normalPdf', 'normalCdf', 'normalSurvival', 'normalQuantile', 'studentTCdf', 'studentTQuantile',
      'chiSquaredCdf', 'chiSquaredSurvival', 'fCdf', 'fSurvival', 'kolmogorovSurvival', 'holm', 'bonferroni',
      'binomialInterval', 'skewnessWithSE', 'excessKurtosisWithSE', 'jarqueBera', 'andersonDarlingNormal',
      'andersonDarlingNormalPValue', 'ksOneSample', 'ksTwoSample', 'mardia', 'hotellingOneSample',
      'weightedLinearFit', 'powerLawFit', 'maxAbsZTest', 'minimumDetectableEffect',
    ];
    for (const name of names) expect(typeof (stats as Record<string, unknown>)[name], name).toBe('function');
    expect(Object.keys(stats).sort()).toEqual([...names].sort());
  });
});
