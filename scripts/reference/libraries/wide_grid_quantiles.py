#!/usr/bin/python3
"""Error of the quantiles written by wide_grid.mts, from their 40-digit residual:
|x̂ − x|/|x| ≈ |F(x̂) − p| / (f(x̂)·|x̂|), on the smaller tail (see README.md).
Usage: wide_grid_quantiles.py QUANTILES.json"""

import json
import signal
import sys

import mpmath
from mpmath import mpf

mpmath.mp.dps = 50


class Slow(Exception):
    pass


def _alarm(*_):
    raise Slow()


signal.signal(signal.SIGALRM, _alarm)


def t_error(r, x):
    if x == 0:
        return 0.0 if r["p"] == 0.5 else float("inf")
    X, D = mpf(x), mpf(r["df"])
    tail = mpmath.betainc(D / 2, mpf(1) / 2, 0, D / (D + X * X), regularized=True) / 2  # P(T <= -|x|)
    pdf = mpmath.gamma((D + 1) / 2) / (mpmath.sqrt(D * mpmath.pi) * mpmath.gamma(D / 2)) * (1 + X * X / D) ** (-(D + 1) / 2)
    target = mpf(r["p"]) if r["p"] < 0.5 else 1 - mpf(r["p"])
    return float(abs(tail - target) / (pdf * abs(X)))


def beta_error(r, x):
    A, B, X = mpf(r["a"]), mpf(r["b"]), mpf(x)
    pdf = mpmath.exp((A - 1) * mpmath.log(X) + (B - 1) * mpmath.log(1 - X) - mpmath.log(mpmath.beta(A, B)))
    if r["p"] <= r["q"]:
        residual = mpmath.betainc(A, B, 0, X, regularized=True) - mpf(r["p"])
    else:
        residual = mpf(r["q"]) - mpmath.betainc(B, A, 0, 1 - X, regularized=True)
    return float(abs(residual) / (pdf * X))


data = json.load(open(sys.argv[1]))
for kind, error in [("t", t_error), ("beta", beta_error), ("cp", beta_error)]:
    line = [f"{kind}: {len(data[kind])} points"]
    for impl in ["base", "stdlib"]:
        errors, at_end, left_out = [], 0, 0
        for r in data[kind]:
            if kind != "t" and not (0 < r[impl] < 1):
                at_end += 1  # rounds to 0 or 1, as the exact quantile does at these p (both do it alike)
                continue
            signal.alarm(6)
            try:
                errors.append((error(r, r[impl]), {k: v for k, v in r.items() if k not in ("base", "stdlib")}))
            except (Slow, mpmath.libmp.libhyper.NoConvergence, ValueError, ZeroDivisionError):
                left_out += 1
            finally:
                signal.alarm(0)
        errors.sort(key=lambda e: -e[0])
        values = sorted(e for e, _ in errors)
        line.append(f"{impl}: max {errors[0][0]:.1e} at {errors[0][1]}, median {values[len(values) // 2]:.1e}, "
                    f"{sum(v > 2e-15 for v in values)} above 2e-15, {at_end} at 0 or 1, {left_out} left out")
    print("\n  ".join(line), flush=True)
