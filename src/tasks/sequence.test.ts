import { describe, expect, it } from 'vitest';
import { orderWeights, sequenceTask } from './sequence.ts';
import { parseInputs } from '../spec/schema.ts';

const opts = { seed: 4, train: 40, test: 10, minLength: 2, maxLength: 6, channels: 3 };

describe('the seeded sequence task', () => {
  it('is the same for the same seed and differs for another; parses as masked inputs', () => {
    const a = sequenceTask(opts);
    expect(sequenceTask(opts)).toEqual(a);
    expect(sequenceTask({ ...opts, seed: 5 }).targets).not.toEqual(a.targets);
    const b = parseInputs(a.train);
    expect([b.M, b.T, b.d, b.masked]).toEqual([40, 6, 3, true]);
    expect(a.targets).toHaveLength(40);
    expect(a.testTargets).toHaveLength(10);
  });

  it('has variable lengths within the range, valid positions first, zeros beyond them', () => {
    const a = sequenceTask(opts);
    const lengths = a.train.mask.map((row) => row.reduce((s, v) => s + v, 0));
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(6);
    expect(new Set(lengths).size).toBeGreaterThan(2);
    a.train.mask.forEach((row, m) => row.forEach((v, t) => (v === 0 ? expect(a.train.inputs[m][t]).toEqual([0, 0, 0]) : expect(t).toBeLessThan(lengths[m]))));
  });

  it('depends on order: reversing a full-length sequence flips the sign of its target', () => {
    const a = sequenceTask(opts);
    // The target is linear in the tokens with weights c_t = cos(πt/(T−1)), antisymmetric under t → T−1−t.
    for (const T of [2, 3, 5, 6]) {
      const c = orderWeights(T);
      c.forEach((w, t) => expect(w).toBeCloseTo(-c[T - 1 - t], 14));
    }
    // The target recomputed from the tokens, and from the tokens reversed: −y for a full-length sequence.
    const c = orderWeights(6);
    const y = (tokens: readonly (readonly number[])[], L: number) => {
      let v = 0;
      for (let t = 0; t < L; t++) v += c[t] * tokens[t].reduce((s, x, k) => s + x * a.direction[k], 0);
      return v / Math.sqrt(c.slice(0, L).reduce((s, w) => s + w * w, 0));
    };
    let fullLength = 0;
    a.train.inputs.forEach((tokens, m) => {
      const L = a.train.mask[m].reduce((s, v) => s + v, 0);
      expect(y(tokens, L)).toBeCloseTo(a.targets[m], 12);
      if (L === 6) {
        fullLength++;
        expect(y([...tokens].reverse(), 6)).toBeCloseTo(-a.targets[m], 12);
      }
    });
    expect(fullLength).toBeGreaterThan(0);
    // And the targets are not a function of the multiset of tokens: their mean is near 0 and their variance near 1.
    const all = [...a.targets, ...a.testTargets];
    const mean = all.reduce((s, v) => s + v, 0) / all.length;
    const variance = all.reduce((s, v) => s + (v - mean) ** 2, 0) / (all.length - 1);
    // 50 draws: |mean| < 4·SE and the variance within its 99.99 % χ² interval (ν = 49: [0.39, 1.96]).
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(all.length));
    expect(variance).toBeGreaterThan(0.39);
    expect(variance).toBeLessThan(1.96);
  });

  it('refuses bad options with the option named', () => {
    expect(() => sequenceTask({ ...opts, maxLength: 1 })).toThrow(/maxLength must be a whole number ≥ 2/);
    expect(() => sequenceTask({ ...opts, train: 0 })).toThrow(/train must be a whole number ≥ 1/);
  });
});
