/**
 * The MLP family against its kernels, decided by the verdict engine (src/verdicts/): every case of
 * fixtures/suites/mlp.json must pass, and every deliberately broken kernel in fixtures/broken must be
 * caught by the same verdicts. (The default suite of `npm run validate` runs four of these cases
 * beside attention; the attention suites run theirs.)
 * All verdicts of the suite form one Holm family at α = 1e-3 (src/validation/family.ts), so a
 * correct kernel fails this file by chance with probability below 1e-3 (docs/calibration.md
 * measures it); the seeds are fixed, so the outcome is reproducible.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runCase } from '../src/validation/case.ts';
import { caseResults, expectHolmFamilyPasses, suiteCases, verdictSummary } from './family.ts';
import { overrideLayer } from '../src/layers/registry.ts';
import { brokenMlpLayers } from '../fixtures/broken/index.ts';

const familyAlpha = 1e-3;
// Each verdict is run (and states its power) at Holm's worst-case level; the family decides at α.
const { cases, alpha } = suiteCases('mlp.json', null, familyAlpha);
const results = caseResults(alpha);
const summary: string[] = [];

describe('MLP suite: finite ensembles agree with the analytic kernels', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await results.of(c);
    for (const [kind, v] of Object.entries(r.verdicts)) {
      summary.push(`${verdictSummary(c.name, kind, v!)}${v!.biasModel.adequate ? '' : ' (bias model rejected)'}`);
      // The verdict must have the power to see the bugs below: a 25 % kernel error.
      expect(v!.detectableRelativeError).toBeLessThan(0.25);
    }
  });

  // Runs every case it has not seen yet (alone under -t), one test's time each.
  it('passes as a Holm family at α = 1e-3', async () => expectHolmFamilyPasses(await results.all(cases), cases.length, familyAlpha), 120_000 * cases.length);
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
