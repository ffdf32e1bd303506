/**
 * Expectations over centred 1-D and 2-D Gaussians by product Gauss rules.
 *
 * Smooth integrands (default): tensor-product Gauss–Hermite on the Cholesky
 * variables. With z1, z2 iid N(0,1),
 *     u = √k11 · z1,   v = a·z1 + s·z2,   a = k12/√k11 = ρσ2,   s = √(k22 − k12²/k11) = σ2√((1−ρ)(1+ρ)),
 * so E[f(u,v)] ≈ Σ_i Σ_j w_i w_j f(σ1 x_i, a x_i + s x_j), σ = √k. (The ρσ forms
 * neither underflow nor overflow.) The n-point rule is exact for f polynomial
 * of degree ≤ 2n−1 in each variable and converges geometrically for entire f
 * of moderate growth.
 *
 * Integrands with a kink or jump at u = 0 and/or v = 0 (ReLU, |x|, sign):
 * Gauss–Hermite then converges only like 1/n (relu⊗relu: 2e−3 at n = 64,
 * measured in gaussianExpectation.test.ts), or worse for jumps. With
 * `kinkAtZero: true` the rule is split where the integrand is non-smooth:
 *  - 1-D: E[f(σz)] = ∫_0^∞ (f(σz) + f(−σz)) e^{−z²/2}/√(2π) dz, Gauss–Legendre
 *    (n points) on z ∈ [0, R].
 *  - 2-D: polar coordinates z = r(cos θ, sin θ), so
 *    E[f] = (1/2π) ∫_0^{2π} dθ ∫_0^∞ f(u, v) r e^{−r²/2} dr. The lines u = 0 and
 *    v = 0 are rays through the origin, at θ = ±π/2 and θ = atan2(s, a) ± π/2;
 *    splitting [0, 2π) at those four angles leaves four arcs on each of which the
 *    integrand is smooth in r and in θ. Each arc gets ⌈n/4⌉ Gauss–Legendre points
 *    in θ, and r ∈ [0, R] gets ⌈n/2⌉ (≈ n²/2 nodes; see angularOrder).
 *    relu⊗relu and step⊗step then converge geometrically: 5e−8 at n = 32,
 *    ≤ 3e−15 at n = 64, for ρ up to ±(1 − 1e−6).
 *  R = RADIAL_CUTOFF = 10 truncates a Gaussian mass e^{−50} ≈ 2e−22 (2-D) or
 *  erfc(10/√2) ≈ 1.5e−23 (1-D) times the integrand's growth, negligible for
 *  integrands of polynomial growth (not part of the error estimate).
 *
 * Error estimate: every result is computed with the requested `order` n and
 * with a second `checkOrder` m (default ⌈n/2⌉), and
 *     errorEstimate = |Q_n − Q_m| + 16 ε Σ|w f|,
 * the second term bounding summation round-off. The returned value is Q_n, the
 * more accurate of the two, so the estimate is really the error of Q_m: very
 * conservative under geometric convergence (the usual case: smooth f, or kinks
 * at 0 with `kinkAtZero`), and still an upper bound for algebraic convergence
 * faster than 1/n. For kinks under Gauss–Hermite (exactly 1/n) it is only
 * indicative — measured 0.1–14× the actual error, and 0 when neither rule has a
 * node in a thin wedge where the integrand is non-zero — so use `kinkAtZero`
 * there. Passing checkOrder > order gives the classical "compare with a higher
 * order" estimate of Q_n instead (tight, but costlier). With `tolerance`, the
 * order doubles (reusing the previous result as the check) until
 * errorEstimate ≤ tolerance or maxOrder is reached.
 *
 * Degenerate covariances: a zero variance is a point mass at 0 (the integral
 * drops to 1-D or to a point evaluation); |ρ| = 1 (including |k12| > √(k11k22)
 * from round-off, which is clamped) reduces to the 1-D integral
 * E[f(σ1 z, ρσ2 z)], z ~ N(0, 1), i.e. along v = (k12/k11)·u; small negative
 * variances from round-off (≥ −1e−10·max(1, |k|)) are clamped to 0, larger ones
 * throw RangeError, as do non-finite inputs.
 */
import { gaussHermite } from './gaussHermite.ts';
import { gaussLegendre } from './gaussLegendre.ts';

export type Integrand1d = (u: number) => number;
export type Integrand2d = (u: number, v: number) => number;

/**
 * Several functions of one variable evaluated together (e.g. φ and φ′ sharing
 * Φ(x) for GELU): `evaluate(x, out)` writes f_0(x) … f_{count−1}(x) into out.
 */
export interface FusedIntegrand1d {
  readonly count: number;
  evaluate(x: number, out: Float64Array): void;
}

export interface ExpectationOptions {
  /** Points per dimension of the rule whose value is returned (default DEFAULT_ORDER). */
  readonly order?: number;
  /** Points per dimension of the comparison rule for the error estimate (default ⌈order/2⌉). */
  readonly checkOrder?: number;
  /** The integrand is non-smooth only where u = 0 or v = 0: use the split/polar rule. */
  readonly kinkAtZero?: boolean;
  /** If set, double the order until errorEstimate ≤ tolerance (or maxOrder is reached). */
  readonly tolerance?: number;
  /** Cap for the adaptive order (default 1024 in 1-D, 256 in 2-D). */
  readonly maxOrder?: number;
}

export interface Estimate {
  readonly value: number;
  /** See the module documentation: |Q_order − Q_checkOrder| + round-off bound. */
  readonly errorEstimate: number;
  /** The order that produced `value` (larger than requested after adaptation). */
  readonly order: number;
}

export const DEFAULT_ORDER = 64;
export const RADIAL_CUTOFF = 10;
const DEFAULT_MAX_ORDER_1D = 1024;
const DEFAULT_MAX_ORDER_2D = 256;
const ROUNDOFF_FACTOR = 16 * 2.220446049250313e-16;
const NEGATIVE_VARIANCE_TOLERANCE = 1e-10;
const INV_SQRT_2PI = 0.3989422804014327;
const MIN_NORMAL = 2.2250738585072014e-308;
const TWO_PI = 2 * Math.PI;

/** A rule evaluated at one order: per-integrand sums and Σ|w f| (for the round-off bound). */
interface RuleResult {
  readonly values: Float64Array;
  readonly absSums: Float64Array;
}

// ---------------------------------------------------------------------------
// Covariance sanitising

function clampVariance(k: number, scale: number, name: string): number {
  if (k >= 0) return k;
  if (k >= -NEGATIVE_VARIANCE_TOLERANCE * Math.max(1, scale)) return 0;
  throw new RangeError(`${name} must be a variance (≥ 0), got ${k}`);
}

function requireFinite(values: readonly number[], names: readonly string[]): void {
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`${names[i]} must be finite, got ${v}`);
  });
}

export interface SanitizedCovariance {
  readonly k11: number;
  readonly k12: number;
  readonly k22: number;
  /** √k11, √k22. */
  readonly sigma1: number;
  readonly sigma2: number;
  /** Correlation clamped to [−1, 1]; 0 when a variance is 0. */
  readonly rho: number;
}

/**
 * Clamp round-off: small negative variances to 0, k12 into [−√(k11k22), √(k11k22)].
 * Throws RangeError for non-finite input or clearly negative variances.
 * Everything downstream is written in σ1, σ2, ρ (never k11k22 or k22/k11), so
 * subnormal or huge variances neither underflow nor overflow.
 */
export function sanitizeCovariance(k11: number, k12: number, k22: number): SanitizedCovariance {
  requireFinite([k11, k12, k22], ['k11', 'k12', 'k22']);
  const scale = Math.max(Math.abs(k11), Math.abs(k22), Math.abs(k12));
  const c11 = clampVariance(k11, scale, 'k11');
  const c22 = clampVariance(k22, scale, 'k22');
  const sigma1 = Math.sqrt(c11);
  const sigma2 = Math.sqrt(c22);
  // √(k11k22) is exact for k11 = k22 (IEEE sqrt(x·x) = |x|), so a diagonal entry
  // k12 = k11 = k22 gets ρ = 1 exactly rather than 1 − ε, which arcsin/arccos
  // would amplify to ~1e−8. σ1σ2 is the fallback where k11k22 under/overflows.
  const product = c11 * c22;
  const bound = product >= MIN_NORMAL && product < Infinity ? Math.sqrt(product) : sigma1 * sigma2;
  const c12 = Math.min(bound, Math.max(-bound, k12));
  const rho = bound > 0 ? Math.min(1, Math.max(-1, c12 / bound)) : 0;
  return { k11: c11, k12: c12, k22: c22, sigma1, sigma2, rho };
}

/** √(1 − ρ²), computed as √((1 − ρ)(1 + ρ)) to keep relative accuracy near |ρ| = 1. */
export function sinFromCorrelation(rho: number): number {
  return Math.sqrt(Math.max(0, (1 - rho) * (1 + rho)));
}

export function sanitizeVariance(k: number): number {
  requireFinite([k], ['variance']);
  return clampVariance(k, Math.abs(k), 'variance');
}

// ---------------------------------------------------------------------------
// Rules (cached per order)

const halfLineCache = new Map<number, { z: Float64Array; w: Float64Array }>();
/** Gauss–Legendre on z ∈ [0, R] with the N(0,1) density folded into the weights. */
function halfLineRule(n: number): { z: Float64Array; w: Float64Array } {
  let rule = halfLineCache.get(n);
  if (!rule) {
    const gl = gaussLegendre(n);
    const z = new Float64Array(n);
    const w = new Float64Array(n);
    const h = RADIAL_CUTOFF / 2;
    for (let i = 0; i < n; i++) {
      z[i] = h * (gl.nodes[i] + 1);
      w[i] = h * gl.weights[i] * INV_SQRT_2PI * Math.exp(-0.5 * z[i] * z[i]);
    }
    rule = { z, w };
    halfLineCache.set(n, rule);
  }
  return rule;
}

const radialCache = new Map<number, { r: Float64Array; w: Float64Array }>();
/** Gauss–Legendre on r ∈ [0, R] with the polar density r e^{−r²/2}/(2π) folded into the weights. */
function radialRule(n: number): { r: Float64Array; w: Float64Array } {
  let rule = radialCache.get(n);
  if (!rule) {
    const gl = gaussLegendre(n);
    const r = new Float64Array(n);
    const w = new Float64Array(n);
    const h = RADIAL_CUTOFF / 2;
    for (let i = 0; i < n; i++) {
      r[i] = h * (gl.nodes[i] + 1);
      w[i] = (h * gl.weights[i] * r[i] * Math.exp(-0.5 * r[i] * r[i])) / TWO_PI;
    }
    rule = { r, w };
    radialCache.set(n, rule);
  }
  return rule;
}

/**
 * Polar rule of order n: ⌈n/4⌉ Gauss–Legendre points on each of the four arcs
 * (≈ n around the circle) times ⌈n/2⌉ radial points, i.e. ≈ n²/2 nodes. The
 * angular direction limits the accuracy (measured for tanh⊗tanh: 32 radial
 * points already reach 1e−15 at unit variance while the angle needs ~24 per
 * arc), hence the split.
 */
function angularOrder(n: number): number {
  return Math.max(2, Math.ceil(n / 4));
}
function radialOrder(n: number): number {
  return Math.max(2, Math.ceil(n / 2));
}

// ---------------------------------------------------------------------------
// Rule evaluation: 1-D

function hermite1d(fs: readonly Integrand1d[], sigma: number, n: number): RuleResult {
  const { nodes, weights } = gaussHermite(n);
  const m = fs.length;
  const values = new Float64Array(m);
  const absSums = new Float64Array(m);
  // Symmetric pairs x_i, x_{n−1−i} = −x_i are summed together so odd integrands cancel exactly.
  for (let i = 0, j = n - 1; i <= j; i++, j--) {
    const w = weights[i];
    const x = sigma * nodes[j];
    for (let k = 0; k < m; k++) {
      const f = fs[k];
      if (i === j) {
        const y = f(0);
        values[k] += w * y;
        absSums[k] += w * Math.abs(y);
      } else {
        const yp = f(x);
        const ym = f(-x);
        values[k] += w * (yp + ym);
        absSums[k] += w * (Math.abs(yp) + Math.abs(ym));
      }
    }
  }
  return { values, absSums };
}

function split1d(fs: readonly Integrand1d[], sigma: number, n: number): RuleResult {
  const { z, w } = halfLineRule(n);
  const m = fs.length;
  const values = new Float64Array(m);
  const absSums = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const x = sigma * z[i];
    for (let k = 0; k < m; k++) {
      const yp = fs[k](x);
      const ym = fs[k](-x);
      values[k] += w[i] * (yp + ym);
      absSums[k] += w[i] * (Math.abs(yp) + Math.abs(ym));
    }
  }
  return { values, absSums };
}

// ---------------------------------------------------------------------------
// Rule evaluation: 2-D, generic integrand f(u, v)

interface Cholesky {
  readonly sigma1: number; // √k11
  readonly a: number; // k12/√k11 = ρσ2
  readonly s: number; // √(k22 − k12²/k11) = σ2√(1 − ρ²)
}

function hermite2d(f: Integrand2d, c: Cholesky, n: number): RuleResult {
  const { nodes, weights } = gaussHermite(n);
  let total = 0;
  let absTotal = 0;
  for (let i = 0; i < n; i++) {
    const u = c.sigma1 * nodes[i];
    const base = c.a * nodes[i];
    let inner = 0;
    let absInner = 0;
    for (let j = 0; j < n; j++) {
      const y = f(u, base + c.s * nodes[j]);
      inner += weights[j] * y;
      absInner += weights[j] * Math.abs(y);
    }
    total += weights[i] * inner;
    absTotal += weights[i] * absInner;
  }
  return { values: Float64Array.of(total), absSums: Float64Array.of(absTotal) };
}

/** Arcs [θ_k, θ_{k+1}] of [0, 2π) between the rays where u = 0 or v = 0. */
function polarArcs(c: Cholesky): Array<[number, number]> {
  // v = r(a cos θ + s sin θ) vanishes where θ ⟂ (a, s), i.e. θ = atan2(s, a) ± π/2.
  const alpha = Math.atan2(c.s, c.a);
  const wrap = (t: number): number => ((t % TWO_PI) + TWO_PI) % TWO_PI;
  const cuts = [Math.PI / 2, (3 * Math.PI) / 2, wrap(alpha + Math.PI / 2), wrap(alpha - Math.PI / 2)].sort((x, y) => x - y);
  const arcs: Array<[number, number]> = [];
  for (let k = 0; k < cuts.length; k++) {
    const start = cuts[k];
    const end = k + 1 < cuts.length ? cuts[k + 1] : cuts[0] + TWO_PI;
    if (end - start > 0) arcs.push([start, end]);
  }
  return arcs;
}

/** Nodes of the polar rule: u, v and weight (density included: Σ w f(u, v) ≈ E[f(u, v)]). */
interface Nodes2d {
  readonly u: Float64Array;
  readonly v: Float64Array;
  readonly w: Float64Array;
}

function polarNodes(c: Cholesky, n: number): Nodes2d {
  const radial = radialRule(radialOrder(n));
  const angular = gaussLegendre(angularOrder(n));
  const nr = radial.r.length;
  const arcs = polarArcs(c);
  const size = arcs.length * angular.nodes.length * nr;
  const u = new Float64Array(size);
  const v = new Float64Array(size);
  const w = new Float64Array(size);
  let idx = 0;
  for (const [t0, t1] of arcs) {
    const half = 0.5 * (t1 - t0);
    const mid = 0.5 * (t1 + t0);
    for (let k = 0; k < angular.nodes.length; k++) {
      const theta = mid + half * angular.nodes[k];
      const cos = Math.cos(theta);
      const cu = c.sigma1 * cos;
      const cv = c.a * cos + c.s * Math.sin(theta);
      const wt = half * angular.weights[k];
      for (let j = 0; j < nr; j++) {
        const r = radial.r[j];
        u[idx] = cu * r;
        v[idx] = cv * r;
        w[idx] = wt * radial.w[j];
        idx++;
      }
    }
  }
  return { u, v, w };
}

function polar2d(f: Integrand2d, c: Cholesky, n: number): RuleResult {
  const { u, v, w } = polarNodes(c, n);
  let total = 0;
  let absTotal = 0;
  for (let i = 0; i < w.length; i++) {
    const y = f(u[i], v[i]);
    total += w[i] * y;
    absTotal += w[i] * Math.abs(y);
  }
  return { values: Float64Array.of(total), absSums: Float64Array.of(absTotal) };
}

// ---------------------------------------------------------------------------
// Rule evaluation: 2-D, products E[f_k(u) f_k(v)] sharing the nodes

function hermiteProducts(g: FusedIntegrand1d, c: Cholesky, n: number): RuleResult {
  const { nodes, weights } = gaussHermite(n);
  const m = g.count;
  const values = new Float64Array(m);
  const absSums = new Float64Array(m);
  const inner = new Float64Array(m);
  const absInner = new Float64Array(m);
  const fu = new Float64Array(m);
  const fv = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const base = c.a * nodes[i];
    g.evaluate(c.sigma1 * nodes[i], fu);
    inner.fill(0);
    absInner.fill(0);
    for (let j = 0; j < n; j++) {
      g.evaluate(base + c.s * nodes[j], fv);
      const w = weights[j];
      for (let k = 0; k < m; k++) {
        inner[k] += w * fv[k];
        absInner[k] += w * Math.abs(fv[k]);
      }
    }
    for (let k = 0; k < m; k++) {
      values[k] += weights[i] * fu[k] * inner[k];
      absSums[k] += weights[i] * Math.abs(fu[k]) * absInner[k];
    }
  }
  return { values, absSums };
}

function polarProducts(g: FusedIntegrand1d, c: Cholesky, n: number): RuleResult {
  const { u, v, w } = polarNodes(c, n);
  const m = g.count;
  const values = new Float64Array(m);
  const absSums = new Float64Array(m);
  const fu = new Float64Array(m);
  const fv = new Float64Array(m);
  for (let i = 0; i < w.length; i++) {
    g.evaluate(u[i], fu);
    g.evaluate(v[i], fv);
    for (let k = 0; k < m; k++) {
      const y = fu[k] * fv[k];
      values[k] += w[i] * y;
      absSums[k] += w[i] * Math.abs(y);
    }
  }
  return { values, absSums };
}

/** Array form → fused form (one call per function). */
export function fuseIntegrands(fs: readonly Integrand1d[]): FusedIntegrand1d {
  return {
    count: fs.length,
    evaluate(x, out) {
      for (let k = 0; k < fs.length; k++) out[k] = fs[k](x);
    },
  };
}

/** Fused form → one function per component (for the cheap 1-D reductions). */
function splitIntegrands(g: FusedIntegrand1d): Integrand1d[] {
  const out = new Float64Array(g.count);
  return Array.from({ length: g.count }, (_, k) => (x: number) => {
    g.evaluate(x, out);
    return out[k];
  });
}

// ---------------------------------------------------------------------------
// Order selection, error estimate, adaptation

function validateOrder(n: number, name: string): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`);
}

function estimate(evaluate: (n: number) => RuleResult, count: number, opts: ExpectationOptions, defaultMax: number): Estimate[] {
  let n = opts.order ?? DEFAULT_ORDER;
  let m = opts.checkOrder ?? Math.ceil(n / 2);
  validateOrder(n, 'order');
  validateOrder(m, 'checkOrder');
  if (m === n) throw new RangeError('checkOrder must differ from order to estimate the error');
  const maxOrder = Math.max(n, opts.maxOrder ?? defaultMax);
  const tolerance = opts.tolerance;
  if (tolerance !== undefined && !(tolerance > 0)) throw new RangeError(`tolerance must be > 0, got ${tolerance}`);
  let hi = evaluate(n);
  let lo = evaluate(m);
  for (;;) {
    const errors = new Float64Array(count);
    for (let k = 0; k < count; k++) {
      errors[k] = Math.abs(hi.values[k] - lo.values[k]) + ROUNDOFF_FACTOR * hi.absSums[k];
    }
    const done = tolerance === undefined || n >= maxOrder || errors.every((e) => e <= tolerance);
    if (done) {
      return Array.from({ length: count }, (_, k) => ({ value: hi.values[k], errorEstimate: errors[k], order: n }));
    }
    lo = hi;
    n = Math.min(2 * n, maxOrder);
    hi = evaluate(n);
  }
}

function exact(values: readonly number[]): Estimate[] {
  return values.map((value) => ({ value, errorEstimate: 0, order: 0 }));
}

function expectations1d(fs: readonly Integrand1d[], variance: number, opts: ExpectationOptions): Estimate[] {
  if (variance === 0) return exact(fs.map((f) => f(0)));
  const sigma = Math.sqrt(variance);
  const rule = opts.kinkAtZero ? split1d : hermite1d;
  return estimate((n) => rule(fs, sigma, n), fs.length, opts, DEFAULT_MAX_ORDER_1D);
}

function cholesky(c: SanitizedCovariance): Cholesky {
  return { sigma1: c.sigma1, a: c.rho * c.sigma2, s: c.sigma2 * sinFromCorrelation(c.rho) };
}

// ---------------------------------------------------------------------------
// Public API

/** E[f(u)], u ~ N(0, variance). */
export function expectation1d(f: Integrand1d, variance: number, opts: ExpectationOptions = {}): Estimate {
  return expectations1d([f], sanitizeVariance(variance), opts)[0];
}

/** E[f(u, v)], (u, v) ~ N(0, [[k11, k12], [k12, k22]]). */
export function expectation2d(f: Integrand2d, k11: number, k12: number, k22: number, opts: ExpectationOptions = {}): Estimate {
  const c = sanitizeCovariance(k11, k12, k22);
  if (c.k11 === 0 && c.k22 === 0) return exact([f(0, 0)])[0];
  if (c.k11 === 0) return expectation1d((v) => f(0, v), c.k22, opts);
  if (c.k22 === 0) return expectation1d((u) => f(u, 0), c.k11, opts);
  if (Math.abs(c.rho) === 1) {
    // v = ρ(σ2/σ1)u; written over z = u/σ1 ~ N(0, 1) to avoid forming σ2/σ1.
    const { sigma1, sigma2, rho } = c;
    return expectation1d((z) => f(sigma1 * z, rho * sigma2 * z), 1, opts);
  }
  const ch = cholesky(c);
  const rule = opts.kinkAtZero ? polar2d : hermite2d;
  return estimate((n) => rule(f, ch, n), 1, opts, DEFAULT_MAX_ORDER_2D)[0];
}

/**
 * E[f_k(u) f_k(v)] for each k, (u, v) ~ N(0, [[k11, k12], [k12, k22]]), sharing
 * the nodes between the f_k. Same rule and estimate as expectation2d. The f_k
 * may be given as an array or as one fused evaluator (FusedIntegrand1d) that
 * shares work between them; the Gauss–Hermite path also evaluates at u only
 * n times instead of n² (u depends on the outer node alone).
 * With `tolerance`, all k adapt together.
 */
export function expectationOfProducts2d(
  fs: readonly Integrand1d[] | FusedIntegrand1d,
  k11: number,
  k12: number,
  k22: number,
  opts: ExpectationOptions = {},
): Estimate[] {
  const g = isFused(fs) ? fs : fuseIntegrands(fs);
  const c = sanitizeCovariance(k11, k12, k22);
  const at0 = new Float64Array(g.count);
  g.evaluate(0, at0);
  if (c.k11 === 0 && c.k22 === 0) return exact(Array.from(at0, (f0) => f0 * f0));
  const components = isFused(fs) ? splitIntegrands(g) : fs;
  if (c.k11 === 0 || c.k22 === 0) {
    // One variable is the point mass 0: E[f(0) f(w)] = f(0)·E[f(w)].
    const variance = c.k11 === 0 ? c.k22 : c.k11;
    const means = expectations1d(components, variance, opts);
    return means.map((e, k) => ({ value: at0[k] * e.value, errorEstimate: Math.abs(at0[k]) * e.errorEstimate, order: e.order }));
  }
  if (Math.abs(c.rho) === 1) {
    const { sigma1, sigma2, rho } = c;
    return expectations1d(
      components.map((f) => (z: number) => f(sigma1 * z) * f(rho * sigma2 * z)),
      1,
      opts,
    );
  }
  const ch = cholesky(c);
  const rule = opts.kinkAtZero ? polarProducts : hermiteProducts;
  return estimate((n) => rule(g, ch, n), g.count, opts, DEFAULT_MAX_ORDER_2D);
}

function isFused(fs: readonly Integrand1d[] | FusedIntegrand1d): fs is FusedIntegrand1d {
  return !Array.isArray(fs);
}
