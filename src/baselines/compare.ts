/**
 * Regression baselines: a stored `validate` results file (src/results/schema.ts) against a new run.
 *
 * - Closed-form analytic kernels are deterministic float64 computations: they must agree to
 *   round-off. The tolerance, `exactTolerance` × max|K| per matrix (default 1e-12, ~4500 ulps of
 *   the largest entry), absorbs a reordering of floating-point sums and nothing a bug would do.
 * - Monte-Carlo numbers (ensemble means; sampled analytic kernels) are compared within their
 *   errors: per unique kernel entry z = (a − b)/√(SE_a² + SE_b²), the test of the difference of two
 *   independent estimates, two-sided p = 2Φ(−|z|). Holm's step-down procedure over every entry of
 *   every case controls the family-wise false-drift rate at α under any dependence between entries.
 *   A rerun with the same seeds reproduces the numbers, so z ≈ 0; a changed sampler (new seeds,
 *   batching, backend) gives independent draws, which is what the test assumes.
 * - Entries whose standard errors are both 0 (a deterministic estimate) are compared at float32
 *   precision (`float32Tolerance` × max|K|), the precision the sampler runs in.
 * - A changed spec, inputs or width factors is drift in itself: the numbers no longer measure the
 *   same thing. Refresh the baseline on purpose when the change is intended.
 */
import { holm } from '../stats/holm.ts';
import { normalSurvival } from '../stats/normalSurvival.ts';
import type { BaselineFinding, BaselineSummary, Matrix, Results, ValidateCase } from '../results/schema.ts';

export interface CompareOptions {
  /** Family-wise false-drift rate of the Monte-Carlo comparisons; default 1e-3. */
  readonly alpha?: number;
  readonly exactTolerance?: number;
  readonly float32Tolerance?: number;
  /** Shown in the summary. */
  readonly file?: string;
}

/** Canonical JSON (sorted keys) for comparing specs and inputs. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

const maxAbs = (m: Matrix) => m.reduce((s, r) => r.reduce((t, x) => Math.max(t, Math.abs(x)), s), 0);

interface McEntry {
  readonly case: string;
  readonly what: string;
  readonly i: number;
  readonly j: number;
  readonly base: number;
  readonly now: number;
  readonly z: number;
  readonly p: number;
}

function casesOf(r: Results, role: string): readonly ValidateCase[] {
  if (r.kind !== 'validate' || !r.validate) throw new Error(`the ${role} is not a validate results file (kind ${JSON.stringify(r.kind)})`);
  return r.validate.cases;
}

export function compareWithBaseline(baseline: Results, current: Results, o: CompareOptions = {}): BaselineSummary {
  const alpha = o.alpha ?? 1e-3;
  const exactTol = o.exactTolerance ?? 1e-12;
  const f32Tol = o.float32Tolerance ?? 1e-5;
  const findings: BaselineFinding[] = [];
  const mc: McEntry[] = [];
  let exact = 0;
  const base = casesOf(baseline, 'baseline');
  const now = casesOf(current, 'current run');

  /** Compares two matrices entry by entry (i ≤ j); SEs null means closed-form (exact comparison). */
  const compareMatrices = (name: string, what: string, a: Matrix, aSE: Matrix | null, b: Matrix, bSE: Matrix | null) => {
    const P = a.length;
    const scale = Math.max(maxAbs(a), maxAbs(b), Number.MIN_VALUE);
    let worst = { d: 0, i: 0, j: 0 };
    let fixedTol = exactTol;
    let fixedCount = 0;
    for (let i = 0; i < P; i++)
      for (let j = i; j < P; j++) {
        const sa = aSE?.[i][j] ?? 0;
        const sb = bSE?.[i][j] ?? 0;
        const se = Math.hypot(sa, sb);
        if (se > 0) {
          const z = (a[i][j] - b[i][j]) / se;
          mc.push({ case: name, what, i, j, base: b[i][j], now: a[i][j], z, p: Math.min(1, 2 * normalSurvival(Math.abs(z))) });
          continue;
        }
        // Deterministic entry: exact for a closed-form kernel, float32 for a zero-variance estimate.
        fixedTol = aSE || bSE ? f32Tol : exactTol;
        fixedCount++;
        exact++;
        const d = Math.abs(a[i][j] - b[i][j]);
        if (d > worst.d) worst = { d, i, j };
      }
    if (fixedCount && worst.d > fixedTol * scale)
      findings.push({
        case: name,
        kind: 'analytic',
        drift: true,
        message: `${what}: entry (${worst.i},${worst.j}) ${b[worst.i][worst.j]} → ${a[worst.i][worst.j]} (|Δ| = ${worst.d.toExponential(3)}, ${(worst.d / scale).toExponential(2)} of max|K|; ${aSE || bSE ? 'float32' : 'float64 round-off'} tolerance ${fixedTol.toExponential(0)})`,
        details: { row: worst.i, col: worst.j, baseline: b[worst.i][worst.j], current: a[worst.i][worst.j], relative: worst.d / scale },
      });
  };

  for (const c of now) {
    const b = base.find((x) => x.name === c.name);
    if (!b) {
      findings.push({ case: c.name, kind: 'coverage', drift: false, message: 'not in the baseline (new case): nothing to compare' });
      continue;
    }
    const config: string[] = [];
    if (canonical(c.spec) !== canonical(b.spec)) config.push('the spec changed');
    if (canonical(c.inputs) !== canonical(b.inputs)) config.push('the inputs changed');
    if (c.scaleHeads !== b.scaleHeads) config.push('scaleHeads changed');
    const scales = (x: ValidateCase) => x.estimates.map((e) => e.scale).join(',');
    if (scales(c) !== scales(b)) config.push(`width factors changed (${scales(b)} → ${scales(c)})`);
    if (config.length) findings.push({ case: c.name, kind: 'config', drift: true, message: `${config.join('; ')} (refresh the baseline if this is intended)` });
    if (c.analytic.M !== b.analytic.M || c.analytic.T !== b.analytic.T) {
      findings.push({ case: c.name, kind: 'config', drift: true, message: `kernel shape changed: ${b.analytic.M}×${b.analytic.T} → ${c.analytic.M}×${c.analytic.T}; numbers not compared` });
      continue;
    }
    for (const k of ['nngp', 'ntk'] as const) {
      compareMatrices(c.name, `analytic ${k.toUpperCase()}`, c.analytic[k], c.analytic[`${k}SE`], b.analytic[k], b.analytic[`${k}SE`]);
      for (const e of c.estimates) {
        const be = b.estimates.find((x) => x.scale === e.scale);
        if (!be || !e[k] || !be[k]) continue;
        compareMatrices(c.name, `${k.toUpperCase()} ensemble mean at ×${e.scale}`, e[k]!, e[`${k}SE`] ?? null, be[k]!, be[`${k}SE`] ?? null);
      }
    }
  }
  for (const b of base)
    if (!now.some((c) => c.name === b.name)) findings.push({ case: b.name, kind: 'coverage', drift: false, message: 'in the baseline but not run' });

  if (mc.length) {
    const h = holm(
      mc.map((m) => m.p),
      alpha,
    );
    // One finding per (case, matrix): how many entries drift and the most significant one.
    const groups = new Map<string, { entries: McEntry[]; adjusted: number[] }>();
    mc.forEach((m, idx) => {
      if (!h.rejected[idx]) return;
      const key = `${m.case}\u0000${m.what}`;
      const g = groups.get(key) ?? { entries: [], adjusted: [] };
      g.entries.push(m);
      g.adjusted.push(h.adjusted[idx]);
      groups.set(key, g);
    });
    for (const { entries, adjusted } of groups.values()) {
      const w = entries.reduce((best, m, i) => (Math.abs(m.z) > Math.abs(entries[best].z) ? i : best), 0);
      const m = entries[w];
      const total = mc.filter((x) => x.case === m.case && x.what === m.what).length;
      findings.push({
        case: m.case,
        kind: 'monte-carlo',
        drift: true,
        message: `${m.what}: ${entries.length} of ${total} entries drift beyond their errors; worst (${m.i},${m.j}) ${m.base.toPrecision(6)} → ${m.now.toPrecision(6)}, z = ${m.z.toFixed(2)}, Holm-adjusted p = ${adjusted[w].toExponential(2)}`,
        details: { row: m.i, col: m.j, baseline: m.base, current: m.now, z: m.z, adjustedP: adjusted[w], drifting: entries.length, entries: total },
      });
    }
  }
  return {
    file: o.file ?? '(baseline)',
    alpha,
    drift: findings.some((f) => f.drift),
    compared: { exact, monteCarlo: mc.length },
    findings,
  };
}
