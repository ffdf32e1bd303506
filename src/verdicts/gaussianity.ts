/**
 * Gaussianity of network outputs, as verdicts. At infinite width an output channel is a Gaussian
 * process; at finite width it is not, by O(1/width) in the fourth cumulant, and under sqrt
 * attention with a fixed head count it stays a scale mixture of Gaussians with positive excess
 * kurtosis however wide the layer (docs/kernels.md §6; Hron et al. 2020 §3; Sakai, Karakida & Imaizumi
 * 2025). These wrap the tested statistics of src/stats/ into the engine's Verdict shape.
 *
 * Samples: one value per network (univariate), or one row per network of values at several
 * (input, position) pairs (multivariate, Mardia).
 */
import { skewnessWithSE } from '../stats/skewnessWithSE.ts';
import { excessKurtosisWithSE } from '../stats/excessKurtosisWithSE.ts';
import { jarqueBera } from '../stats/jarqueBera.ts';
import { andersonDarlingNormal } from '../stats/andersonDarlingNormal.ts';
import { ksOneSample } from '../stats/ksOneSample.ts';
import { mardia } from '../stats/mardia.ts';
import { normalCdf } from '../stats/normalCdf.ts';
import { normalSurvival } from '../stats/normalSurvival.ts';
import { DEFAULT_ALPHA, type Verdict } from './types.ts';

export interface MomentVerdict extends Verdict {
  /** The moment estimate and its standard error under normality. */
  readonly value: number;
  readonly se: number;
  readonly n: number;
}

/**
 * Skewness G1 against 0: z = G1/SES, two-sided normal p (Joanes & Gill 1998). The normal
 * approximation of G1 is fair from n ≈ 50 and good from a few hundred.
 */
export function skewnessVerdict(sample: readonly number[], alpha = DEFAULT_ALPHA): MomentVerdict {
  const s = skewnessWithSE(sample);
  const pValue = 2 * normalSurvival(Math.abs(s.z));
  return {
    method: 'sample skewness G1 / SE (normal approximation, two-sided)',
    statistic: s.z,
    pValue,
    alpha,
    rejected: pValue <= alpha,
    value: s.value,
    se: s.se,
    n: s.n,
    notes: s.n < 50 ? ['n < 50: the normal approximation of G1 is rough'] : [],
  };
}

/**
 * Excess kurtosis G2 against 0, z = G2/SEK. `alternative` 'greater' is the one-sided test the
 * attention theory asks for (positive excess kurtosis at H = 1). G2 is strongly skewed for small n
 * (its normal approximation needs n in the hundreds; D'Agostino, Belanger & D'Agostino 1990, Am.
 * Stat. 44:316–321), which the notes say.
 */
export function kurtosisVerdict(sample: readonly number[], alpha = DEFAULT_ALPHA, alternative: 'two-sided' | 'greater' = 'two-sided'): MomentVerdict {
  const k = excessKurtosisWithSE(sample);
  const pValue = alternative === 'greater' ? normalSurvival(k.z) : 2 * normalSurvival(Math.abs(k.z));
  return {
    method: `sample excess kurtosis G2 / SE (normal approximation, ${alternative})`,
    statistic: k.z,
    pValue,
    alpha,
    rejected: pValue <= alpha,
    value: k.value,
    se: k.se,
    n: k.n,
    notes: k.n < 200 ? ['n < 200: G2 is skewed and its normal approximation rough'] : [],
  };
}

function fromTest(r: { method: string; statistic: number; pValue: number }, alpha: number, notes: string[] = []): Verdict {
  return { method: r.method, statistic: r.statistic, pValue: r.pValue, alpha, rejected: r.pValue <= alpha, notes };
}

/** Jarque–Bera (asymptotic χ²₂; conservative for small n). */
export function jarqueBeraVerdict(sample: readonly number[], alpha = DEFAULT_ALPHA): Verdict {
  return fromTest(jarqueBera(sample, alpha), alpha, sample.length < 100 ? ['n < 100: the χ²₂ reference makes JB conservative'] : []);
}

/** Anderson–Darling with mean and variance estimated (composite normality; Stephens 1974). */
export function andersonDarlingVerdict(sample: readonly number[], alpha = DEFAULT_ALPHA): Verdict {
  return fromTest(andersonDarlingNormal(sample, alpha), alpha);
}

/**
 * Kolmogorov–Smirnov against the fully specified limit law N(mean, variance): for a network output
 * the kernel gives it (mean 0, variance K(x, x)), so this tests the distribution AND its scale,
 * where Anderson–Darling tests the shape only.
 */
export function ksAgainstNormalVerdict(sample: readonly number[], variance: number, alpha = DEFAULT_ALPHA, mean = 0): Verdict {
  if (!(variance > 0)) throw new RangeError(`ksAgainstNormalVerdict: variance must be > 0, got ${variance}`);
  const sd = Math.sqrt(variance);
  return fromTest(ksOneSample(sample, (x) => normalCdf((x - mean) / sd), alpha), alpha);
}

/** Mardia's multivariate skewness and kurtosis, combined by Bonferroni (src/stats/mardia.ts). */
export function mardiaVerdict(rows: readonly (readonly number[])[], alpha = DEFAULT_ALPHA): Verdict {
  const r = mardia(rows, alpha);
  const notes = rows.length < 20 * rows[0].length ? ['n < 20p: Mardia’s asymptotic references are rough'] : [];
  return fromTest(r, alpha, notes);
}

export interface GaussianityReport {
  readonly skewness: MomentVerdict;
  readonly kurtosis: MomentVerdict;
  readonly jarqueBera: Verdict;
  readonly andersonDarling: Verdict;
  /** Present when the limit variance is given. */
  readonly ks: Verdict | null;
}

/** All univariate verdicts of one sample at once. */
export function univariateGaussianity(sample: readonly number[], opts: { alpha?: number; variance?: number } = {}): GaussianityReport {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  return {
    skewness: skewnessVerdict(sample, alpha),
    kurtosis: kurtosisVerdict(sample, alpha),
    jarqueBera: jarqueBeraVerdict(sample, alpha),
    andersonDarling: andersonDarlingVerdict(sample, alpha),
    ks: opts.variance !== undefined ? ksAgainstNormalVerdict(sample, opts.variance, alpha) : null,
  };
}
