/**
 * Gauss quadrature rules from a three-term recurrence (Golub & Welsch,
 * "Calculation of Gauss quadrature rules", Math. Comp. 23 (1969) 221–230).
 *
 * For a measure μ with orthonormal polynomials satisfying
 *     √β_{k+1} p_{k+1}(x) = (x − α_k) p_k(x) − √β_k p_{k−1}(x),
 * the n Gauss nodes are the eigenvalues of the symmetric tridiagonal Jacobi
 * matrix J_n (diagonal α_0..α_{n−1}, off-diagonal √β_1..√β_{n−1}).
 *
 * Nodes: eigenvalues of J_n by the implicit QL algorithm with Wilkinson shifts
 * (the `tqli` of Numerical Recipes 3rd ed. §11.4, eigenvalues only), then one to
 * three Newton steps on p_n to recover full relative accuracy, which QL only
 * delivers to ~ε‖J‖ in absolute terms.
 * Weights: the Christoffel numbers w_i = μ(ℝ) / Σ_{k<n} p_k(x_i)² (Szegő,
 * Orthogonal Polynomials, §3.4), which stay relatively accurate for the
 * tiny tail weights where Golub–Welsch's squared eigenvector components
 * would only be accurate to ~ε absolutely.
 *
 * Cost is O(n²); rules are meant to be cached by the caller.
 */

export interface GaussRule {
  /** Nodes in increasing order. */
  readonly nodes: Float64Array;
  /** Positive weights, same order as nodes. */
  readonly weights: Float64Array;
}

const EPS = 2.220446049250313e-16;
/** Rescaling threshold in the recurrence; avoids overflow of p_k at far nodes for large n. */
const BIG = 2 ** 500;
const LOG_BIG = 500 * Math.LN2;

/**
 * Eigenvalues of the symmetric tridiagonal matrix with diagonal `d` and
 * off-diagonal `e` (e[i] couples i and i+1; length n−1). Returned sorted.
 */
export function symmetricTridiagonalEigenvalues(diagonal: ArrayLike<number>, offDiagonal: ArrayLike<number>): Float64Array {
  const n = diagonal.length;
  const d = Float64Array.from(diagonal);
  const e = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) e[i] = offDiagonal[i];
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= EPS * dd) break;
      }
      if (m === l) break;
      if (++iterations > 60) throw new Error('symmetricTridiagonalEigenvalues: QL did not converge');
      // Wilkinson shift from the leading 2x2 block.
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let deflated = false;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Underflow: the matrix splits here; restart the sweep.
          d[i + 1] -= p;
          e[m] = 0;
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (deflated) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
  return d.sort();
}

/**
 * Evaluate the orthonormal recurrence at x. Returns p_n(x), p_n'(x) and
 * Σ_{k<n} p_k(x)², all divided by a common factor e^{logScale} (resp. its
 * square for the sum) so that nothing overflows.
 */
function recurrence(
  x: number,
  alpha: ArrayLike<number>,
  sqrtBeta: ArrayLike<number>,
  n: number,
): { p: number; dp: number; sumSq: number; logScale: number } {
  let pPrev = 0;
  let p = 1;
  let dpPrev = 0;
  let dp = 0;
  let sumSq = 0;
  let logScale = 0;
  for (let k = 0; k < n; k++) {
    sumSq += p * p;
    const sb = sqrtBeta[k]; // √β_k, with √β_0 unused (p_{-1} = 0)
    const pNext = ((x - alpha[k]) * p - (k > 0 ? sb * pPrev : 0)) / sqrtBeta[k + 1];
    const dpNext = ((x - alpha[k]) * dp + p - (k > 0 ? sb * dpPrev : 0)) / sqrtBeta[k + 1];
    pPrev = p;
    p = pNext;
    dpPrev = dp;
    dp = dpNext;
    if (Math.abs(p) > BIG || Math.abs(dp) > BIG) {
      p /= BIG;
      pPrev /= BIG;
      dp /= BIG;
      dpPrev /= BIG;
      sumSq /= BIG * BIG;
      logScale += LOG_BIG;
    }
  }
  return { p, dp, sumSq, logScale };
}

/**
 * n-point Gauss rule for the measure with recurrence coefficients
 * alpha[0..n−1] and sqrtBeta[1..n] (length n+1; sqrtBeta[0] is ignored) and
 * total mass mu0.
 * If `symmetric` (all α_k = 0), nodes and weights are symmetrised exactly about 0.
 */
export function gaussRuleFromRecurrence(
  n: number,
  alpha: ArrayLike<number>,
  sqrtBeta: ArrayLike<number>,
  mu0: number,
  symmetric: boolean,
): GaussRule {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Gauss rule order must be a positive integer, got ${n}`);
  const diag = new Float64Array(n);
  const off = new Float64Array(Math.max(0, n - 1));
  for (let k = 0; k < n; k++) diag[k] = alpha[k];
  for (let k = 0; k < n - 1; k++) off[k] = sqrtBeta[k + 1];
  const nodes = symmetricTridiagonalEigenvalues(diag, off);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = nodes[i];
    for (let it = 0; it < 3; it++) {
      const { p, dp } = recurrence(x, alpha, sqrtBeta, n);
      if (dp === 0) break;
      const step = p / dp;
      x -= step;
      if (Math.abs(step) <= 4 * EPS * Math.max(1, Math.abs(x))) break;
    }
    nodes[i] = x;
    const { sumSq, logScale } = recurrence(x, alpha, sqrtBeta, n);
    weights[i] = mu0 * Math.exp(-2 * logScale - Math.log(sumSq));
  }
  if (symmetric) {
    for (let i = 0, j = n - 1; i < j; i++, j--) {
      const x = 0.5 * (nodes[j] - nodes[i]);
      const w = 0.5 * (weights[i] + weights[j]);
      nodes[i] = -x;
      nodes[j] = x;
      weights[i] = w;
      weights[j] = w;
    }
    if (n % 2 === 1) nodes[(n - 1) / 2] = 0;
  }
  return { nodes, weights };
}
