/**
 * The MLP family against its kernels: every case of the default suite must pass, and every
 * deliberately broken kernel in fixtures/broken must be caught by the same verdict.
 * Family-wise α = 1e-3 over the suite's verdicts (Bonferroni), so a correct kernel fails this file
 * by chance with probability below 1e-3; the seeds are fixed, so the outcome is reproducible.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadSuite } from '../src/validation/suite.ts';
import { runCase } from '../src/validation/case.ts';
import { overrideLayer } from '../src/layers/registry.ts';
import { brokenMlpLayers } from '../fixtures/broken/index.ts';

const cases = loadSuite(resolve(import.meta.dirname, '../fixtures/suites/default.json'));
const verdicts = cases.length * 2;
const alpha = 1e-3 / verdicts;
const summary: string[] = [];

describe('MLP suite: finite ensembles agree with the analytic kernels', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await runCase(c, { alpha });
    for (const [kind, v] of Object.entries(r.verdicts)) {
      summary.push(`${c.name} ${kind}: max|z| ${v!.statistic.toFixed(2)}, detects ≥ ${(100 * v!.detectableRelativeError).toFixed(1)}%`);
      expect(v!.rejected, `${c.name} ${kind}: ${v!.method}, max|z| = ${v!.statistic}, p = ${v!.pValue}`).toBe(false);
      // The verdict must have the power to see the bugs below: a 25 % kernel error.
      expect(v!.detectableRelativeError).toBeLessThan(0.25);
    }
  });
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
