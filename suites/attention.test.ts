/**
 * Multi-head self-attention against its kernels (issue 3, §4; docs/kernels.md §5), decided by
 * the verdict engine (src/verdicts/): every variant of
 * fixtures/suites/attention.json — linear and sqrt scaling × softmax, identity, relu, abs;
 * positional embeddings sum and concat, with and without decay, seen or not by the values,
 * trainable or fixed; masked and unmasked inputs — must agree with the kernel in NNGP and NTK,
 * and every deliberately broken attention kernel of fixtures/broken must be caught by the same
 * verdicts on a case where its bug matters.
 *
 * All verdicts of the file form one Holm family at α = 1e-3 (src/validation/family.ts); each is run
 * (and states its power) at Holm's worst-case level. Each case also asserts its bias-model fit at
 * that level, so the suite's false-failure rate is at most 2e-3 (suites/family.ts). Seeds are fixed, so the outcome is
 * reproducible. The full profile (SUITES_PROFILE=full) adds fixtures/suites/attention-full.json.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runCase } from '../src/validation/case.ts';
import { caseResults, expectHolmFamilyPasses, suiteCases, verdictSummary } from './family.ts';
import { overrideLayer } from '../src/layers/registry.ts';
import { brokenAttentionLayers } from '../fixtures/broken/index.ts';
import { suiteProfile } from './profile.ts';

const profile = suiteProfile();
const familyAlpha = 1e-3;
const { cases, alpha } = suiteCases('attention.json', 'attention-full.json', familyAlpha);
const results = caseResults(alpha);
const summary: string[] = [];

describe(`attention suite (${profile.name} profile): finite ensembles agree with the kernels`, () => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const r = await results.of(c);
      for (const [kind, v] of Object.entries(r.verdicts)) {
        const gaps = v!.relativeGap.map((g) => `×${g.scale} ${(100 * g.gap).toFixed(1)}%`).join(', ');
        summary.push(`${verdictSummary(c.name, kind, v!)}, gap ${gaps}${r.kernel.samples ? `, kernel sampled (${r.kernel.samples} logit draws)` : ''}`);
        // The power to see a 25 % kernel error, and a bias model that fits the widths.
        expect(v!.detectableRelativeError, `${c.name} ${kind}`).toBeLessThan(0.25);
        expect(v!.biasModel.adequate, `${c.name} ${kind}: ${v!.notes.join('; ')}`).toBe(true);
      }
    },
    profile.timeout,
  );

  // Runs every case it has not seen yet (alone under -t), one test's time each.
  it('passes as a Holm family at α = 1e-3', async () => expectHolmFamilyPasses(await results.all(cases), cases.length, familyAlpha), profile.timeout * cases.length);
});

/**
 * Which case exposes each broken layer: one that uses the layer where the bug matters (a masked
 * softmax for the mask, a concat embedding for its weights, a trainable embedding for its NTK term).
 * Linear-scaling bugs run on closed-form cases, the cheapest runs.
 */
const exposedBy: Record<string, string> = {
  'attention-ntk-without-2K': 'linear-softmax-masked',
  'attention-concat-weights-swapped': 'linear-relu-concat-fixed',
  'attention-softmax-mask-ignored': 'linear-softmax-masked',
  'attention-embedding-missing-from-ntk': 'linear-identity-sum-decay-values-masked',
  // The one sqrt-specific bug: the logit path, on the headline case (sampled kernel).
  'attention-ntk-without-query-key-weights': 'sqrt-softmax-sum-decay-masked',
  // The relu closed form (D.12) without s·E[A Θv Aᵀ]: Θv ≠ 0 after the first dense layer.
  'attention-closed-form-without-value-ntk': 'sqrt-relu-masked',
};

describe('broken attention kernels are caught', () => {
  it.each(brokenAttentionLayers.map((b) => [b.name, b] as const))(
    '%s',
    async (_name, b) => {
      const c = cases.find((k) => k.name === exposedBy[b.name]);
      expect(c, `no case named ${exposedBy[b.name]}`).toBeDefined();
      const restore = overrideLayer(b.type, b.factory);
      try {
        const r = await runCase(c!, { alpha });
        const caught = Object.entries(r.verdicts).filter(([, v]) => v?.rejected);
        summary.push(`broken ${b.name} on ${c!.name}: caught by ${caught.map(([k, v]) => `${k} (max|z| ${v!.statistic.toFixed(1)}, p ${v!.pValue.toExponential(1)})`).join(', ') || 'nothing'}`);
        expect(caught.length, `${b.bug} was not caught on case ${c!.name}`).toBeGreaterThan(0);
      } finally {
        restore();
      }
    },
    profile.timeout,
  );
});

afterAll(() => {
  if (summary.length) console.log(summary.join('\n'));
});
