import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { familyOffsetOf, SEED_SETS, seedSetProblem, type SeedSet } from './sets.ts';

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const set = (seedBase: number): SeedSet => ({ family: 'check-layer-sqrt', seedBase, store: 'S', role: 'pre-registered' });

describe('seedSetProblem', () => {
  it('accepts one set of 400 seeds and reads the family offset from it', () => {
    expect(seedSetProblem(set(3000), range(707_001, 400))).toBeNull();
    expect(familyOffsetOf(set(3000), range(707_001, 400))).toBe(704_000);
    expect(seedSetProblem(set(1000), range(705_001, 400), 704_000)).toBeNull();
  });

  it('names both seed ranges when a store holds two sets of one family', () => {
    const p = seedSetProblem(set(1000), [...range(705_001, 400), ...range(707_001, 12)]);
    expect(p).toMatch(/S holds check-layer-sqrt runs from 2 seed sets \(705 001–, 707 001–\)/);
  });

  it('says so when the runs are not at the seed base plus the offset the family’s other sets show', () => {
    expect(seedSetProblem(set(2000), range(705_001, 400), 704_000)).toMatch(/start at 705 001–, which is not --seed-base 2000 plus the offset 704000/);
  });
});

describe('SEED_SETS', () => {
  it('has seed bases that are multiples of 1 000 and one set per family per store, as seedSetProblem assumes', () => {
    for (const s of SEED_SETS) expect(s.seedBase % 1000, `${s.family} ${s.seedBase}`).toBe(0);
    const keys = SEED_SETS.map((s) => `${s.store}/${s.family}/${s.archPrefix ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('summary.ts on a store that mixes two sets of one family', () => {
  it('exits 1 with the store and both ranges named, and prints no table', () => {
    const root = mkdtempSync(join(tmpdir(), 'summary-mixed-'));
    try {
      const first = SEED_SETS.find((s) => s.family === 'mlp')!;
      mkdirSync(join(root, first.store));
      const runs = [...range(first.seedBase + 1, 3), ...range(first.seedBase + 2001, 2)].map((seed) => JSON.stringify({ id: `mlp/${seed}`, family: 'mlp', arch: 'a', seed }));
      writeFileSync(join(root, first.store, 'runs.jsonl'), runs.join('\n') + '\n');
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/calibration/summary.ts', '--root', root, '--hash', 'h'], {
        cwd: resolve(import.meta.dirname, '../..'),
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`${first.store} holds mlp runs from 2 seed sets`));
      expect(r.stdout).not.toMatch(/\| family \| kernel/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
