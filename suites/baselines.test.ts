/**
 * Regression baselines catch planted drift, end to end: a small validation case is run, stored as
 * a baseline the way `validate --write-baseline` stores it, then compared with
 *   - a rerun with other network seeds: no drift (Monte-Carlo differences stay within their errors);
 *   - ReLU's kernel scaled by 1.001: analytic drift, caught exactly;
 *   - a changed spec: config drift (and the numbers move);
 *   - ReLU's finite forward pass scaled by 1.1: Monte-Carlo drift, caught by the z-tests.
 * It also checks the committed baseline of the default suite against a fresh float64 kernel
 * computation (cheap: no sampling), so a change to any closed-form kernel fails `npm test`.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { readInputs } from '../src/io.ts';
import { runCase, type CaseDefinition } from '../src/validation/case.ts';
import { overrideLayer } from '../src/layers/registry.ts';
import { activation } from '../src/layers/activation.ts';
import type { LayerFactory } from '../src/layers/types.ts';
import type { ActivationSpec } from '../src/spec/types.ts';
import { computeKernel } from '../src/pipeline/kernel.ts';
import { loadSuite } from '../src/validation/suite.ts';
import { compareWithBaseline } from '../src/baselines/compare.ts';
import { suiteResults } from '../src/cli/commands/validateExtras.ts';
import { readResults } from '../src/reports/write.ts';
import { flatten } from '../src/results/schema.ts';
import { withCorruptKernel } from '../fixtures/broken/types.ts';

const inputs = readInputs(resolve(import.meta.dirname, '../fixtures/inputs/vec4x8.json'));
const base: CaseDefinition = {
  name: 'mlp',
  spec: { layers: [{ type: 'dense', width: 16, wStd: 1.5, bStd: 0.3 }, { type: 'relu' }, { type: 'dense', width: 1, wStd: 1, bStd: 0.1 }] },
  inputs,
  scales: [1, 2, 4],
  networks: 96,
  seed: 5,
};

async function stored(c: CaseDefinition) {
  const r = await runCase(c, { alpha: 1e-3 });
  return suiteResults({ alpha: 1e-3 }, [c], [r], undefined, 'test');
}

async function withLayer<T>(type: string, factory: LayerFactory<never>, f: () => Promise<T>): Promise<T> {
  const restore = overrideLayer(type, factory);
  try {
    return await f();
  } finally {
    restore();
  }
}

describe('baselines catch planted drift', () => {
  it('passes a rerun with new seeds, and catches a 1.001 kernel, a changed spec and a changed forward pass', async () => {
    const baseline = await stored(base);

    const rerun = compareWithBaseline(baseline, await stored({ ...base, seed: 6 }));
    expect(rerun.drift, rerun.findings.map((f) => f.message).join('\n')).toBe(false);
    expect(rerun.compared.monteCarlo).toBeGreaterThan(0);

    const scaled = withCorruptKernel<ActivationSpec>(activation, (out) => ({ ...out, nngp: out.nngp.map((k) => k * 1.001), ntk: out.ntk.map((k) => k * 1.001) }));
    const kernelDrift = compareWithBaseline(baseline, await withLayer('relu', scaled, () => stored(base)));
    expect(kernelDrift.drift).toBe(true);
    const analytic = kernelDrift.findings.filter((f) => f.kind === 'analytic');
    expect(analytic.map((f) => f.message.split(':')[0])).toEqual(['analytic NNGP', 'analytic NTK']);
    // Same seeds, same forward pass: the ensembles are unchanged, only the kernel moved.
    expect(kernelDrift.findings.filter((f) => f.kind === 'monte-carlo')).toEqual([]);

    const specDrift = compareWithBaseline(baseline, await stored({ ...base, spec: { layers: [{ type: 'dense', width: 16, wStd: 1.6, bStd: 0.3 }, ...base.spec.layers.slice(1)] } }));
    expect(specDrift.drift).toBe(true);
    expect(specDrift.findings.map((f) => f.kind)).toContain('config');
    expect(specDrift.findings.map((f) => f.kind)).toContain('analytic');

    const louder: LayerFactory<never> = ((spec: ActivationSpec, site) => {
      const l = activation(spec, site);
      return { ...l, forward: (x: tf.Tensor4D, p, ctx) => ({ ...l.forward(x, p, ctx), y: l.forward(x, p, ctx).y.mul(1.1) as tf.Tensor4D }) };
    }) as LayerFactory<never>;
    const mcDrift = compareWithBaseline(baseline, await withLayer('relu', louder, () => stored({ ...base, seed: 6 })));
    expect(mcDrift.drift).toBe(true);
    expect(mcDrift.findings.filter((f) => f.kind === 'analytic')).toEqual([]);
    expect(mcDrift.findings.filter((f) => f.kind === 'monte-carlo').length).toBeGreaterThan(0);
  });
});

describe('the committed baseline of the default suite', () => {
  const file = resolve(import.meta.dirname, '../fixtures/baselines/default.json');
  it.skipIf(!existsSync(file))('holds the analytic kernels the code computes today, to float64 round-off', () => {
    const baseline = readResults(file);
    const cases = loadSuite(resolve(import.meta.dirname, '../fixtures/suites/default.json'));
    for (const c of baseline.validate!.cases) {
      const def = cases.find((d) => d.name === c.name);
      expect(def, `baseline case ${c.name} is not in the default suite (refresh: npm run baseline:refresh)`).toBeDefined();
      const k = computeKernel(def!.spec, def!.inputs);
      for (const which of ['nngp', 'ntk'] as const) {
        const stored = flatten(c.analytic[which]);
        const scale = Math.max(...Array.from(stored, Math.abs));
        const worst = Math.max(...Array.from(stored, (v, i) => Math.abs(v - k[which][i])));
        expect(worst, `${c.name} ${which}: the kernel changed since the baseline (refresh on purpose: npm run baseline:refresh)`).toBeLessThanOrEqual(1e-12 * scale);
      }
    }
  });
});

describe('validate --report / --write-baseline / --baseline on the command line', () => {
  it('writes a report and a baseline, passes against it, and exits 1 on drift', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ia-validate-'));
    const suite = (wStd: number) => ({
      cases: [
        {
          name: 'tiny',
          spec: { layers: [{ type: 'dense', width: 16, wStd, bStd: 0.3 }, { type: 'relu' }, { type: 'dense', width: 1 }] },
          inputs: JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/inputs/vec4x8.json'), 'utf8')),
          scales: [1, 2, 4],
          networks: 48,
          seed: 3,
        },
      ],
    });
    writeFileSync(join(dir, 'suite.json'), JSON.stringify(suite(1.5)));
    writeFileSync(join(dir, 'changed.json'), JSON.stringify(suite(1.6)));
    const validate = (...args: string[]) =>
      spawnSync(process.execPath, ['bin/infinite-attention.js', 'validate', '--quiet', ...args], { cwd: resolve(import.meta.dirname, '..'), encoding: 'utf8' });

    const first = validate('--suite', join(dir, 'suite.json'), '--report', join(dir, 'report'), '--write-baseline', join(dir, 'baseline.json'));
    expect(first.status, first.stderr).toBe(0);
    for (const f of ['report.md', 'report.html', 'results.json', 'junit.xml']) expect(existsSync(join(dir, 'report', f)), f).toBe(true);
    expect(readFileSync(join(dir, 'report', 'junit.xml'), 'utf8')).toContain('<testsuite name="tiny" tests="2" failures="0"');
    // The report carries what the terminal table carries, in columns (issue 11, item 7).
    const md = readFileSync(join(dir, 'report', 'report.md'), 'utf8');
    expect(md).toContain('| status | case | kernel | max\\|z\\| | p | p (Holm) | detects (uniform / one entry) | bias fit χ²/dof (p) | bias rate | seconds |');
    const rows = md.split('\n').filter((l) => /^\| passed \| tiny \| (nngp|ntk) \|/.test(l));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const cells = row.split(' | ');
      expect(cells[3], row).toMatch(/^\d+\.\d\d$/); // max|z|
      expect(cells[6], row).toMatch(/^(<0\.1|[\d.]+)% \/ (<0\.1|[\d.]+)%$/); // detects
      expect(cells[7], row).toMatch(/^\d+\.\d\d \(\d\.\de[-+]\d+\)$/); // bias fit
      expect(cells[8], row).toMatch(/^(w\^-?\d+\.\d\d±\d+\.\d\d|unresolved)$/); // bias rate
    }
    expect(readFileSync(join(dir, 'report', 'report.html'), 'utf8')).toContain('<th>bias fit χ²/dof (p)</th>');

    const same = validate('--suite', join(dir, 'suite.json'), '--baseline', join(dir, 'baseline.json'));
    expect(same.status, same.stdout).toBe(0);
    expect(same.stdout).toContain('no significant drift');

    const drift = validate('--suite', join(dir, 'changed.json'), '--baseline', join(dir, 'baseline.json'), '--json');
    expect(drift.status).toBe(1);
    // Under --json stdout stays one JSON document; the baseline's findings go to stderr.
    expect(() => JSON.parse(drift.stdout)).not.toThrow();
    expect(drift.stderr).toContain('DRIFT');
    expect(drift.stderr).toContain('the spec changed');
  });
});
