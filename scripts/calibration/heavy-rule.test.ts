import { describe, expect, it } from 'vitest';
import { rate, type LevelRecord, type RunView } from './heavy-rule.ts';

const level = (p: number, excess: number, always: string[] = [], inconclusive: string[] = []): LevelRecord => ({ p, excess, inconclusive, inconclusiveAlways: always, z: -1, relativeBias: 0.5, agreement: 1 });
const run = (id: string, l: LevelRecord): RunView => ({ id, nngp: [l, l, l], ntk: [l, l, l] });

describe('heavy-rule: emulated heavy-side rules', () => {
  const views = [
    run('a', level(0.01, 1, ['heavy-tails'])), // rejects at 0.05; the rule, applied, makes it inconclusive
    run('b', level(0.03, 4)), // rejects; the rule, applied, confirms it
    run('c', level(0.5, 0.5)), // passes
    run('d', level(0.02, 7, ['heavy-tails'], ['heavy-tails'])), // the engine's rule already applied
  ];
  it("counts the engine's verdicts as they are", () => {
    expect(rate(views, 'ntk', 0)).toMatch(/^2\/3 = /);
  });
  it('takes the always-applied verdict only where the emulated rule applies', () => {
    expect(rate(views, 'ntk', 0, (v) => v.ntk[0].excess > 3)).toMatch(/^2\/3 = /);
    expect(rate(views, 'ntk', 0, (v) => v.ntk[0].excess > 0.8)).toMatch(/^1\/2 = /);
    expect(rate(views, 'ntk', 0, () => true)).toMatch(/^1\/2 = /);
  });
});
