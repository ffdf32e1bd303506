import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { readInputs } from '../io.ts';
import { parseNetworkSpec } from '../layers/parse.ts';
import { uniformStream } from '../random/normals.ts';
import { binomialInterval } from '../stats/binomialInterval.ts';
import { runCase, type CaseDefinition } from './case.ts';
import { combinedPValue, lookLevel, runCaseSequential } from './sequential.ts';

const root = resolve(import.meta.dirname, '../..');
const tiny: CaseDefinition = {
  name: 'tiny',
  spec: parseNetworkSpec({ layers: [{ type: 'dense', width: 8 }, { type: 'relu' }, { type: 'dense', width: 1 }] }),
  inputs: readInputs(resolve(root, 'fixtures/inputs/vec4x8.json')),
  scales: [1, 2, 4],
  networks: 32,
  seed: 5,
};

describe('the level spent over looks', () => {
  it('look k spends α·2^(−k), and the combination is min_k 2^k·p_k over the conclusive looks', () => {
    expect([1, 2, 3].map((k) => lookLevel(0.04, k))).toEqual([0.02, 0.01, 0.005]);
    expect(combinedPValue([0.3, 0.02, NaN, 0.004])).toBeCloseTo(Math.min(0.6, 0.08, 0.064), 15);
    expect(combinedPValue([NaN, NaN])).toBe(1);
    expect(combinedPValue([0.9])).toBe(1);
  });

  // Under the null the combination rejects at most α of the time whatever the dependence between
  // looks: independent looks are the worst case of the union bound, identical looks the least bad.
  it.each([
    ['independent', false],
    ['identical', true],
  ])('%s null p-values over 8 looks reject at most α = 0.05 of 20 000 runs', (_name, identical) => {
    const u = uniformStream(`sequential/level/${identical}`);
    const runs = 20_000;
    let rejected = 0;
    for (let r = 0; r < runs; r++) {
      const first = u();
      const ps = Array.from({ length: 8 }, () => (identical ? first : u()));
      if (combinedPValue(ps) <= 0.05) rejected++;
    }
    const ci = binomialInterval(rejected, runs, 0.999);
    expect(ci.lower, `${rejected}/${runs} rejected`).toBeLessThanOrEqual(0.05);
    // Identical looks spend only the first look's share, α/2: the bound is not loose by more than that.
    expect(ci.upper).toBeGreaterThanOrEqual(identical ? 0.025 : 0.049);
  });
});

describe('runCaseSequential', () => {
  it('extends each ensemble with the networks a larger plain run draws, and spends the level over the looks', async () => {
    const seq = await runCaseSequential(tiny, { alpha: 0.01, targetError: 1e-6, maxLooks: 2, draws: 4000 });
    expect(seq.looks.map((l) => l.networks)).toEqual([32, 64]);
    expect(seq.stopped).toBe('looks');
    const plain = await runCase({ ...tiny, networks: 64 }, { alpha: lookLevel(0.01, 2), draws: 4000 });
    // What reports read (means, SEs, counts) is the extended ensemble's, not the first look's.
    for (const [k, e] of seq.estimates.entries()) {
      expect(e.result.networks).toBe(64);
      Array.from(e.result.nngp!).forEach((x, i) => expect(x).toBeCloseTo(plain.estimates[k].result.nngp![i], 9));
      Array.from(e.result.ntkSE!).forEach((x, i) => expect(x).toBeCloseTo(plain.estimates[k].result.ntkSE![i], 9));
    }
    for (const kind of ['nngp', 'ntk'] as const) {
      const s = seq.verdicts[kind]!;
      const p = plain.verdicts[kind]!;
      // The same 64 networks per width (merged accumulators against one pass: equal to rounding).
      expect(s.statistic).toBeCloseTo(p.statistic, 9);
      expect(s.detectableRelativeError).toBeCloseTo(p.detectableRelativeError, 9);
      expect(s.pValue).toBeCloseTo(combinedPValue(seq.looks.map((l) => l.verdicts[kind]!.pValue)), 15);
      // The second look is the plain run at its share α/4; the combination can only be smaller.
      expect(seq.looks[1].verdicts[kind]!.pValue).toBeCloseTo(p.pValue, 6);
      expect(s.pValue).toBeLessThanOrEqual(Math.min(1, 4 * p.pValue) + 1e-6);
      expect(s.alpha).toBe(0.01);
      // No 64-network ensemble sees a 1e-4 % error: the verdict says so and how far it got.
      expect(s.inconclusive?.map((i) => i.code)).toContain('target');
    }
  });

  it('stops at the look where every verdict detects the target error, and when the budget is spent', async () => {
    const reached = await runCaseSequential(tiny, { targetError: 0.99, maxLooks: 4, draws: 2000 });
    expect([reached.stopped, reached.looks.length]).toEqual(['target', 1]);
    expect(reached.verdicts.nngp!.inconclusive ?? []).toEqual([]);

    const spent = await runCaseSequential(tiny, { targetError: 1e-6, budgetSeconds: 0, maxLooks: 4, draws: 2000 });
    expect([spent.stopped, spent.looks.length]).toEqual(['budget', 1]);
    expect(spent.verdicts.ntk!.inconclusive!.find((i) => i.code === 'target')!.reason).toMatch(/the budget ended/);
  });
});
