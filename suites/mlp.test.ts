/**
 * The MLP family against its kernels, decided by the verdict engine (src/verdicts/): every case of
 * the default suite must pass, and every deliberately broken kernel in fixtures/broken must be
 * caught by the same verdicts.
 * All verdicts of the suite form one Holm family at α = 1e-3 (src/validation/family.ts), so a
 * correct kernel fails this file by chance with probability below 1e-3 (docs/calibration.md
 * measures it); the seeds are fixed, so the outcome is reproducible.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadSuite } from '../src/validation/suite.ts';
import { runCase, type CaseResult } from '../src/validation/case.ts';
import { verdictCount } from '../src/validation/family.ts';
import { expectHolmFamilyPasses } from './family.ts';
import { holmWorstCaseLevel } from '../src/verdicts/holmFamily.ts';
import { overrideLayer } from '../src/layers/registry.ts';
import { brokenMlpLayers } from '../fixtures/broken/index.ts';

const familyAlpha = 1e-3;
const cases = loadSuite(resolve(import.meta.dirname, '../fixtures/suites/default.json'));
// Each verdict is run (and states its power) at Holm's worst-case level; the family decides at α.
const alpha = holmWorstCaseLevel(familyAlpha, verdictCount(cases));
const results: CaseResult[] = [];
const summary: string[] = [];

describe('MLP suite: finite ensembles agree with the analytic kernels', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await runCase(c, { alpha });
    results.push(r);
    for (const [kind, v] of Object.entries(r.verdicts)) {
      summary.push(
        `${c.name} ${kind}: max|z| ${v!.statistic.toFixed(2)}, p ${v!.pValue.toExponential(1)}, detects ≥ ${(100 * v!.detectableRelativeError).toFixed(1)}%, bias fit χ²/dof ${v!.biasModel.goodness.chi2PerDof.toFixed(2)}${v!.biasModel.adequate ? '' : ' (bias model rejected)'}`,
      );
      // The verdict must have the power to see the bugs below: a 25 % kernel error.
      expect(v!.detectableRelativeError).toBeLessThan(0.25);
    }
  });

  it('passes as a Holm family at α = 1e-3', () => expectHolmFamilyPasses(results, cases.length, familyAlpha));
});

/** Which case exposes each broken layer (a case that uses the layer where the bug matters). */
const exposedBy: Record<string, string> = {
  'dense-ntk-without-K': 'relu',
  'relu-half-scale': 'relu-masked',
  'layernorm-uncentred': 'relu-layernorm',
};

describe('broken kernels are caught', () => {
  it.each(brokenMlpLayers.map((b) => [b.name, b] as const))('%s', async (_name, b) => {
    const c = cases.find((k) => k.name === exposedBy[b.name]);
    expect(c, `no case named ${exposedBy[b.name]}`).toBeDefined();
    const restore = overrideLayer(b.type, b.factory);
    try {
      const r = await runCase(c!, { alpha });
      const caught = Object.values(r.verdicts).some((v) => v?.rejected);
      expect(caught, `${b.bug} was not caught on case ${c!.name}`).toBe(true);
    } finally {
      restore();
    }
  });
});

afterAll(() => {
  if (summary.length) console.log(summary.join('\n'));
});
