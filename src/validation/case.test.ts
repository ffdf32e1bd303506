import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { readInputs } from '../io.ts';
import { parseNetworkSpec } from '../layers/parse.ts';
import { engineDeclarations, runCase, type CaseDefinition } from './case.ts';

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
