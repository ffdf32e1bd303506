import { describe, expect, it } from 'vitest';
import { compareWithBaseline, canonical } from './compare.ts';
import { makeResults } from '../reports/results.ts';
import type { Matrix, Results, ValidateCase } from '../results/schema.ts';

const K: Matrix = [
  [2, 0.5, 0.1],
  [0.5, 1.5, 0.3],
  [0.1, 0.3, 1],
];
const scale = (m: Matrix, f: number, i = -1, j = -1): Matrix => m.map((r, a) => r.map((v, b) => (i < 0 || (a === i && b === j) || (a === j && b === i) ? v * f : v)));
const fill = (v: number): Matrix => K.map((r) => r.map(() => v));

function run(o: { analytic?: Matrix; mean?: Matrix; se?: number; spec?: unknown; name?: string } = {}): Results {
  const c: ValidateCase = {
    name: o.name ?? 'case',
    spec: (o.spec ?? { layers: [{ type: 'dense', width: 8, wStd: 1, bStd: 0 }] }) as ValidateCase['spec'],
    inputs: { inputs: [[[1, 2]], [[3, 4]], [[5, 6]]], mask: [[1], [1], [1]] },
    scaleHeads: false,
    seconds: 1,
    analytic: { M: 3, T: 1, nngp: o.analytic ?? K, ntk: o.analytic ?? K, nngpSE: null, ntkSE: null, samples: 0 },
    estimates: [1, 2].map((s) => ({ scale: s, networks: 256, seed: s, nngp: o.mean ?? K, nngpSE: fill(o.se ?? 0.01), ntk: o.mean ?? K, ntkSE: fill(o.se ?? 0.01) })),
    verdicts: {},
  };
  return makeResults({ kind: 'validate', title: 't', command: 'c', backend: 'cpu', complete: true, seconds: 1, checks: [], validate: { suite: null, alpha: 1e-3, cases: [c] } });
}

describe('baseline comparison', () => {
  it('finds no drift between a run and itself, and counts its comparisons', () => {
    const s = compareWithBaseline(run(), run());
    expect(s.drift).toBe(false);
    // 6 unique entries × 2 analytic kernels exact; 6 × 2 kernels × 2 widths by z-test.
    expect(s.compared).toEqual({ exact: 12, monteCarlo: 24 });
  });

  it('tolerates float64 round-off in an analytic kernel but not a 1.001 scaling', () => {
    expect(compareWithBaseline(run(), run({ analytic: scale(K, 1 + 4e-16) })).drift).toBe(false);
    const s = compareWithBaseline(run(), run({ analytic: scale(K, 1.001) }));
    expect(s.drift).toBe(true);
    expect(s.findings.filter((f) => f.drift).map((f) => f.kind)).toEqual(['analytic', 'analytic']);
    expect(s.findings[0].message).toMatch(/analytic NNGP: entry \(0,0\) 2 → 2\.002/);
  });

  it('accepts Monte-Carlo differences within their errors and flags one beyond them (Holm over all entries)', () => {
    // 0.02 apart with SE 0.01 each: z = 1.41, nowhere near Holm's threshold over 24 entries.
    expect(compareWithBaseline(run(), run({ mean: K.map((r) => r.map((v) => v + 0.02)) })).drift).toBe(false);
    // One entry 0.08 off: z = 5.7, p ≈ 1e-8, Holm-adjusted ≈ 3e-7 < 1e-3.
    const s = compareWithBaseline(run(), run({ mean: K.map((r, i) => r.map((v, j) => (i === 1 && j === 2) || (i === 2 && j === 1) ? v + 0.08 : v)) }));
    expect(s.drift).toBe(true);
    const mc = s.findings.filter((f) => f.kind === 'monte-carlo');
    expect(mc).toHaveLength(4); // NNGP and NTK at two widths
    expect(mc[0].message).toMatch(/1 of 6 entries drift beyond their errors; worst \(1,2\)/);
  });

  it('flags a changed spec as drift and notes cases that are new or missing', () => {
    const changed = compareWithBaseline(run(), run({ spec: { layers: [{ type: 'dense', width: 8, wStd: 1.1, bStd: 0 }] } }));
    expect(changed.drift).toBe(true);
    expect(changed.findings[0]).toMatchObject({ kind: 'config', drift: true });
    const renamed = compareWithBaseline(run(), run({ name: 'other' }));
    expect(renamed.drift).toBe(false);
    expect(renamed.findings.map((f) => f.message)).toEqual(['not in the baseline (new case): nothing to compare', 'in the baseline but not run']);
  });

  it('compares specs by content, not key order', () => {
    expect(canonical({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(canonical({ b: [1, { d: 3, c: 2 }], a: 1 }));
  });
});
