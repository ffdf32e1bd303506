/** Seeded Gaussian draws for the verdict tests, and the one assertion every Monte-Carlo comparison in the tests goes through. */
import { expect } from 'vitest';
import { normalStream } from '../random/normals.ts';
import { normalQuantile } from '../stats/normalQuantile.ts';
import { normalSurvival } from '../stats/normalSurvival.ts';
import { studentTCdf } from '../stats/studentTCdf.ts';
import { MaxAbsGaussian } from './maxAbsGaussian.ts';
import { DEFAULT_ALPHA } from './types.ts';

/** The keyed normal stream of src/random/ (the one the estimators draw weights from). */
export const normals = normalStream;

/** Row-major m×m correlation with ρ^|i−j| (AR(1)): a dense, well-conditioned test correlation. */
export function ar1(m: number, rho: number): Float64Array {
  const r = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) r[i * m + j] = rho ** Math.abs(i - j);
  return r;
}

/** x = L g for a lower factor L (row-major m×m). */
export function correlated(L: Float64Array, m: number, draw: () => number): Float64Array {
  const g = Float64Array.from({ length: m }, draw);
  const x = new Float64Array(m);
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) x[i] += L[i * m + j] * g[j];
  return x;
}

/** A Monte-Carlo estimate of a vector (a kernel's entries): mean and SE from `samples` independent draws. */
export interface MonteCarloVector {
  readonly mean: ArrayLike<number>;
  readonly se: ArrayLike<number>;
  /** Independent draws (networks, shards) behind each SE: it has samples − 1 degrees of freedom. */
  readonly samples: number;
  /** Covariance of `mean` across entries (n × n row-major); absent: entries taken as independent. */
  readonly covariance?: Float64Array | null;
}

/** The value it should agree with: exact (no `se`), or itself sampled with `dof` degrees of freedom. */
export interface ExpectedVector {
  readonly value: ArrayLike<number>;
  readonly se?: ArrayLike<number> | null;
  readonly dof?: number | null;
}

export interface AgreementCheck {
  readonly pValue: number;
  readonly pValueSE: number;
  readonly entries: number;
  readonly worst: { readonly index: number; readonly z: number; readonly estimate: number; readonly expected: number; readonly se: number };
}

/**
 * The verdict engine's joint test (kernelAgreement.ts, step 2) at one width: per entry
 * z = (mean − expected)/√(SE² + SE_expected²), Studentized with Welch–Satterthwaite degrees of
 * freedom and mapped to the normal score of the same tail, and the statistic max |score| against
 * the maximum of a Gaussian vector with the entries' correlation (MaxAbsGaussian), so the test
 * holds its level α over all entries together. Without a covariance the entries are treated as
 * independent (Šidák), conservative when they are positively correlated. It does not model a
 * finite-width bias: callers choose sizes where that bias is far below the SE, or use
 * kernelAgreement over several widths.
 */
export function agreement(estimate: MonteCarloVector, expected: ExpectedVector, entries?: readonly number[]): AgreementCheck {
  const idx = entries ?? Array.from({ length: estimate.mean.length }, (_, i) => i);
  const m = idx.length;
  if (m === 0) throw new Error('agreement: no entries to compare');
  if (expected.value.length !== estimate.mean.length) throw new Error(`agreement: ${estimate.mean.length} estimates against ${expected.value.length} expected values`);
  const mcDof = estimate.samples - 1;
  const expDof = expected.dof ?? Infinity;
  const sd = new Float64Array(m);
  const score = new Float64Array(m);
  const z = new Float64Array(m);
  let worst = 0;
  for (let a = 0; a < m; a++) {
    const i = idx[a];
    const mc = estimate.se[i] ** 2;
    const ex = expected.se ? expected.se[i] ** 2 : 0;
    sd[a] = Math.sqrt(mc + ex);
    if (!(sd[a] > 0)) throw new Error(`agreement: entry ${i} has no standard error`);
    const dof = (mc + ex) ** 2 / (mc ** 2 / mcDof + (ex > 0 ? ex ** 2 / expDof : 0));
    z[a] = (estimate.mean[i] - expected.value[i]) / sd[a];
    const tail = Number.isFinite(dof) ? studentTCdf(-Math.abs(z[a]), dof) : normalSurvival(Math.abs(z[a]));
    score[a] = tail > 0 ? -normalQuantile(tail) : 40;
    if (score[a] > score[worst]) worst = a;
  }
  const corr = new Float64Array(m * m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) {
      const cov = estimate.covariance ? estimate.covariance[idx[a] * estimate.mean.length + idx[b]] : 0;
      corr[a * m + b] = a === b ? 1 : cov / (sd[a] * sd[b]);
    }
  const tail = new MaxAbsGaussian(corr, m, { seed: 'tests/agreement' }).tail(score[worst]);
  const i = idx[worst];
  return {
    pValue: tail.p,
    pValueSE: tail.se,
    entries: m,
    worst: { index: i, z: z[worst], estimate: estimate.mean[i], expected: expected.value[i], se: sd[worst] },
  };
}

/**
 * Fails the test when the joint test above rejects agreement at level α (default: the verdict
 * engine's DEFAULT_ALPHA), naming the worst entry.
 */
export function expectAgrees(
  estimate: MonteCarloVector,
  expected: ExpectedVector,
  opts: { readonly alpha?: number; readonly entries?: readonly number[]; readonly label?: string } = {},
): AgreementCheck {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const r = agreement(estimate, expected, opts.entries);
  const w = r.worst;
  expect(
    r.pValue,
    `${opts.label ?? 'estimate'} disagrees with its expected value: joint p = ${r.pValue.toExponential(2)} < α = ${alpha} over ${r.entries} entries; ` +
      `worst entry ${w.index}: ${w.estimate} vs ${w.expected} (SE ${w.se.toExponential(2)}, z = ${w.z.toFixed(2)})`,
  ).toBeGreaterThan(alpha);
  return r;
}
