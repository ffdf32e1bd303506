/**
 * The transformer-like encoder against its kernels (issue 3, §4): dense → 2 × [residual(attention)
 * → layerNorm → residual(dense → relu → dense) → layerNorm] → globalAvgPool → dense, with
 * positional embeddings and masks (fixtures/suites/attention-encoder.json).
 *
 * Stacked attention is where finite-width bias is large (each layer raises the kernel to a high
 * power, and sqrt attention followed by LayerNorm is only Gaussian as H → ∞): the cases scale the
 * heads with the width, keep σQσK modest and run four or more width factors, so the verdict
 * engine fits the bias K∞ + a/width and tests its fit rather than tolerating it. One Holm family
 * at α = 1e-3, plus the fits asserted at the verdicts' level: false-failure rate ≤ 2e-3 (suites/family.ts); fixed seeds. The full profile adds fixtures/suites/attention-encoder-full.json.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { caseResults, expectHolmFamilyPasses, suiteCases, verdictSummary } from './family.ts';
import { suiteProfile } from './profile.ts';

const profile = suiteProfile();
const familyAlpha = 1e-3;
const { cases, alpha } = suiteCases('attention-encoder.json', 'attention-encoder-full.json', familyAlpha);
const results = caseResults(alpha);
const summary: string[] = [];

describe(`transformer-like encoder (${profile.name} profile): finite ensembles agree with the kernels`, () => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const r = await results.of(c);
      for (const [kind, v] of Object.entries(r.verdicts)) {
        const gaps = v!.relativeGap.map((g) => `×${g.scale} ${(100 * g.gap).toFixed(1)}%`).join(', ');
        const rate = r.rates[kind as 'nngp' | 'ntk'];
        summary.push(
          `${verdictSummary(c.name, kind, v!)} (p ${v!.biasModel.goodness.pValue.toExponential(1)}), gap ${gaps}, bias ∝ width^${rate?.resolved ? rate.exponent.toFixed(2) : '(unresolved)'}`,
        );
        expect(v!.detectableRelativeError, `${c.name} ${kind}`).toBeLessThan(0.25);
        expect(v!.biasModel.adequate, `${c.name} ${kind}: ${v!.notes.join('; ')}`).toBe(true);
      }
    },
    profile.timeout,
  );

  // Runs every case it has not seen yet (alone under -t), one test's time each.
  it('passes as a Holm family at α = 1e-3', async () => expectHolmFamilyPasses(await results.all(cases), cases.length, familyAlpha), profile.timeout * cases.length);
});

afterAll(() => {
  if (summary.length) console.log(summary.join('\n'));
});
