import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { readInputs } from '../io.ts';
import { parseNetworkSpec } from '../layers/parse.ts';
import { computeKernel } from '../pipeline/kernel.ts';
import { caseKernelOptions, engineDeclarations, runCase, type CaseDefinition } from './case.ts';

const root = resolve(import.meta.dirname, '../..');
const spec = (...layers: unknown[]) => parseNetworkSpec({ layers });
const dense = (width: number) => ({ type: 'dense', width });
/** dense(8) → activation → dense(1) on 8 vectors, width factors 1, 2, 4. */
const tinyCase = (activation: string, networks: number, seed: number): CaseDefinition => ({
  name: 'tiny',
  spec: spec(dense(8), { type: activation }, dense(1)),
  inputs: readInputs(resolve(root, 'fixtures/inputs/vec4x8.json')),
  scales: [1, 2, 4],
  networks,
  seed,
});

describe('runs at the same time', () => {
  // First in this file: the race was in the first initialisation of the backend.
  it('share one backend and give the numbers of the same runs one after the other', async () => {
    // Before, a second run could switch the backend under the first (a TypeError from inside tfjs).
    const c = tinyCase('tanh', 16, 9);
    const opts = { alpha: 0.01, draws: 2000 };
    const together = await Promise.all([runCase(c, opts), runCase({ ...c, seed: 10 }, opts)]);
    const apart = [await runCase(c, opts), await runCase({ ...c, seed: 10 }, opts)];
    for (const k of [0, 1]) {
      expect(together[k].backend).toBe(apart[k].backend);
      together[k].estimates.forEach((e, f) => expect(Array.from(e.result.nngp!)).toEqual(Array.from(apart[k].estimates[f].result.nngp!)));
      expect(together[k].verdicts.ntk!.statistic).toBe(apart[k].verdicts.ntk!.statistic);
    }
  });
});

describe("a case's least curvature allowance (CaseDefinition.curvatureFactor)", () => {
  it('raises what the layers declare and never lowers it', () => {
    const plain = spec(dense(8), { type: 'relu' }, dense(1));
    // LayerNorm after a non-centred activation declares 4 (src/layers/curvature.ts).
    const normed = spec(dense(8), { type: 'relu' }, { type: 'layerNorm' }, dense(1));
    expect(engineDeclarations(plain, false).curvatureFactor).toBe(1);
    expect(engineDeclarations(plain, false, 2).curvatureFactor).toBe(2);
    expect(engineDeclarations(normed, false).curvatureFactor).toBe(4);
    expect(engineDeclarations(normed, false, 2).curvatureFactor).toBe(4);
  });

  it("reaches the case's verdicts, which allow for it and say so", async () => {
    const c = tinyCase('relu', 32, 5);
    const opts = { alpha: 0.01, draws: 2000 };
    // One after the other: runs share the tfjs engine and its backend.
    const without = await runCase(c, opts);
    const floored = await runCase({ ...c, curvatureFactor: 3 }, opts);
    for (const kind of ['nngp', 'ntk'] as const) {
      expect(without.verdicts[kind]!.biasRegime!.curvatureFactor).toBe(1);
      const v = floored.verdicts[kind]!;
      expect(v.biasRegime!.curvatureFactor).toBe(3);
      expect(v.biasRegime!.maxAllowance).toBeGreaterThan(0);
      // The same networks, each |z| reduced by its allowance.
      expect(v.statistic).toBeLessThan(without.verdicts[kind]!.statistic);
      expect(v.method).toMatch(/allowance for a 1\/width² term 3×/);
    }
  });
});

describe("a case's analytic kernel draws (caseKernelOptions)", () => {
  it('are keyed by the case seed unless the caller names a seed', () => {
    const seeds = [1, 2, 3, 670_001, 670_002].map((s) => caseKernelOptions(s).seed);
    expect(new Set(seeds).size).toBe(seeds.length);
    expect(caseKernelOptions(7).seed).toBe(caseKernelOptions(7).seed);
    expect(caseKernelOptions(7, { seed: 3, precision: 0.02 })).toEqual({ seed: 3, precision: 0.02 });
    expect(caseKernelOptions(7, { precision: 0.02 })).toEqual({ seed: caseKernelOptions(7).seed, precision: 0.02 });
  });

  it("reach runCase's sampled kernel: two seeds on the same inputs give two independent kernel estimates", async () => {
    // sqrt softmax attention: its kernel is sampled, so a shared seed would reuse the same logit draws.
    const c: CaseDefinition = {
      name: 'softmax',
      spec: spec({ type: 'attention', heads: 2, keyWidth: 4, valueWidth: 4, outWidth: 4, scaling: 'sqrt', mechanism: 'softmax' }, dense(1)),
      inputs: readInputs(resolve(root, 'fixtures/inputs/seq3x4x6.json')),
      scales: [1, 2, 4],
      networks: 4,
      seed: 11,
    };
    const opts = { alpha: 0.01, draws: 500, kernel: { maxSamples: 256, samples: 8, replicas: 4 } };
    const a = await runCase(c, opts);
    const b = await runCase({ ...c, seed: 12 }, opts);
    const fixed = computeKernel(c.spec, c.inputs, { ...opts.kernel, seed: 1 });
    expect(a.kernel.samples).toBeGreaterThan(0);
    expect(Array.from(a.kernel.nngp)).toEqual(Array.from(computeKernel(c.spec, c.inputs, caseKernelOptions(11, opts.kernel)).nngp));
    expect(Array.from(a.kernel.nngp)).not.toEqual(Array.from(b.kernel.nngp));
    expect(Array.from(a.kernel.nngp)).not.toEqual(Array.from(fixed.nngp));
  });
});
