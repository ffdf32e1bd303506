#!/usr/bin/python3
"""Reference values for the TypeScript statistics library in src/stats/.

Writes src/stats/reference.json, which is checked in and read by the vitest
suites in src/stats/*.test.ts.  Run from the repository root with Debian's
system interpreter (the pyenv python has no scipy):

    apt-get install -y python3-scipy python3-mpmath
    /usr/bin/python3 scripts/reference/stats_reference.py

Generated with (Debian 12 packages):
    Python 3.11.2, scipy 1.10.1, numpy 1.24.2, mpmath 1.2.1
The versions actually used are also written into the JSON under "meta".

Why two oracles.  scipy 1.10.1 evaluates the normal tail as
0.5*erfc(|x|/sqrt(2)) (Cephes ndtr), which rounds x/sqrt(2) before squaring
it, so its relative error grows like x^2 * 2^-53 (5.7e-14 at x = -30, 7e-15
at x = -10).  Our implementation is more accurate than that in the far tail,
so the special functions (normal, gamma, beta, t, chi-square, F,
Kolmogorov) are additionally evaluated with mpmath at 40 significant digits
(the unlabelled value fields; scipy's own results are kept in "*Scipy"/"scipy"
fields); the tests compare against mpmath with tight tolerances and against
scipy with scipy's own accuracy.  Quantiles (normal, t, beta) are mpmath
roots of the 40-digit cdf at the given double p: scipy 1.10's t.ppf (Cephes
stdtrit) is only accurate to ~1e-9 relative, e.g. t.ppf(0.9, 30).

Other notes on what the reference values are:
  * Clopper-Pearson: scipy.stats.binomtest(...).proportion_ci('exact')
    solves for the bounds with brentq (absolute tolerance ~1e-12), so the
    beta-quantile form of the limits (Clopper & Pearson 1934) is stored too:
    "lower"/"upper" as 40-digit mpmath roots of the beta tails, and
    "lowerScipy"/"upperScipy" from scipy.stats.beta.ppf/isf (Boost
    ibeta_inv).
  * Anderson-Darling: scipy.stats.anderson gives A^2 only (ddof = 1 scale
    estimate, as we do).  The p-value formula of D'Agostino & Stephens (1986)
    is not in scipy 1.10; the TS test checks it against the published
    percentage points of their Table 4.7 instead.
  * KS two-sample: scipy's method='asymp' returns kstwo.sf(D, round(en)),
    the exact one-sample Kolmogorov distribution at the rounded effective
    size, not Stephens' (1970) corrected asymptotic formula used in the TS
    code.  Both are stored: "pScipyAsymp" (loose comparison) and
    "pStephens" = scipy.special.kolmogorov((sqrt(en)+0.12+0.11/sqrt(en))*D)
    (tight comparison of the same formula).
  * KS one-sample: scipy.stats.kstest(x, 'norm', method='exact') gives D and
    the exact finite-n p-value ("pScipyExact", loose comparison: Stephens'
    formula is an approximation); "pStephens" is the same formula as the TS
    code, evaluated with scipy.special.kolmogorov (tight comparison).
  * Power-law fit: polyfit on (ln x, ln y) with w = y/sigma; the scaled
    Student-t interval uses the 40-digit t quantile (see above), the normal
    one scipy.stats.norm.ppf(0.975).
  * Mardia (1970) and Hotelling's T^2 are computed here from their
    definitions with numpy (scipy 1.10 has neither), with chi2/norm/f tails
    from scipy.stats.
  * Weighted straight-line fit: numpy.polyfit(x, y, 1, w=1/sigma,
    cov='unscaled') ("polyfit" fields; polyfit weights multiply the
    residuals, so w = 1/sigma gives the chi-square objective), plus the
    closed-form normal-equation solution evaluated with mpmath, which stays
    exact when x carries a large offset where polyfit loses digits.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sys

import mpmath
import numpy as np
import scipy
from scipy import special, stats

mpmath.mp.dps = 40
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "stats", "reference.json")


def bracketed_root(fn, guess: float):
    """Root of the increasing function fn near guess, by bracketing and bisection."""
    g = mpmath.mpf(guess)
    width = abs(g) * mpmath.mpf("1e-6") if g != 0 else mpmath.mpf("1e-12")
    lo, hi = g - width, g + width
    while fn(lo) > 0:
        lo -= width
        width *= 2
    while fn(hi) < 0:
        hi += width
        width *= 2
    for _ in range(160):  # bisection: slow but cannot fail; 160 halvings reach the 40-digit floor
        mid = (lo + hi) / 2
        if fn(mid) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def quantile_root(cdf, sf, p: float, guess: float):
    """x with cdf(x) = p, solved on the log of the smaller tail so that findroot's
    absolute residual test is meaningful for tiny probabilities."""
    pm = mpmath.mpf(p)
    if p <= 0.5:
        return bracketed_root(lambda x: mpmath.log(cdf(x)) - mpmath.log(pm), guess)
    qm = 1 - pm  # exact: p is a double in (0.5, 1)
    return bracketed_root(lambda x: mpmath.log(qm) - mpmath.log(sf(x)), guess)


def f(v) -> float:
    """Plain Python float (JSON-safe)."""
    return float(v)


def rounded(a, digits=6) -> list[float]:
    return [float(v) for v in np.round(np.asarray(a, dtype=float), digits)]


rng = np.random.default_rng(20240611)

# ---------------------------------------------------------------- special functions

normal_x = [-40, -38, -30, -10, -8, -5, -3, -1, -0.5, -1e-10, 0, 1e-10, 0.5, 0.7, 1, 2, 3, 5, 8, 10, 30, 38]
normal_cdf = []
for x in normal_x:
    normal_cdf.append({
        "x": x,
        "cdf": f(mpmath.ncdf(x)),
        "sf": f(mpmath.ncdf(-x)),
        "cdfScipy": f(stats.norm.cdf(x)),
        "sfScipy": f(stats.norm.sf(x)),
    })
exp_neg_half_square = [{"x": x, "value": f(mpmath.exp(-mpmath.mpf(x) ** 2 / 2))} for x in [0.1, 1.3, -7.77, 26.3, 30.1, 37.9]]
normal_pdf = [{"x": x, "value": f(mpmath.npdf(x))} for x in [-38, -30, -8.5, -1, 0, 0.3, 2.25, 12.3, 37]]
# Dense grid across the whole finite range: catches a wrong coefficient anywhere.
normal_grid = []
for x in np.linspace(-37.5, 37.5, 301):
    x = float(x)
    normal_grid.append({"x": x, "cdf": f(mpmath.ncdf(x)), "sf": f(mpmath.ncdf(-x))})

quantile_p = [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.02, 0.025, 0.02425, 0.1, 0.3, 0.5, 0.6,
              0.9, 0.97575, 0.975, 0.999, 0.999999, 1 - 1e-12]
normal_quantile = []
for p in quantile_p:
    # mpmath has no inverse normal cdf; solve Phi(x) = p at 40 digits (p is the double given).
    pm = mpmath.mpf(p)
    if p == 0.5:
        q = mpmath.mpf(0)
    else:
        q = quantile_root(mpmath.ncdf, lambda t: mpmath.ncdf(-t), p, float(stats.norm.ppf(p)))
    normal_quantile.append({"p": p, "q": f(q), "qScipy": f(stats.norm.ppf(p))})

log_gamma = []
for x in [1e-300, 1e-10, 1e-3, 0.1, 0.5, 0.9, 0.999999, 1, 1.000001, 1.2, 1.5, 1.7, 1.999999, 2, 2.000001,
          2.5, 3, 3.7, 7.5, 9.99, 10, 10.01, 15, 30.5, 100, 171.5, 1000, 1e6, 1e15, 1e300]:
    log_gamma.append({"x": x, "value": f(mpmath.loggamma(x)), "scipy": f(special.gammaln(x))})

stirling_error = []
for z in [1e-3, 0.5, 1, 2.5, 7, 9.99, 10, 10.5, 50, 1e4, 1e10]:
    zm = mpmath.mpf(z)
    exact = mpmath.loggamma(zm) - ((zm - mpmath.mpf(1) / 2) * mpmath.log(zm) - zm + mpmath.log(2 * mpmath.pi) / 2)
    stirling_error.append({"z": z, "value": f(exact)})

gamma_inc = []
for a, x in [(0.5, 0.1), (0.5, 2), (1, 1), (1.5, 100), (2.5, 0.001), (3, 2.5), (3, 20), (10, 5), (10, 10),
             (10, 25), (50, 40), (50, 60), (100, 100), (250, 300), (1000, 980), (1000, 1100), (0.01, 0.5),
             (1e-3, 1e-5), (25, 1e-3), (5, 80)]:
    am, xm = mpmath.mpf(a), mpmath.mpf(x)
    gamma_inc.append({
        "a": a, "x": x,
        "p": f(mpmath.gammainc(am, 0, xm, regularized=True)),
        "q": f(mpmath.gammainc(am, xm, mpmath.inf, regularized=True)),
        "pScipy": f(special.gammainc(a, x)), "qScipy": f(special.gammaincc(a, x)),
    })

beta_inc = []
for x, a, b in [(0.1, 0.5, 0.5), (0.9, 0.5, 0.5), (0.3, 2, 3), (0.5, 1, 1), (0.2, 5, 0.5), (0.01, 0.5, 20),
                (1e-5, 2, 100), (0.7, 20, 10), (0.45, 50, 60), (0.5, 500, 500), (0.55, 500, 500),
                (0.999, 3, 4), (0.05, 1.5, 2000), (0.3, 0.01, 2), (0.8, 100, 30), (0.25, 1000, 3000)]:
    xm, am, bm = mpmath.mpf(x), mpmath.mpf(a), mpmath.mpf(b)
    exact = mpmath.betainc(am, bm, 0, xm, regularized=True)
    complement = mpmath.betainc(bm, am, 0, 1 - xm, regularized=True)  # not 1 - exact: it may round to 0
    beta_inc.append({"x": x, "a": a, "b": b, "value": f(exact), "complement": f(complement),
                     "scipy": f(special.betainc(a, b, x))})

beta_quantile = []
for p, a, b in [(0.025, 3, 18), (0.975, 4, 17), (0.5, 2, 3), (1e-10, 2, 5), (0.999, 0.5, 0.5), (0.05, 50, 60),
                (0.3, 0.2, 0.3), (1e-6, 1, 1000), (0.9, 10, 0.5), (0.1, 1000, 1000), (1e-20, 0.5, 3)]:
    am, bm, pm = mpmath.mpf(a), mpmath.mpf(b), mpmath.mpf(p)
    exact = quantile_root(lambda x: mpmath.betainc(am, bm, 0, x, regularized=True),
                          lambda x: mpmath.betainc(bm, am, 0, 1 - x, regularized=True), p, float(stats.beta.ppf(p, a, b)))
    beta_quantile.append({"p": p, "a": a, "b": b, "value": f(exact), "scipy": f(stats.beta.ppf(p, a, b))})

def t_tail_exact(t, df):
    """P(T <= t) for t <= 0 at 40 digits (A&S 26.7.1)."""
    tm, nu = mpmath.mpf(t), mpmath.mpf(df)
    return mpmath.betainc(nu / 2, mpmath.mpf(1) / 2, 0, nu / (nu + tm * tm), regularized=True) / 2


def t_cdf_exact(t, df):
    return t_tail_exact(t, df) if t <= 0 else 1 - t_tail_exact(t, df)


def t_quantile_exact(p, df):
    """Root of the 40-digit t cdf.  scipy 1.10's t.ppf (Cephes stdtrit) is only good to ~1e-9 relative."""
    if p == 0.5:
        return mpmath.mpf(0)
    return quantile_root(lambda t: t_cdf_exact(t, df), lambda t: t_cdf_exact(-t, df), p, float(stats.t.ppf(p, df)))


student_t = []
for t, df in [(-40, 3), (-10, 1), (-3, 5), (-2.5, 10), (-1, 2), (-1e-8, 4), (0, 7), (0.5, 1), (1.5, 30),
              (2.0, 3.5), (4, 12), (12, 100), (-6, 1e6), (0.3, 0.5), (-25, 50)]:
    exact = t_cdf_exact(t, df)
    student_t.append({"t": t, "df": df, "cdf": f(exact), "scipy": f(stats.t.cdf(t, df))})

student_t_quantile = []
for p, df in [(0.975, 1), (0.975, 2), (0.995, 5), (0.025, 10), (1e-8, 3), (0.5, 4), (0.9, 30), (0.8, 2.5),
              (0.999, 1000), (1e-12, 1e6), (0.3, 50)]:
    student_t_quantile.append({"p": p, "df": df, "value": f(t_quantile_exact(p, df)), "scipy": f(stats.t.ppf(p, df))})

chi2 = []
for x, k in [(0.001, 1), (0.5, 1), (3.84, 1), (2, 2), (5.991, 2), (0.1, 5), (11.07, 5), (30, 10), (200, 3),
             (1000, 1000), (1100, 1000), (0.5, 0.5), (60, 4), (1e-8, 3)]:
    xm, km = mpmath.mpf(x), mpmath.mpf(k)
    chi2.append({
        "x": x, "k": k,
        "cdf": f(mpmath.gammainc(km / 2, 0, xm / 2, regularized=True)),
        "sf": f(mpmath.gammainc(km / 2, xm / 2, mpmath.inf, regularized=True)),
        "cdfScipy": f(stats.chi2.cdf(x, k)), "sfScipy": f(stats.chi2.sf(x, k)),
    })

f_dist = []
for x, d1, d2 in [(0.5, 1, 1), (1, 2, 3), (3.5, 3, 16), (2.5, 5, 10), (0.01, 4, 8), (20, 2, 50), (1.2, 30, 40),
                  (100, 3, 5), (0.8, 200, 300), (4.0, 1, 1000)]:
    xm, am, bm = mpmath.mpf(x), mpmath.mpf(d1), mpmath.mpf(d2)
    z = am * xm / (am * xm + bm)
    cdf = mpmath.betainc(am / 2, bm / 2, 0, z, regularized=True)
    sf = mpmath.betainc(bm / 2, am / 2, 0, bm / (bm + am * xm), regularized=True)
    f_dist.append({"x": x, "d1": d1, "d2": d2, "cdf": f(cdf), "sf": f(sf),
                   "cdfScipy": f(stats.f.cdf(x, d1, d2)), "sfScipy": f(stats.f.sf(x, d1, d2))})


def kolmogorov_exact(lam: float):
    lm = mpmath.mpf(lam)
    return mpmath.nsum(lambda k: 2 * (-1) ** (k - 1) * mpmath.exp(-2 * k * k * lm * lm), [1, mpmath.inf])


kolmogorov = []
for lam in [0.2, 0.3, 0.5, 0.8, 1.0, 1.0727, 1.2, 1.36, 1.63, 2.0, 3.0, 5.0, 8.0]:
    kolmogorov.append({"lambda": lam, "sf": f(kolmogorov_exact(lam)), "scipy": f(special.kolmogorov(lam))})

# ---------------------------------------------------------------- Clopper-Pearson

def beta_quantile_exact(p, a, b, guess):
    am, bm = mpmath.mpf(a), mpmath.mpf(b)
    return quantile_root(lambda x: mpmath.betainc(am, bm, 0, x, regularized=True),
                         lambda x: mpmath.betainc(bm, am, 0, 1 - x, regularized=True), p, guess)


def beta_upper_quantile_exact(q, a, b, guess):
    """x with 1 - I_x(a, b) = q, q given as the double it is (not 1 - (1 - q))."""
    am, bm, qm = mpmath.mpf(a), mpmath.mpf(b), mpmath.mpf(q)
    return bracketed_root(lambda x: mpmath.log(qm) - mpmath.log(mpmath.betainc(bm, am, 0, 1 - x, regularized=True)), guess)


clopper = []
for k, n, conf in [(0, 10, 0.95), (1, 10, 0.95), (3, 20, 0.95), (10, 20, 0.95), (20, 20, 0.95), (7, 50, 0.99),
                   (500, 1000, 0.95), (1, 1000000, 0.95), (999, 1000, 0.9), (42, 97, 0.683)]:
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=conf, method="exact")
    half_alpha = (1 - conf) / 2
    lower_scipy = 0.0 if k == 0 else f(stats.beta.ppf(half_alpha, k, n - k + 1))
    upper_scipy = 1.0 if k == n else f(stats.beta.isf(half_alpha, k + 1, n - k))
    # 40-digit roots of the defining beta tails: I_lower(k, n-k+1) = alpha/2, 1 - I_upper(k+1, n-k) = alpha/2.
    lower = 0.0 if k == 0 else f(beta_quantile_exact(half_alpha, k, n - k + 1, lower_scipy))
    upper = 1.0 if k == n else f(beta_upper_quantile_exact(half_alpha, k + 1, n - k, upper_scipy))
    clopper.append({"successes": k, "trials": n, "confidence": conf, "lower": lower, "upper": upper,
                    "lowerScipy": lower_scipy, "upperScipy": upper_scipy,
                    "lowerBinomtest": f(ci.low), "upperBinomtest": f(ci.high)})

# ---------------------------------------------------------------- samples for the tests

datasets = {
    "normal50": rounded(rng.normal(10.0, 2.0, 50)),
    "exponential40": rounded(rng.exponential(1.5, 40)),
    "studentT30": rounded(rng.standard_t(3, 30)),
    "uniform25": rounded(rng.uniform(-1, 1, 25)),
    "normal500": rounded(rng.normal(0.0, 1.0, 500)),
}

moments = []
for name, data in datasets.items():
    a = np.asarray(data)
    moments.append({
        "name": name, "n": len(data),
        "skewness": f(stats.skew(a, bias=False)),
        "excessKurtosis": f(stats.kurtosis(a, fisher=True, bias=False)),
    })

jarque_bera = []
anderson = []
for name, data in datasets.items():
    res = stats.jarque_bera(np.asarray(data))
    jarque_bera.append({"name": name, "statistic": f(res.statistic), "pValue": f(res.pvalue)})
    ad = stats.anderson(np.asarray(data), dist="norm")
    anderson.append({"name": name, "statistic": f(ad.statistic)})

ks_two = []
ks_pairs = {
    "normalShift": (rounded(rng.normal(0, 1, 60)), rounded(rng.normal(0.5, 1, 45))),
    "sameDistribution": (rounded(rng.normal(0, 1, 80)), rounded(rng.normal(0, 1, 70))),
    "ties": ([float(v) for v in rng.poisson(4, 30)], [float(v) for v in rng.poisson(5, 40)]),
    "scale": (rounded(rng.normal(0, 1, 100)), rounded(rng.normal(0, 2, 120))),
}
for name, (x, y) in ks_pairs.items():
    res = stats.ks_2samp(x, y, method="asymp")
    d = f(res.statistic)
    en = len(x) * len(y) / (len(x) + len(y))
    lam = (math.sqrt(en) + 0.12 + 0.11 / math.sqrt(en)) * d
    ks_two.append({"name": name, "x": x, "y": y, "statistic": d, "pScipyAsymp": f(res.pvalue),
                   "pStephens": f(special.kolmogorov(lam))})

ks_one = []
ks_one_data = {
    "normal40": rounded(rng.normal(0, 1, 40)),
    "shifted30": rounded(rng.normal(0.6, 1, 30)),
    "normal200": rounded(rng.normal(0, 1, 200)),
}
for name, x in ks_one_data.items():
    res = stats.kstest(x, "norm", method="exact")
    d = f(res.statistic)
    n = len(x)
    lam = (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n)) * d
    ks_one.append({"name": name, "x": x, "statistic": d, "pScipyExact": f(res.pvalue),
                   "pStephens": f(special.kolmogorov(lam))})

# ---------------------------------------------------------------- multivariate


def mardia_reference(samples: np.ndarray) -> dict:
    n, p = samples.shape
    centered = samples - samples.mean(axis=0)
    s = centered.T @ centered / n  # maximum-likelihood covariance, as in Mardia (1970)
    g = centered @ np.linalg.inv(s) @ centered.T
    b1 = float(np.sum(g ** 3) / n ** 2)
    b2 = float(np.mean(np.diag(g) ** 2))
    skew_stat = n * b1 / 6
    skew_df = p * (p + 1) * (p + 2) / 6
    kurt_z = (b2 - p * (p + 2)) / math.sqrt(8 * p * (p + 2) / n)
    return {
        "b1p": b1, "b2p": b2,
        "skewStatistic": skew_stat, "skewDf": skew_df, "skewPValue": f(stats.chi2.sf(skew_stat, skew_df)),
        "kurtosisStatistic": kurt_z, "kurtosisPValue": f(2 * stats.norm.sf(abs(kurt_z))),
    }


mardia_sets = {
    "normal3d": np.round(rng.multivariate_normal([0, 1, 2], [[1, 0.5, 0.2], [0.5, 2, 0.3], [0.2, 0.3, 1.5]], 60), 6),
    "skewed2d": np.round(np.column_stack([rng.exponential(1, 45), rng.normal(0, 1, 45)]), 6),
    "heavy4d": np.round(rng.standard_t(4, (80, 4)), 6),
}
mardia = []
for name, data in mardia_sets.items():
    mardia.append({"name": name, "samples": data.tolist(), **mardia_reference(data)})


def hotelling_reference(samples: np.ndarray, mu0: list[float]) -> dict:
    n, p = samples.shape
    diff = samples.mean(axis=0) - np.asarray(mu0)
    s = np.cov(samples, rowvar=False, ddof=1)
    t2 = float(n * diff @ np.linalg.solve(s, diff))
    fstat = (n - p) / (p * (n - 1)) * t2
    return {"t2": t2, "f": fstat, "df": [p, n - p], "pValue": f(stats.f.sf(fstat, p, n - p))}


hotelling_sets = [
    ("shifted3d", np.round(rng.normal([0.3, -0.2, 0.5], 1, (20, 3)), 6), [0.0, 0.0, 0.0]),
    ("null2d", np.round(rng.normal([1, 2], [1, 3], (12, 2)), 6), [1.0, 2.0]),
    ("wide5d", np.round(rng.normal(0, 1, (7, 5)), 6), [0.1, 0.0, -0.1, 0.0, 0.2]),
]
hotelling = []
for name, data, mu0 in hotelling_sets:
    hotelling.append({"name": name, "samples": data.tolist(), "mu0": mu0, **hotelling_reference(data, mu0)})

# ---------------------------------------------------------------- fits

def weighted_fit_exact(x, y, sigma) -> dict:
    """Closed-form weighted least squares at 40 digits (the reference for the tight checks)."""
    w = [1 / mpmath.mpf(s) ** 2 for s in sigma]
    xs, ys = [mpmath.mpf(v) for v in x], [mpmath.mpf(v) for v in y]
    s0 = mpmath.fsum(w)
    sx = mpmath.fsum(wi * xi for wi, xi in zip(w, xs))
    sy = mpmath.fsum(wi * yi for wi, yi in zip(w, ys))
    sxx = mpmath.fsum(wi * xi * xi for wi, xi in zip(w, xs))
    sxy = mpmath.fsum(wi * xi * yi for wi, xi, yi in zip(w, xs, ys))
    det = s0 * sxx - sx * sx
    intercept = (sxx * sy - sx * sxy) / det
    slope = (s0 * sxy - sx * sy) / det
    chi2 = mpmath.fsum(wi * (yi - intercept - slope * xi) ** 2 for wi, xi, yi in zip(w, xs, ys))
    return {
        "intercept": f(intercept), "slope": f(slope),
        "covariance": [[f(sxx / det), f(-sx / det)], [f(-sx / det), f(s0 / det)]],
        "chi2": f(chi2),
    }


weighted_fits = []
fit_x = [float(v) for v in range(1, 11)]
fit_sigma = rounded(0.2 + 0.1 * np.arange(10) + 0.05 * rng.uniform(0, 1, 10))
fit_y = rounded(2.0 + 0.5 * np.asarray(fit_x) + np.asarray(fit_sigma) * rng.normal(0, 1, 10))
far_x = [1e6 + v for v in fit_x]  # large offset: tests the centred (roundoff-resistant) formulas
for name, x, y, sigma in [("linear10", fit_x, fit_y, fit_sigma), ("offsetX", far_x, fit_y, fit_sigma)]:
    coef, cov = np.polyfit(x, y, 1, w=1 / np.asarray(sigma), cov="unscaled")
    slope, intercept = float(coef[0]), float(coef[1])
    resid = (np.asarray(y) - intercept - slope * np.asarray(x)) / np.asarray(sigma)
    weighted_fits.append({
        "name": name, "x": x, "y": y, "sigma": sigma, "dof": len(x) - 2,
        **weighted_fit_exact(x, y, sigma),
        # numpy.polyfit, reordered so that the intercept comes first as in the TS result.  With the
        # 1e6 offset polyfit's Vandermonde least squares loses ~5 digits, hence the exact values above.
        "polyfit": {
            "intercept": intercept, "slope": slope,
            "covariance": [[f(cov[1, 1]), f(cov[1, 0])], [f(cov[0, 1]), f(cov[0, 0])]],
            "chi2": f(np.sum(resid ** 2)),
        },
    })

power_x = [float(2 ** k) for k in range(3, 11)]
power_true = 3.0 * np.asarray(power_x) ** -0.5
power_sigma = rounded(0.04 * power_true, 9)
power_y = rounded(power_true * (1 + 0.04 * rng.normal(0, 1, len(power_x))), 9)
lx, ly = np.log(power_x), np.log(power_y)
lsig = np.asarray(power_sigma) / np.asarray(power_y)
coef, cov = np.polyfit(lx, ly, 1, w=1 / lsig, cov="unscaled")
resid = (ly - coef[1] - coef[0] * lx) / lsig
chi2_pl = float(np.sum(resid ** 2))
dof_pl = len(power_x) - 2
se_e = math.sqrt(cov[0, 0])
z975 = stats.norm.ppf(0.975)
t975 = float(t_quantile_exact(0.975, dof_pl))
scale = math.sqrt(chi2_pl / dof_pl)
power_law = {
    "x": power_x, "y": power_y, "sigma": power_sigma,
    "exponent": f(coef[0]), "exponentSE": se_e, "logPrefactor": f(coef[1]), "logPrefactorSE": f(math.sqrt(cov[1, 1])),
    "chi2": chi2_pl, "dof": dof_pl,
    "ci95Normal": [f(coef[0] - z975 * se_e), f(coef[0] + z975 * se_e)],
    "ci95StudentScaled": [f(coef[0] - t975 * scale * se_e), f(coef[0] + t975 * scale * se_e)],
}

# ---------------------------------------------------------------- z-score helpers

max_abs_z = []
for z in [[0.5, -1.2, 2.1], [3.5, 0.1, -0.4, 1.0, 0.0], [-6.0, 1.0], [0.01], [1.0] * 100 + [4.2]]:
    m = len(z)
    zmax = max(abs(v) for v in z)
    pmin = mpmath.erfc(mpmath.mpf(zmax) / mpmath.sqrt(2))
    sidak = 1 - (1 - pmin) ** m
    max_abs_z.append({"z": z, "maxAbsZ": zmax, "pMin": f(pmin), "sidak": f(sidak),
                      "bonferroni": f(min(mpmath.mpf(1), m * pmin))})

mde = []
for se, alpha, power, m in [(0.1, 0.05, 0.8, 1), (0.1, 0.05, 0.8, 10), (2.5, 0.01, 0.9, 1), (1.0, 0.05, 0.5, 3)]:
    z_alpha = stats.norm.isf(alpha / (2 * m))
    z_power = stats.norm.ppf(power)
    mde.append({"se": se, "alpha": alpha, "power": power, "m": m, "value": f((z_alpha + z_power) * se)})

reference = {
    "meta": {
        "generator": "scripts/reference/stats_reference.py",
        "python": platform.python_version(),
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "mpmath": mpmath.__version__,
        "mpmathDigits": mpmath.mp.dps,
    },
    "normalCdf": normal_cdf,
    "normalGrid": normal_grid,
    "normalPdf": normal_pdf,
    "expNegHalfSquare": exp_neg_half_square,
    "normalQuantile": normal_quantile,
    "logGamma": log_gamma,
    "stirlingError": stirling_error,
    "regularizedGamma": gamma_inc,
    "regularizedBeta": beta_inc,
    "betaQuantile": beta_quantile,
    "studentT": student_t,
    "studentTQuantile": student_t_quantile,
    "chiSquared": chi2,
    "fDistribution": f_dist,
    "kolmogorov": kolmogorov,
    "clopperPearson": clopper,
    "datasets": datasets,
    "moments": moments,
    "jarqueBera": jarque_bera,
    "andersonDarling": anderson,
    "ksTwoSample": ks_two,
    "ksOneSample": ks_one,
    "mardia": mardia,
    "hotelling": hotelling,
    "weightedLinearFit": weighted_fits,
    "powerLawFit": power_law,
    "maxAbsZ": max_abs_z,
    "minimumDetectableEffect": mde,
}

with open(OUT, "w") as fh:
    json.dump(reference, fh, indent=1, allow_nan=False)
    fh.write("\n")
print(f"wrote {os.path.normpath(OUT)} (scipy {scipy.__version__}, numpy {np.__version__}, "
      f"mpmath {mpmath.__version__}, python {sys.version.split()[0]})")
