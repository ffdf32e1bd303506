/**
 * The transformer-like encoder against its kernels (issue 3, §4): dense → 2 × [residual(attention)
 * → layerNorm → residual(dense → relu → dense) → layerNorm] → globalAvgPool → dense, with
 * positional embeddings and masks (fixtures/suites/attention-encoder.json).
 *
 * Stacked attention is where finite-width bias is large (each layer raises the kernel to a high
 * power, and sqrt attention followed by LayerNorm is only Gaussian as H → ∞): the cases scale the
 * heads with the width, keep σQσK modest and run four or more width factors, so the verdict
 * engine fits the bias K∞ + a/width and tests its fit rather than tolerating it. One Holm family
 * at α = 1e-3; fixed seeds. The full profile adds fixtures/suites/attention-encoder-full.json.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadSuite } from '../src/validation/suite.ts';
import { runCase, type CaseResult } from '../src/validation/case.ts';
import { verdictCount } from '../src/validation/family.ts';
import { expectHolmFamilyPasses } from './family.ts';
import { holmWorstCaseLevel } from '../src/verdicts/holmFamily.ts';
import { suiteProfile } from './profile.ts';

const profile = suiteProfile();
const familyAlpha = 1e-3;
const suiteFile = (name: string) => resolve(import.meta.dirname, `../fixtures/suites/${name}`);
const cases = [...loadSuite(suiteFile('attention-encoder.json')), ...(profile.name === 'full' ? loadSuite(suiteFile('attention-encoder-full.json')) : [])];
const alpha = holmWorstCaseLevel(familyAlpha, verdictCount(cases));
const results: CaseResult[] = [];
const summary: string[] = [];

describe(`transformer-like encoder (${profile.name} profile): finite ensembles agree with the kernels`, () => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const r = await runCase(c, { alpha });
      results.push(r);
      for (const [kind, v] of Object.entries(r.verdicts)) {
        const gaps = v!.relativeGap.map((g) => `×${g.scale} ${(100 * g.gap).toFixed(1)}%`).join(', ');
        const rate = r.rates[kind as 'nngp' | 'ntk'];
        summary.push(
          `${c.name} ${kind}: max|z| ${v!.statistic.toFixed(2)}, p ${v!.pValue.toExponential(1)}, detects ≥ ${(100 * v!.detectableRelativeError).toFixed(1)}%, bias fit χ²/dof ${v!.biasModel.goodness.chi2PerDof.toFixed(2)} (p ${v!.biasModel.goodness.pValue.toExponential(1)}), gap ${gaps}, bias ∝ width^${rate?.resolved ? rate.exponent.toFixed(2) : '(unresolved)'}`,
        );
        expect(v!.detectableRelativeError, `${c.name} ${kind}`).toBeLessThan(0.25);
        expect(v!.biasModel.adequate, `${c.name} ${kind}: ${v!.notes.join('; ')}`).toBe(true);
      }
    },
    profile.timeout,
  );

  it('passes as a Holm family at α = 1e-3', () => expectHolmFamilyPasses(results, cases.length, familyAlpha));
});

afterAll(() => {
  if (summary.length) console.log(summary.join('\n'));
});
